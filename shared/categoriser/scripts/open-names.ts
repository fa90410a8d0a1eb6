/**
 * Open, licensed names and words for the training corpus (scripts/corpus.ts), read at build time
 * from pinned dev dependencies; nothing here runs in the categoriser itself.
 *
 * - Brand names of the name-suggestion-index (BSD-3-Clause), worldwide: every brand filed under a
 *   tag `src/osm-tags.ts` maps, so the model learns what names of a kind look like (`BETFRED`,
 *   `BETWAY` → betting; `…LEARN…` → courses), not only the UK table's entries.
 * - The merchant category code descriptions of `merchant-category-code` (ISC), under the category
 *   `src/mcc.ts` gives their code: chain names for airlines, car hire and hotels (3000–3999), and
 *   kinds of business elsewhere (`Veterinary Services`).
 * - The category words compiled from the OSM presets (data/preset-words.txt, id-tagging-schema, ISC).
 *
 * Merchants of the sets that measure the categoriser on unseen merchants (data/generalisation-source.txt,
 * data/calibration-source.txt, data/holdout-source.txt, data/dev-source.txt, data/dev2-source.txt, and the independent
 * set data/independent-source.txt) are left out, so those sets stay unseen: the
 * corpus test checks it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { words as popularWords } from "popular-english-words/words.js";
import { presetWords } from "../src/lexicon";
import { mapMcc } from "../src/mcc";
import { merchantKey, merchantTokens } from "../src/normalise";
import { OSM_TAG_CATEGORY } from "../src/osm-tags";
import type { Secondary } from "../src/taxonomy";

export interface OpenName {
  name: string;
  secondary: Secondary;
  /** A charity's shop: its direct debits are donations. */
  charity?: boolean;
}

const require = createRequire(import.meta.url);
/** The 10,000 most frequent English words (Wikipedia frequencies): first words too common to stand for a brand. */
const EVERYDAY = new Set(popularWords.slice(0, 10000).map((w) => w.toUpperCase()));

/** The hand-written sets that measure the categoriser on merchants it was not built from. */
const UNSEEN_SETS = [
  "generalisation-source.txt",
  "calibration-source.txt",
  "holdout-source.txt",
  "dev-source.txt",
  "dev2-source.txt",
  // Read only to keep its merchants out of training (before session 6 a corpus change could draw one).
  "independent-source.txt",
];

/** The merchant parts of the hand-written sets of unseen merchants, whole: no training example has one. */
export function unseenMerchantParts(): Set<string> {
  const keys = new Set<string>();
  for (const file of UNSEEN_SETS) {
    for (const raw of readFileSync(new URL(`../data/${file}`, import.meta.url), "utf8").split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || line.startsWith("@")) continue;
      const part = merchantTokens(line.replace(/^\+/, "").split("||")[0]);
      if (part.length > 0) keys.add(merchantKey(part.join(" ")));
    }
  }
  return keys;
}

/** The merchant keys of the hand-written sets of unseen merchants, and their first words: never an open name. */
export function unseenMerchantKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of UNSEEN_SETS) {
    for (const raw of readFileSync(new URL(`../data/${file}`, import.meta.url), "utf8").split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || line.startsWith("@")) continue;
      const [description, merchantName] = line.replace(/^\+/, "").split("||");
      for (const text of [description, merchantName]) {
        const part = merchantTokens(text);
        if (part.length === 0) continue;
        keys.add(merchantKey(part.join(" ")));
        // A name's first word alone too (`FENWICK` of `FENWICK 0012 NEWCASTLE`): brands are often one
        // word. Not an everyday word (`THE`, `PIZZA`, `CITY`): that would drop a tenth of the open names for nothing.
        if (!EVERYDAY.has(part[0]!)) keys.add(merchantKey(part[0]));
      }
    }
  }
  return keys;
}

/** A name as a statement prints it: Latin letters, digits and `&`, upper case. */
function statementName(text: string): string | undefined {
  const tokens = merchantTokens(text.replace(/\s*\(.*\)\s*$/, ""));
  if (tokens.length === 0 || tokens.length > 5) return undefined;
  const name = tokens.join(" ");
  return name.replace(/[^A-Z]/g, "").length >= 3 ? name : undefined;
}

let brandCache: OpenName[] | undefined;

/** Worldwide NSI brand names with our category, one per name and category, sorted (deterministic). */
export function nsiBrandNames(exclude: ReadonlySet<string> = unseenMerchantKeys()): OpenName[] {
  if (brandCache) return brandCache;
  // The package's exports map is malformed (`dist/*` without `./`): resolve the main file, read beside it.
  const nsiRoot = join(dirname(require.resolve("name-suggestion-index")), "..", "..");
  const nsi = JSON.parse(readFileSync(join(nsiRoot, "dist", "json", "nsi.json"), "utf8")) as {
    nsi: Record<string, { items: { displayName: string; tags: Record<string, string> }[] }>;
  };
  const seen = new Map<string, OpenName>();
  for (const [path, { items }] of Object.entries(nsi.nsi)) {
    const [group, key, value] = path.split("/");
    if (group !== "brands") continue;
    const secondary = OSM_TAG_CATEGORY[`${key}=${value}`];
    if (!secondary) continue;
    for (const item of items) {
      const name = statementName(item.tags["brand:en"] ?? item.tags["brand"] ?? item.tags["name"] ?? item.displayName);
      if (!name || exclude.has(merchantKey(name)) || exclude.has(merchantKey(name.split(" ")[0]))) continue;
      if (!seen.has(`${name}|${secondary}`)) seen.set(`${name}|${secondary}`, value === "charity" ? { name, secondary, charity: true } : { name, secondary });
    }
  }
  brandCache = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.secondary.localeCompare(b.secondary));
  return brandCache;
}

/** MCC descriptions under the category of their code (`United Airlines` → flights, `Veterinary Services` → pets). */
export function mccDescriptions(exclude: ReadonlySet<string> = unseenMerchantKeys()): OpenName[] {
  const list = require("merchant-category-code/src/merchant-codes.js") as { mcc: string; edited_description: string }[];
  const out: OpenName[] = [];
  for (const { mcc, edited_description } of list) {
    const secondary = mapMcc(Number(mcc));
    // Descriptions are often lists (`Drug Stores and Pharmacies`, `Airlines, Air Carriers`): the first part names it.
    const name = statementName(edited_description.split(/[,;–(]| - /)[0] ?? "");
    if (!secondary || !name || exclude.has(merchantKey(name))) continue;
    out.push({ name, secondary });
  }
  return out;
}

/** The preset category words (data/preset-words.txt), to name local businesses in the corpus. */
export function presetCorpusWords(): OpenName[] {
  return presetWords(readFileSync(new URL("../data/preset-words.txt", import.meta.url), "utf8")).map((w) => ({ name: w.word, secondary: w.secondary }));
}
