import { MERCHANT_LIST } from "./merchant-list";
import { isSecondary, type Secondary } from "./taxonomy";

/** A known merchant: display name, category, and the category when money comes back (refund, benefit). */
export interface MerchantEntry {
  name: string;
  secondary: Secondary;
  creditSecondary: Secondary | undefined;
}

interface Alias {
  tokens: string[];
  entry: MerchantEntry;
  /** `=CHIP`: an everyday word, the brand only when it is the whole merchant part (not `CHIP SHOP`). */
  whole: boolean;
}

/** Alias lists keyed by their first token, longest first, so one Map lookup per position. */
const byFirstToken = new Map<string, Alias[]>();
/** Every known merchant, for tests and docs. */
export const MERCHANTS: MerchantEntry[] = [];

for (const line of MERCHANT_LIST.split("\n")) {
  if (line.trim() === "") continue;
  const [name, secondary, aliases, creditSecondary] = line.split("|");
  if (!name || !isSecondary(secondary) || !aliases) throw new Error(`bad merchant line: ${line}`);
  if (creditSecondary !== undefined && !isSecondary(creditSecondary)) throw new Error(`bad merchant line: ${line}`);
  const entry: MerchantEntry = { name, secondary, creditSecondary };
  MERCHANTS.push(entry);
  for (const alias of aliases.split(",")) {
    const whole = alias.startsWith("=");
    const tokens = (whole ? alias.slice(1) : alias).trim().split(" ");
    const list = byFirstToken.get(tokens[0]!) ?? [];
    list.push({ tokens, entry, whole });
    list.sort((a, b) => b.tokens.length - a.tokens.length);
    byFirstToken.set(tokens[0]!, list);
  }
}

/**
 * Whether a token starts some alias: `BET365` and `888` carry digits and would otherwise be
 * dropped as store numbers.
 */
export function startsAlias(token: string): boolean {
  return byFirstToken.has(token);
}

/** How far into the merchant part a brand may start (`THE`, a franchisee's name). */
const MAX_START = 3;

/** Where a known merchant was found: the entry, the first token of the alias and its length in tokens. */
export interface MerchantMatch {
  entry: MerchantEntry;
  start: number;
  length: number;
}

/**
 * The known merchant in a token list: the longest alias starting in the first few tokens, the
 * earliest on a tie (`CITY COUNCIL PARKING` beats `CITY COUNCIL`).
 *
 * @example findMerchant(["TESCO", "PFS"])?.name // "Tesco Petrol"
 */
export function findMerchant(tokens: readonly string[]): MerchantEntry | undefined {
  return findMerchantMatch(tokens)?.entry;
}

/** As `findMerchant`, with where the alias starts and how many tokens it covers (to compare matches). */
export function findMerchantMatch(tokens: readonly string[]): MerchantMatch | undefined {
  const last = Math.min(tokens.length, MAX_START);
  let best: Alias | undefined;
  let bestStart = 0;
  for (let i = 0; i < last; i++) {
    const candidates = byFirstToken.get(tokens[i]!);
    if (!candidates) continue;
    for (const alias of candidates) {
      // Candidates are longest first: the first that fits is this position's best.
      if (matchesAt(tokens, i, alias.tokens) && (!alias.whole || (i === 0 && tokens.length === alias.tokens.length))) {
        if (!best || alias.tokens.length > best.tokens.length) {
          best = alias;
          bestStart = i;
        }
        break;
      }
    }
  }
  return best ? { entry: best.entry, start: bestStart, length: best.tokens.length } : undefined;
}

function matchesAt(tokens: readonly string[], start: number, alias: readonly string[]): boolean {
  if (start + alias.length > tokens.length) return false;
  for (let j = 1; j < alias.length; j++) if (tokens[start + j] !== alias[j]) return false;
  return true;
}
