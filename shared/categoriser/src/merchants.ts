import { AliasIndex, type AliasMatch } from "./alias-index";
import { MERCHANT_LIST } from "./merchant-list";
import { isSecondary, type Secondary } from "./taxonomy";

/** A known merchant: display name, category, and the category when money comes back (refund, benefit). */
export interface MerchantEntry {
  name: string;
  secondary: Secondary;
  creditSecondary: Secondary | undefined;
}

/** Where a known merchant was found: the entry, the first token of the alias and its length in tokens. */
export type MerchantMatch = AliasMatch<MerchantEntry>;

const index = new AliasIndex<MerchantEntry>();
/** Every known merchant, for tests and docs. */
export const MERCHANTS: MerchantEntry[] = [];

for (const line of MERCHANT_LIST.split("\n")) {
  if (line.trim() === "") continue;
  const [name, secondary, aliases, creditSecondary] = line.split("|");
  if (!name || !isSecondary(secondary) || !aliases) throw new Error(`bad merchant line: ${line}`);
  if (creditSecondary !== undefined && !isSecondary(creditSecondary)) throw new Error(`bad merchant line: ${line}`);
  const entry: MerchantEntry = { name, secondary, creditSecondary };
  MERCHANTS.push(entry);
  for (const alias of aliases.split(",")) index.add(alias, entry);
}

/**
 * Whether a token starts some alias: `BET365` and `888` carry digits and would otherwise be
 * dropped as store numbers.
 */
export function startsAlias(token: string): boolean {
  return index.startsWith(token);
}

/** How far into the merchant part a brand may start (`THE`, a franchisee's name). */
export const MAX_START = 3;

/**
 * The known merchant in a token list: the longest alias starting in the first few tokens, the
 * earliest on a tie (`CITY COUNCIL PARKING` beats `CITY COUNCIL`).
 *
 * @example findMerchant(["TESCO", "PFS"])?.name // "Tesco Petrol"
 */
export function findMerchant(tokens: readonly string[]): MerchantEntry | undefined {
  return index.find(tokens, MAX_START)?.entry;
}

/** As `findMerchant`, with where the alias starts and how many tokens it covers (to compare matches). */
export function findMerchantMatch(tokens: readonly string[]): MerchantMatch | undefined {
  return index.find(tokens, MAX_START);
}
