import { readFileSync } from "node:fs";
import { AliasIndex, type AliasMatch } from "./alias-index";
import { lexiconWord } from "./lexicon";
import { isSecondary, type Secondary } from "./taxonomy";

/** A brand or operator from the compiled UK brand table (data/brands.txt, from the name-suggestion-index). */
export interface BrandEntry {
  name: string;
  secondary: Secondary;
  /** Other categories the same brand is filed under (Tesco's fuel, Asda's pharmacy): sub-lines. */
  subLines: Secondary[];
}

export type BrandMatch = AliasMatch<BrandEntry>;

/** How far into the merchant part a brand may start, as for the dictionary. */
const MAX_START = 3;

let index: AliasIndex<BrandEntry> | undefined;
let count = 0;

/** Parses the brand table text (`name|category|ALIAS,=WHOLE|sub-lines`); bad lines are skipped, never thrown. */
export function parseBrandTable(text: string): { index: AliasIndex<BrandEntry>; entries: number } {
  const built = new AliasIndex<BrandEntry>(nothingContradicts);
  let entries = 0;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const [name, secondary, aliases, subLines] = line.split("|");
    if (!name || !isSecondary(secondary) || !aliases) continue;
    const entry: BrandEntry = { name, secondary, subLines: (subLines ?? "").split(",").filter(isSecondary) };
    entries++;
    for (const alias of aliases.split(",")) built.add(alias, entry);
  }
  return { index: built, entries };
}

const DONATION_CATEGORIES = new Set(["DIRECT_DEBIT", "STANDING_ORDER"]);
const DONATION_WORDS = new Set(["DD", "DDR", "SO", "STO", "DONATION", "DONATIONS", "DONATE", "APPEAL", "GIFT", "AID"]);

function isDonation(bankCategory: unknown, tokens: readonly string[]): boolean {
  if (typeof bankCategory === "string" && DONATION_CATEGORIES.has(bankCategory)) return true;
  return tokens.some((t) => DONATION_WORDS.has(t));
}

/**
 * A surname-like brand (`~YOUNGS`, `~BOOTHS`) stands at the start of the merchant part unless a
 * category word after it names another kind of business (`YOUNGS NEWSAGENTS`, `TAYLORS CURRY HOUSE`).
 */
function nothingContradicts(tokens: readonly string[], start: number, length: number, entry: BrandEntry): boolean {
  if (start !== 0) return false;
  for (let i = length; i < tokens.length; i++) {
    const word = lexiconWord(tokens[i]!);
    if (word && word.weight >= 0.6 && word.secondary !== entry.secondary && !entry.subLines.includes(word.secondary)) return false;
  }
  return true;
}

function brandIndex(): AliasIndex<BrandEntry> {
  if (!index) {
    // Read once, on first use: about 125 KB, a few milliseconds.
    const parsed = parseBrandTable(readFileSync(new URL("../data/brands.txt", import.meta.url), "utf8"));
    index = parsed.index;
    count = parsed.entries;
  }
  return index;
}

/** Number of entries in the shipped brand table (for docs and tests). */
export function brandCount(): number {
  brandIndex();
  return count;
}

/**
 * The brand in a merchant part: the longest alias starting in its first few tokens.
 *
 * @example findBrand(["GAILS", "BAKERY"])?.entry.name // "GAIL's Bakery"
 */
export function findBrand(tokens: readonly string[]): BrandMatch | undefined {
  if (tokens.length === 0) return undefined;
  return brandIndex().find(tokens, MAX_START);
}

/**
 * The brand's category for this description: a sub-line when a category word outside the brand's
 * name names one of them (`ASDA PETROL` is Asda's fuel), else its main category.
 *
 * @example brandCategory(match, ["ASDA", "PETROL"]) // "transport/fuel"
 */
export function brandCategory(match: BrandMatch, tokens: readonly string[], bankCategory?: unknown, descriptionTokens: readonly string[] = []): Secondary {
  const { entry } = match;
  if (entry.subLines.length === 0) return entry.secondary;
  // Money to a charity by direct debit or standing order is a donation, not a purchase in its shop.
  if (entry.subLines.includes("gifts_and_donations/charity") && isDonation(bankCategory, descriptionTokens)) return "gifts_and_donations/charity";
  for (let i = 0; i < tokens.length; i++) {
    if (i >= match.start && i < match.start + match.length) continue;
    const word = lexiconWord(tokens[i]!);
    if (word && entry.subLines.includes(word.secondary)) return word.secondary;
  }
  return entry.secondary;
}
