/**
 * Compiles the UK brand table, data/brands.txt, from the name-suggestion-index (a pinned dev
 * dependency; BSD-3-Clause). Run after upgrading the package or changing the tag table:
 *
 *   pnpm --filter @expenzez/categoriser run brands:build
 *
 * Reads the package's full index once (about 12 MB) and keeps what a UK statement can show:
 * items whose locationSet includes the UK (or, for brands, Europe or the world) and is not
 * excluding it, under a tag that `src/osm-tags.ts` maps to our taxonomy. The run time reads the
 * compact result only.
 *
 * Ambiguity rules, in order: an item's own name (brand, name, operator, network) beats another
 * item's alternative spelling (`matchNames`); then the tag kind ranking (`SUB_LINE_TAGS` last,
 * then by key in `TAG_KEY_RANK`); then brands before operators before transit networks. The other categories a name is filed under
 * are kept as sub-lines, which cue words in a description can pick (`TESCO PETROL`).
 *
 * Collision guards: an alias of one token that is short (≤ 3 letters), a common English word or
 * name (the 30,000 most frequent in Wikipedia text, `popular-english-words`, also with a
 * possessive S: `YOUNGS`, `CHLOE`), a UK town or a category
 * word, and any one-token alternative spelling (`COLES` for Shell) match only as the whole
 * merchant name; so does a longer alias made only of everyday words; a one- or two-letter alias, NSI's generic names
 * and the names in `scripts/brand-review.ts` are dropped; operators that are public bodies
 * (councils, the NHS, universities: their names on a statement are council tax and wages) are skipped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { words as popularWords } from "popular-english-words/words.js";
import { LEXICON } from "../src/lexicon";
import { merchantTokens } from "../src/normalise";
import { OSM_TAG_CATEGORY, SUB_LINE_TAGS, TAG_KEY_RANK } from "../src/osm-tags";
import type { Secondary } from "../src/taxonomy";
import { tokenise } from "../src/tokens";
import { BRAND_REVIEW } from "./brand-review";

interface NsiItem {
  displayName: string;
  id: string;
  locationSet?: { include?: (string | number[])[]; exclude?: (string | number[])[] };
  matchNames?: string[];
  tags: Record<string, string>;
}

type Group = "brands" | "operators" | "transit";
/** Tags holding an item's other names, read beside `matchNames`. */
const OTHER_NAME_TAGS = ["alt_name", "alt_name:en", "short_name", "brand:short", "operator:short", "network:short", "official_name", "official_name:en"];
/** Operator kinds that are merchants on a statement (parking, charging, post offices, energy, leisure trusts). */
const OPERATOR_TAGS = new Set([
  "amenity=parking",
  "amenity=charging_station",
  "man_made=charge_point",
  "amenity=post_office",
  "amenity=bicycle_rental",
  "amenity=car_sharing",
  "office=energy_supplier",
  "highway=services",
  "leisure=sports_centre",
  "amenity=pub",
  "shop=convenience",
]);
const TRANSIT_TAGS = new Set(["route=train", "route=bus", "route=tram", "route=subway", "route=light_rail", "route=ferry"]);

const UK = new Set(["gb", "uk", "gb-eng", "gb-sct", "gb-wls", "gb-nir", "gb-gbn", "gb-ukm"]);
/** Wider regions that include the UK (the world, Europe, Northern Europe); not for transit networks, which are local. */
const WIDER = new Set(["001", "150", "154"]);

function code(x: string | number[]): string {
  return typeof x === "string" ? x.toLowerCase() : "";
}

function inUk(item: NsiItem, group: Group): boolean {
  const include = (item.locationSet?.include ?? []).map(code);
  const exclude = (item.locationSet?.exclude ?? []).map(code);
  if (exclude.some((c) => UK.has(c) || (c.startsWith("gb-") && !c.endsWith(".geojson")) || c === "150")) return false;
  if (include.some((c) => UK.has(c) || (c.startsWith("gb") && c.endsWith(".geojson")))) return true;
  return group !== "transit" && include.some((c) => WIDER.has(c));
}

const COMMON_WORDS = new Set(popularWords.slice(0, 15000).map((w) => w.toUpperCase()));
/** Wider, for one-word names: surnames and first names (`YOUNGS`, `CHLOE`) are in Wikipedia's top 30,000. */
const NAME_LIKE = new Set(popularWords.slice(0, 30000).map((w) => w.toUpperCase()));
const nameLike = (token: string) => NAME_LIKE.has(token) || (token.endsWith("S") && NAME_LIKE.has(token.slice(0, -1)));
/** Public bodies run car parks and chargers; on a statement their names are council tax and wages. */
const PUBLIC_BODY = /\b(council|borough|county|city of|government|nhs|university|police)\b/i;
const EVERYDAY = new Set(popularWords.slice(0, 2000).map((w) => w.toUpperCase()));
const CATEGORY_WORDS = new Set(LEXICON.map((l) => l.word));

interface Candidate {
  tag: string;
  name: string;
  secondary: Secondary;
  own: boolean;
  rank: number;
  wikidata: string;
}

/**
 * The ways a statement spells a name: as normalised, with `&` written `AND` (`PITCHER AND PIANO`),
 * and with a last word's plural S added or dropped (`LEONARDO HOTEL` for "Leonardo Hotels").
 */
function spellings(text: string): string[] {
  const out = new Set<string>();
  for (const variant of [text, text.replace(/\s*&\s*/g, " and ")]) {
    const tokens = merchantTokens(variant);
    if (tokens.length === 0) continue;
    out.add(tokens.join(" "));
    const last = tokens.at(-1)!;
    if (tokens.length > 1 && last.length > 4) {
      const other = last.endsWith("S") ? last.slice(0, -1) : `${last}S`;
      out.add([...tokens.slice(0, -1), other].join(" "));
    }
  }
  return [...out];
}

/** Compiles the table from the installed package: the text of data/brands.txt and its counts. */
export function compileBrandTable(): { text: string; entries: number; aliases: number; items: number } {
  // The package's exports map is malformed (`dist/*` without `./`), so `name-suggestion-index/…`
  // subpaths do not resolve: resolve its main file and read the data beside it.
  const require = createRequire(import.meta.url);
  const nsiMain = require.resolve("name-suggestion-index");
  const nsiRoot = join(dirname(nsiMain), "..", "..");
  const nsiPackage = JSON.parse(readFileSync(join(nsiRoot, "package.json"), "utf8")) as { version: string; license: string };
  const nsi = JSON.parse(readFileSync(join(nsiRoot, "dist", "json", "nsi.json"), "utf8")) as { nsi: Record<string, { items: NsiItem[] }> };
  const genericWords = (JSON.parse(readFileSync(join(nsiRoot, "dist", "json", "genericWords.json"), "utf8")) as { genericWords: string[] }).genericWords.map(
    (w) => new RegExp(w, "i"),
  );

  const groupRank: Record<Group, number> = { brands: 0, operators: 1, transit: 2 };
  const subLineRank = [...SUB_LINE_TAGS];
  const dropped = new Set(BRAND_REVIEW.drop.map((d) => d.name.toUpperCase()));
  const byAlias = new Map<string, Candidate[]>();
  let items = 0;

  for (const [path, { items: list }] of Object.entries(nsi.nsi)) {
    const [group, key, value] = path.split("/") as [Group, string, string];
    const tag = `${key}=${value}`;
    const secondary = OSM_TAG_CATEGORY[tag];
    if (!secondary) continue;
    if (group === "operators" && !OPERATOR_TAGS.has(tag)) continue;
    if (group === "transit" && !TRANSIT_TAGS.has(tag)) continue;
    if (group !== "brands" && group !== "operators" && group !== "transit") continue;
    const keyRank = TAG_KEY_RANK.indexOf(key);
    for (const item of list) {
      if (!inUk(item, group)) continue;
      const t = item.tags;
      const name = (t["brand"] ?? t["name"] ?? t["operator"] ?? t["network"] ?? item.displayName).replace(/\s*\(.*\)\s*$/, "");
      if (dropped.has(name.toUpperCase())) continue;
      if (group !== "brands" && PUBLIC_BODY.test(name)) continue;
      items++;
      const override = BRAND_REVIEW.recategorise.find((r) => r.name === name);
      const candidate = (own: boolean): Candidate => ({
        tag,
        name,
        secondary: override?.secondary ?? secondary,
        own,
        rank: (SUB_LINE_TAGS.has(tag) ? 1000 + subLineRank.indexOf(tag) * 10 : (keyRank < 0 ? TAG_KEY_RANK.length : keyRank) * 10) + groupRank[group],
        wikidata: t["brand:wikidata"] ?? t["operator:wikidata"] ?? t["network:wikidata"] ?? item.id,
      });
      const own = [t["brand"], t["name"], t["operator"], t["network"], t["brand:en"], t["name:en"], item.displayName.replace(/\s*\(.*\)\s*$/, "")];
      // The item's other names (`alt_name` "Moss Bros", `brand:short` "YHA", `official_name`) rank as alternatives.
      const alternatives = [...(item.matchNames ?? []), ...OTHER_NAME_TAGS.flatMap((k) => (t[k] ?? "").split(";"))];
      for (const [texts, isOwn] of [
        [own, true],
        [alternatives, false],
      ] as const) {
        for (const text of texts) {
          if (!text || genericWords.some((g) => g.test(text))) continue;
          for (const alias of spellings(text)) {
            if (alias.replace(/ /g, "").length < 3) continue;
            const list = byAlias.get(alias) ?? [];
            const next = candidate(isOwn);
            // One candidate per brand, category and kind of name; filed twice, it keeps its better-ranked tag.
            const same = list.findIndex((c) => c.wikidata === next.wikidata && c.secondary === next.secondary && c.own === isOwn);
            if (same < 0) list.push(next);
            else if (next.rank < list[same]!.rank) list[same] = next;
            byAlias.set(alias, list);
          }
        }
      }
    }
  }

  /** Entry key → aliases; an entry is one name with its main category and sub-lines. */
  const entries = new Map<string, { name: string; secondary: Secondary; alts: Set<Secondary>; aliases: Set<string> }>();
  for (const [alias, candidates] of byAlias) {
    candidates.sort((a, b) => Number(b.own) - Number(a.own) || a.rank - b.rank);
    const best = candidates[0]!;
    // Sub-lines: the other categories this same brand (by Wikidata id) is filed under.
    const alts = new Set(candidates.filter((c) => c.wikidata === best.wikidata && c.secondary !== best.secondary).map((c) => c.secondary));
    // A charity's shop takes donations too: paid by direct debit, it is the charity (src/brands.ts).
    if (best.secondary === "shopping/general" && candidates.some((c) => c.tag === "shop=charity")) alts.add("gifts_and_donations/charity");
    const key = `${best.name}|${best.secondary}|${[...alts].sort().join(",")}`;
    const entry = entries.get(key) ?? { name: best.name, secondary: best.secondary, alts, aliases: new Set<string>() };
    const tokens = alias.split(" ");
    // A common word that is not the brand's own whole name (`SHOP` for "BP Shop", `AMERICA` for BP) is dropped.
    if (tokens.length === 1 && COMMON_WORDS.has(alias) && tokenise(best.name).join(" ") !== alias) continue;
    const whole =
      tokens.length === 1
        ? !best.own || alias.length <= 3 || COMMON_WORDS.has(alias) || CATEGORY_WORDS.has(alias) || BRAND_REVIEW.wholeOnly.includes(alias)
        : tokens.every((w) => EVERYDAY.has(w) || CATEGORY_WORDS.has(w));
    const soft = !whole && tokens.length === 1 && nameLike(alias);
    entry.aliases.add(whole ? `=${alias}` : soft ? `~${alias}` : alias);
    entries.set(key, entry);
  }

  const lines = [...entries.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || a.secondary.localeCompare(b.secondary))
    .map((e) => `${e.name.replace(/[|\n]/g, " ")}|${e.secondary}|${[...e.aliases].sort().join(",")}|${[...e.alts].sort().join(",")}`);

  const header = [
    `# UK brand table compiled by scripts/build-brands.ts from name-suggestion-index ${nsiPackage.version} (${items} items kept).`,
    "# Format: name|category|ALIAS,=WHOLE NAME ONLY|sub-line categories",
    "# Source data: name-suggestion-index, https://github.com/osmlab/name-suggestion-index",
    "# Copyright name-suggestion-index contributors. Licensed under the BSD 3-Clause licence:",
    "# redistribution in source or binary form must retain this copyright notice, this list of conditions",
    '# and the disclaimer: THE DATA IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS',
    "# OR IMPLIED WARRANTIES ARE DISCLAIMED; IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR",
    "# ANY DAMAGES ARISING IN ANY WAY OUT OF THE USE OF THIS DATA. Neither the name of the copyright holder nor the",
    "# names of its contributors may be used to endorse or promote products derived from it. Full text: docs/categories.md.",
  ];
  return { text: `${[...header, ...lines].join("\n")}\n`, entries: lines.length, aliases: byAlias.size, items };
}

// Run as a script: write the table. Imported (the drift test): compile only.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const table = compileBrandTable();
  writeFileSync(new URL("../data/brands.txt", import.meta.url), table.text);
  console.log(`brand table: ${table.entries} entries, ${table.aliases} aliases from ${table.items} UK items`);
}
