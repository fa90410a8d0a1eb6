import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePresetWords, PRESET_REVIEW_DROP } from "../scripts/build-preset-words";
import { categorise } from "../src/index";
import { LEXICON, lexiconCategory, lexiconWord, presetWords } from "../src/lexicon";
import { isSecondary } from "../src/taxonomy";
import { purchase } from "./helpers";

const committed = readFileSync(new URL("../data/preset-words.txt", import.meta.url), "utf8");

describe("category words from the OpenStreetMap presets (id-tagging-schema, en-GB)", () => {
  it("is what the build script makes from the pinned package, with the ISC attribution (run lexicon:build after a change)", () => {
    expect(compilePresetWords().text).toBe(committed);
    expect(committed).toMatch(/id-tagging-schema/);
    expect(committed).toMatch(/ISC/);
  });

  it("keeps only words that point to one valid category, never a hand-listed or reviewed-out word", () => {
    const words = presetWords(committed);
    expect(words.length).toBeGreaterThan(200);
    const hand = new Set(LEXICON.map((l) => l.word));
    for (const w of words) {
      expect(isSecondary(w.secondary)).toBe(true);
      expect(hand.has(w.word)).toBe(false);
      expect(PRESET_REVIEW_DROP.has(w.word)).toBe(false);
      expect(w.weight).toBeLessThan(1);
    }
  });

  it("skips malformed lines rather than failing", () => {
    expect(presetWords("# header\nBOOKMAKER|gambling/betting\nNOPE\nODD|not/a_category\n|x\n")).toEqual([
      { word: "BOOKMAKER", secondary: "gambling/betting", weight: 0.6 },
    ]);
  });

  it.each([
    ["SQ *HIGH STREET BOOKMAKER", "gambling/betting"],
    ["SUMUP *RIVERSIDE DRUGSTORE", "health_and_fitness/pharmacy"],
    ["ZETTLE_*THE GREAT ESCAPE ROOM", "entertainment/cinema_and_events"],
  ])("names a business the hand table does not know from a preset's words: %s → %s", (description, secondary) => {
    expect(categorise(purchase(description)).category).toMatchObject({ secondary, reason: "lexicon" });
  });

  it("reads a preset word as a hint: it decides as the last word of a name, not before another word", () => {
    expect(lexiconCategory(["JOES", "DRUGSTORE"])?.secondary).toBe("health_and_fitness/pharmacy");
    expect(lexiconCategory(["DRUGSTORE", "HOLDINGS"])).toBeUndefined();
  });
});

describe("plurals and phrases the tables list in the singular", () => {
  it("reads a plural S (and -Y as -IES) as the listed word, unless the table lists the plural itself", () => {
    expect(lexiconWord("CINEMAS")?.secondary).toBe("entertainment/cinema_and_events");
    expect(lexiconWord("BOOKMAKERS")?.secondary).toBe("gambling/betting");
    expect(lexiconWord("PHARMACIES")?.secondary).toBe("health_and_fitness/pharmacy");
    // NURSERIES alone is a plant nursery (listed); a day nursery minds children.
    expect(lexiconWord("NURSERIES")?.secondary).toBe("shopping/home_and_garden");
    expect(lexiconCategory(["LITTLE", "OAKS", "DAY", "NURSERIES"])?.secondary).toBe("education/childcare");
  });
});
