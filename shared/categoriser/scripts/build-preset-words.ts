/**
 * Compiles data/preset-words.txt, the category words read from the OpenStreetMap presets of
 * `@openstreetmap/id-tagging-schema` (a pinned dev dependency; ISC): each preset whose tag
 * `src/osm-tags.ts` maps to our taxonomy gives its en-GB name and search terms, and a word that
 * points to one category (`BOOKMAKER` → betting, `DRUGSTORE` → pharmacy, `CINEMAS` → cinema) is
 * kept. Run after upgrading the package or changing the tag table:
 *
 *   pnpm --filter @expenzez/categoriser run lexicon:build
 *
 * What is kept, so that a preset's loose search terms (`show`, `screen`, `wood` for a cinema or a
 * craft shop) never decide: words of five letters or more; from a term only a word outside the
 * 10,000 most frequent English words (`popular-english-words`), from a name outside the 1,000;
 * a word is dropped when its presets point to two categories or more (`RENTAL`, `CENTRE`,
 * `STATION`); words the hand lexicon (`src/lexicon.ts`) lists are left to it. The run time reads
 * only the compiled file (`src/preset-words.ts`), at the weight of a hint.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { words as popularWords } from "popular-english-words/words.js";
import { LEXICON } from "../src/lexicon";
import { OSM_TAG_CATEGORY } from "../src/osm-tags";
import type { Secondary } from "../src/taxonomy";
import { tokenise } from "../src/tokens";

interface Preset {
  tags?: Record<string, string>;
  searchable?: boolean;
}
interface Translation {
  name?: string;
  terms?: string | string[];
  aliases?: string | string[];
}

/** A preset's en-GB name and terms: `name` counts double, a term once. */
export interface PresetText {
  secondary: Secondary;
  name: string;
  terms: string[];
}

const MIN_LENGTH = 5;
const TERM_COMMON = new Set(popularWords.slice(0, 10000).map((w) => w.toUpperCase()));
const NAME_COMMON = new Set(popularWords.slice(0, 1000).map((w) => w.toUpperCase()));
const HAND = new Set(LEXICON.map((l) => l.word));

function schemaRoot(): { root: string; version: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve("@openstreetmap/id-tagging-schema/package.json");
  const root = dirname(main);
  return { root, version: (JSON.parse(readFileSync(main, "utf8")) as { version: string }).version };
}

const list = (x: string | string[] | undefined): string[] => (Array.isArray(x) ? x : typeof x === "string" ? x.split(",") : []);

/** The presets with one tag our taxonomy maps, with their en-GB name and terms (also the training corpus's source). */
export function presetTexts(): { texts: PresetText[]; version: string } {
  const { root, version } = schemaRoot();
  const presets = JSON.parse(readFileSync(join(root, "dist", "presets.json"), "utf8")) as Record<string, Preset>;
  const translations = (
    JSON.parse(readFileSync(join(root, "dist", "translations", "en-GB.json"), "utf8")) as {
      "en-GB": { presets: { presets: Record<string, Translation> } };
    }
  )["en-GB"].presets.presets;
  const texts: PresetText[] = [];
  for (const [id, preset] of Object.entries(presets)) {
    const tags = Object.entries(preset.tags ?? {});
    // Only presets that are one kind of place (`shop=butcher`), not a refinement of another (`amenity=fuel` + `fuel:lpg`).
    if (tags.length !== 1 || preset.searchable === false) continue;
    const [key, value] = tags[0]!;
    const secondary = OSM_TAG_CATEGORY[`${key}=${value}`];
    const text = translations[id];
    if (!secondary || !text?.name) continue;
    texts.push({ secondary, name: text.name, terms: [...list(text.terms), ...list(text.aliases)].map((t) => t.trim()).filter(Boolean) });
  }
  return { texts, version };
}

/** Words that only say "a place of business" (`Fabric Shop`, `Garden Centre`): the word before them names the kind. */
const GENERIC = new Set(["SHOP", "STORE", "CENTRE", "CENTER", "OFFICE", "SERVICE", "SERVICES", "SUPPLY", "SUPPLIES", "DEALER", "OUTLET", "RETAILER", "SELLER"]);

/**
 * What a preset name or term says, as the lexicon reads it: one word (`Bookmaker`), the word
 * before a generic one (`Fabric Shop` → `FABRIC`), or a two-word phrase (`Turf Accountant`); longer
 * phrases say nothing a word of theirs can be trusted with alone.
 */
function headOf(text: string): string | undefined {
  const words = tokenise(text).filter((w) => /^[A-Z]+$/.test(w));
  while (words.length > 1 && GENERIC.has(words.at(-1)!)) words.pop();
  if (words.length === 1) return GENERIC.has(words[0]!) ? undefined : words[0];
  if (words.length === 2 && words.every((w) => w.length >= 3)) return words.join(" ");
  return undefined;
}

/**
 * Reviewed out: words a preset's terms give that on a UK statement are something else (`BOOTS` is
 * the chemist, `ROLLS` the car maker, `TANGO` a drink) or say too little (`TRADE`, `RURAL`, `SWEET`).
 */
export const PRESET_REVIEW_DROP = new Set([
  "BOOTS",
  "BOUNCE",
  "ROLLS",
  "SWEET",
  "TRADE",
  "RURAL",
  "GARAGES",
  "REFILL",
  "TANGO",
  "WALTZ",
  "COLLATERAL",
  "SMALL TOWN",
  "TEDDY",
  "PARCEL",
  "TICKET",
  "MEDIC",
  "RAPTOR",
  "VAPOR",
  "TOURIST TRAP",
  "SHOPPING",
  "OUTFITTER",
  "TODDLER",
  "NEWBORN",
  "SEX THERAPIST",
]);

/** word (or two-word phrase) → the one category its presets point to. */
export function compilePresetWords(): { text: string; words: number; presets: number } {
  const { texts, version } = presetTexts();
  const votes = new Map<string, Map<Secondary, number>>();
  const vote = (word: string, secondary: Secondary, n: number) => {
    const byCategory = votes.get(word) ?? new Map<Secondary, number>();
    byCategory.set(secondary, (byCategory.get(secondary) ?? 0) + n);
    votes.set(word, byCategory);
  };
  const fromName = new Set<string>();
  for (const { secondary, name, terms } of texts) {
    const n = headOf(name);
    if (n) {
      vote(n, secondary, 2);
      fromName.add(n);
    }
    for (const term of terms) {
      const t = headOf(term);
      if (t) vote(t, secondary, 1);
    }
  }
  const kept: [string, Secondary][] = [];
  for (const [word, byCategory] of [...votes].sort(([a], [b]) => a.localeCompare(b))) {
    if (HAND.has(word) || PRESET_REVIEW_DROP.has(word) || byCategory.size > 1) continue;
    // A two-word phrase (`TURF ACCOUNTANT`, `ESCAPE ROOM`) says what it says; a lone word must be rare enough.
    if (
      !word.includes(" ") &&
      ((fromName.has(word) ? word.length < 3 : word.length < MIN_LENGTH) || (fromName.has(word) ? NAME_COMMON.has(word) : TERM_COMMON.has(word)))
    )
      continue;
    kept.push([word, [...byCategory.keys()][0]!]);
  }
  const header = [
    `# Category words compiled by scripts/build-preset-words.ts from @openstreetmap/id-tagging-schema ${version} (${texts.length} presets read).`,
    "# Format: WORD|category. Source: the en-GB preset names and terms of the iD editor's tagging schema,",
    "# https://github.com/openstreetmap/id-tagging-schema. Copyright (c) iD Contributors. ISC licence:",
    "# permission to use, copy, modify and/or distribute with or without fee is granted, provided that the",
    '# copyright notice and this permission notice appear in all copies. THE SOFTWARE IS PROVIDED "AS IS" AND',
    "# THE AUTHOR DISCLAIMS ALL WARRANTIES. Full text: docs/categories.md.",
  ];
  return { text: `${[...header, ...kept.map(([w, s]) => `${w}|${s}`)].join("\n")}\n`, words: kept.length, presets: texts.length };
}

// Run as a script: write the file. Imported (the drift test, the corpus): compile only.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = compilePresetWords();
  writeFileSync(new URL("../data/preset-words.txt", import.meta.url), out.text);
  console.log(`preset words: ${out.words} words from ${out.presets} presets`);
}
