import { type BrandMatch, findBrand } from "./brands";
import { REFUND_WORDS } from "./credits";
import { findMerchantMatch, type MerchantEntry, type MerchantMatch, startsAlias } from "./merchants";
import { isNumericNoise, tokenise } from "./tokens";

/** Bank prefixes that say how a payment was made, never who was paid (leading only). */
const BANK_PREFIX = new Set(
  "CARD PAYMENT PAYMENTS PURCHASE PURCHASES CONTACTLESS DEBIT CREDIT POS VIS VISA MASTERCARD DD SO STO FPO FPI FP BGC TFR DEB CPT LNK CNC BCC CHG DIRECT STANDING ORDER FASTER BANK GIRO TO FROM INTL INT NON STERLING TRANSACTION TXN APPLE PAY GOOGLE RECEIVED SENT MOBILE ONLINE OB BILL".split(
    " ",
  ),
);
/** Prefix words that are also merchant words: a prefix only when another prefix word follows (`APPLE PAY`). */
const PREFIX_NEEDS_FOLLOWER = new Set(["APPLE", "GOOGLE", "MOBILE", "ONLINE", "BANK", "CREDIT", "BILL"]);
/** Payment processors and wallets whose name precedes the real merchant (`SQ *JOES CAFE`). */
/** `PADDLE.NET*` and `FS *` (FastSpring) are resellers that sell software in the maker's name. */
const PROCESSOR_PREFIX = new Set("PAYPAL PP SQ SUMUP SMP IZ IZETTLE ZETTLE ZTL CRV CURVE SP TST WWW STRIPE CKO PAYPOINT PADDLE FS".split(" "));
/** Where the merchant part ends: reference, exchange-rate and date trailers. */
const STOP = new Set(["REF", "REFERENCE", "RATE", "FX", "VIA", "CD", "XXXX", "EXCH", "FEE", "COMMISSION"]);
const COUNTRY = new Set([
  "GB",
  "GBR",
  "UK",
  "IE",
  "IRL",
  "FR",
  "FRA",
  "DE",
  "DEU",
  "ES",
  "ESP",
  "NL",
  "NLD",
  "LU",
  "LUX",
  "US",
  "USA",
  "COM",
  "CO",
  "NET",
  "ORG",
  "EUR",
  "GBP",
  "USD",
]);
const MONTHS = new Set(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "SEPT", "OCT", "NOV", "DEC"]);
const LEGAL = new Set(["LTD", "LIMITED", "PLC", "LLP", "INC", "GMBH", "SARL", "SA", "BV", "SRL"]);
/** Towns that card terminals append after the merchant; dropped only after the first token. */
const TOWNS = new Set(
  "LONDON MANCHESTER BIRMINGHAM LEEDS LIVERPOOL GLASGOW EDINBURGH BRISTOL CARDIFF BELFAST SHEFFIELD NOTTINGHAM LEICESTER NEWCASTLE BRIGHTON SOUTHAMPTON PORTSMOUTH PLYMOUTH READING OXFORD CAMBRIDGE YORK BATH EXETER NORWICH IPSWICH COVENTRY DERBY STOKE WOLVERHAMPTON SWANSEA ABERDEEN DUNDEE INVERNESS CHESTER LANCASTER PRESTON BOLTON WIGAN BLACKPOOL HULL BRADFORD HUDDERSFIELD HALIFAX WAKEFIELD DONCASTER ROTHERHAM BARNSLEY SUNDERLAND DURHAM MIDDLESBROUGH CARLISLE LINCOLN PETERBOROUGH LUTON WATFORD SLOUGH CROYDON ROMFORD ILFORD KINGSTON RICHMOND HARROW BROMLEY ENFIELD STRATFORD CAMDEN ISLINGTON HACKNEY BRIXTON WIMBLEDON GUILDFORD WOKING CRAWLEY HORSHAM MAIDSTONE CANTERBURY DOVER ASHFORD CHELMSFORD COLCHESTER BASILDON SOUTHEND SWINDON GLOUCESTER CHELTENHAM WORCESTER HEREFORD SHREWSBURY TELFORD NORTHAMPTON BEDFORD MILTON KEYNES AYLESBURY HIGH WYCOMBE BASINGSTOKE WINCHESTER BOURNEMOUTH POOLE SALISBURY TRURO TORQUAY TAUNTON YEOVIL STIRLING PERTH PAISLEY NEWPORT WREXHAM BANGOR DERRY DUBLIN CORK PARIS BERLIN MADRID BARCELONA AMSTERDAM ROME LISBON MUNICH DUESSELDORF LUXEMBOURG CITY TOWN CENTRE CTR ST STREET RD ROAD HIGH".split(
    " ",
  ),
);

/** Payment-type codes some banks print after the payee (`JOES GYM DDR`, `J SMITH FP 1234`). */
const TRAILING_CODES = ["DD", "DDR", "STO", "FP", "FPO", "FPI", "BGC", "TFR"];

/** What follows `CO` in a co-operative's name. */
const CO_OP_NEXT = new Set(["OP", "OPERATIVE", "OPERATIVES"]);

/** Everything skipped after the merchant's first word, in one lookup: it runs for every token. */
const TRAILING_NOISE = new Set([...COUNTRY, ...LEGAL, ...TOWNS, ...MONTHS, ...TRAILING_CODES]);

/** A description split into what the categoriser uses. */
export interface ParsedDescription {
  /** Every token of the description (merchant name and bank noise), for the model. */
  tokens: string[];
  /** The merchant part: prefixes, processors and trailers removed. */
  merchantTokens: string[];
  /** The dictionary entry when a known merchant was found. */
  entry: MerchantEntry | undefined;
  /** Display name: the dictionary's, else the cleaned description in title case. */
  name: string;
  /** Where the dictionary entry was found (in the description or in `merchant_name`). */
  match: MerchantMatch | undefined;
  /** The brand-table match, when it wins over the dictionary (then `entry` is undefined). */
  brand: BrandMatch | undefined;
  /** The tokens the brand was found in (the description's merchant part or `merchant_name`'s). */
  brandTokens: string[];
  /** A transfer, standing order or bill payment: the payee may be a person, so no brand or category-word lookup. */
  personal: boolean;
}

/**
 * Splits a description into model tokens, merchant tokens, a dictionary match and a display name.
 * The bank's transaction category, when known, settles `BP` (bill payment or the fuel brand).
 */
export function parseDescription(description: unknown, merchantName?: unknown, bankCategory?: unknown): ParsedDescription {
  const tokens = tokenise(description);
  // `REFUND FROM WHISTLES`: the refund words are no part of the merchant's name.
  const merchantTokens = merchantPart(hasRefundWord(tokens) ? withoutRefundWords(tokens) : tokens, bankCategory);
  let match = findMerchantMatch(merchantTokens);
  let nameTokens = merchantTokens;
  let givenPart: string[] = [];
  // TrueLayer's merchant_name, when present, is already clean: trust it for the name and lookup,
  // unless the description names a longer, more specific alias (`TESCO PFS` beside "Tesco").
  // Most banks send no merchant_name: skip the work rather than tokenise nothing.
  const given = typeof merchantName === "string" && merchantName !== "" ? tokenise(merchantName) : [];
  if (given.length > 0) {
    givenPart = merchantPart(given);
    const fromName = findMerchantMatch(givenPart);
    if (fromName && (!match || fromName.length >= match.length)) match = fromName;
    nameTokens = givenPart.length > 0 ? givenPart : nameTokens;
  }
  // The brand table: never on payments to people (a surname or a town is not a shop), and it
  // overrides the hand dictionary only with a longer alias that starts no later.
  let brand: BrandMatch | undefined;
  let brandTokens = merchantTokens;
  const personal = isPersonalPayment(tokens, bankCategory);
  // A dictionary alias that is the whole merchant part leaves no room for a longer brand: skip the lookup.
  const covered = match !== undefined && match.start === 0 && match.length >= merchantTokens.length && givenPart.length <= match.length;
  if (!personal && !covered) {
    brand = findBrand(merchantTokens);
    if (givenPart.length > 0) {
      const fromName = findBrand(givenPart);
      if (fromName && (!brand || fromName.length >= brand.length)) {
        brand = fromName;
        brandTokens = givenPart;
      }
    }
    if (brand && match && !(brand.length > match.length && brand.start <= match.start)) brand = undefined;
  }
  const entry = brand ? undefined : match?.entry;
  const name = entry ? entry.name : brand ? brand.entry.name : displayName(nameTokens);
  return { tokens, merchantTokens, entry, name, match: entry ? match : undefined, brand, brandTokens, personal };
}

function hasRefundWord(tokens: readonly string[]): boolean {
  // Every refund word starts with R or C: one character test spares most set lookups.
  for (const t of tokens) {
    const c = t.charCodeAt(0);
    if ((c === 82 || c === 67) && REFUND_WORDS.has(t)) return true;
  }
  return false;
}

function withoutRefundWords(tokens: readonly string[]): string[] {
  const out = tokens.filter((t) => !REFUND_WORDS.has(t));
  return out[0] === "FROM" ? out.slice(1) : out;
}

/** Leading codes of transfers, standing orders and bill payments: the payee is often a person. */
const PERSONAL_CODES = new Set(["SO", "STO", "STANDING", "FPO", "FPI", "FP", "FASTER", "TFR", "TRANSFER", "MOBILE"]);
const PERSONAL_CATEGORIES = new Set(["TRANSFER", "STANDING_ORDER"]);

function isPersonalPayment(tokens: string[], bankCategory: unknown): boolean {
  if (typeof bankCategory === "string" && PERSONAL_CATEGORIES.has(bankCategory)) return true;
  const first = tokens[0];
  if (first === undefined) return false;
  if (first === "BP") return bankCategory !== "PURCHASE" && !BP_BRAND_NEXT.has(tokens[1]!);
  return PERSONAL_CODES.has(first);
}

/**
 * The merchant's display name for a description, with card-terminal noise, processor
 * prefixes and bank codes removed and known aliases mapped to one name.
 *
 * @example normaliseMerchant("CARD PAYMENT TO AMZNMKTPLACE*2K4L55 ON 12 MAR") // "Amazon"
 * @example normaliseMerchant("SQ *JOES CAFE 0412 BRIGHTON GB") // "Joes Cafe"
 */
export function normaliseMerchant(description: unknown, merchantName?: unknown): string {
  return parseDescription(description, merchantName).name;
}

/**
 * The merchant part of a text as the lookups see it (prefixes, processors, numbers, towns and
 * trailers removed): the brand table's build script normalises names with it, so build and
 * run time agree.
 *
 * @example merchantTokens("CARD PAYMENT TO SQ *JOES CAFE 0412 BRIGHTON GB") // ["JOES", "CAFE"]
 */
export function merchantTokens(text: unknown): string[] {
  return merchantPart(tokenise(text));
}

/**
 * A stable key for grouping one merchant's transactions (rules, learning, recurring detection).
 *
 * @example merchantKey("Joe's Café") // "joes cafe"
 */
export function merchantKey(name: unknown): string {
  return tokenise(name).join(" ").toLowerCase();
}

/** Digits that are noise (store numbers, dates), unless a known brand is spelt with them (`BET365`). */
function isStoreNumber(token: string): boolean {
  return isNumericNoise(token) && !startsAlias(token);
}

function isDateStart(token: string | undefined): boolean {
  if (token === undefined) return false;
  const c = token.charCodeAt(0);
  return (c >= 48 && c <= 57) || MONTHS.has(token);
}

/** Barclays prints bill payments as `BP <payee>`; BP the fuel brand is a card purchase or says so. */
const BP_BRAND_NEXT = new Set(["CONNECT", "EXPRESS", "PETROL", "OIL", "SERVICE", "STATION", "GARAGE", "PULSE", "CHARGEMASTER"]);

function isPrefix(tokens: string[], i: number, bankCategory: unknown): boolean {
  const t = tokens[i]!;
  if (t === "BP") return bankCategory !== "PURCHASE" && !BP_BRAND_NEXT.has(tokens[i + 1]!);
  // `PADDLE.NET* SETAPP`: the reseller's domain is part of its prefix.
  if (t === "NET" && tokens[i - 1] === "PADDLE") return true;
  if (!(BANK_PREFIX.has(t) || PROCESSOR_PREFIX.has(t) || isStoreNumber(t))) return false;
  return !PREFIX_NEEDS_FOLLOWER.has(t) || BANK_PREFIX.has(tokens[i + 1]!);
}

function merchantPart(tokens: string[], bankCategory?: unknown): string[] {
  let i = 0;
  // Leading bank codes and processor prefixes, in any order (`CARD PAYMENT TO PAYPAL *NETFLIX`).
  while (i < tokens.length - 1 && isPrefix(tokens, i, bankCategory)) i++;
  const out: string[] = [];
  for (; i < tokens.length && out.length < 6; i++) {
    const t = tokens[i]!;
    if (STOP.has(t)) break;
    // "ON 12 MAR", "ON 12-03-2024": a date trailer (but E ON, ON THE BEACH are names).
    if (t === "ON" && out.length > 0 && isDateStart(tokens[i + 1])) break;
    if (isStoreNumber(t)) {
      // Card terminals print `NAME 0021 TOWN`: after a store number comes where, not who.
      if (out.length > 0 && t.length >= 3 && !startsAlias(t)) break;
      continue;
    }
    // `CO` is a domain part (`.CO.UK`) except in co-operative names (`MIDCOUNTIES CO-OP`).
    if (out.length > 0 && TRAILING_NOISE.has(t) && !(t === "CO" && CO_OP_NEXT.has(tokens[i + 1]!))) continue;
    out.push(t);
  }
  return out;
}

/** Short words that read as words, not initials, in a display name. */
const SMALL_WORDS = new Set(["BY", "OF", "AT", "TO", "IN", "ON", "MY", "UP", "GO", "DO", "NO", "SO"]);

function displayName(tokens: string[]): string {
  if (tokens.length === 0) return "Unknown";
  return tokens
    .slice(0, 4)
    .map((t) => (t.length <= 2 && !SMALL_WORDS.has(t) ? t : t.charAt(0) + t.slice(1).toLowerCase()))
    .join(" ");
}
