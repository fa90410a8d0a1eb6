import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileBrandTable } from "../scripts/build-brands";
import { REFUND_WORDS } from "../src/credits";

describe("compiled brand table", () => {
  it("is what the build script makes from the pinned name-suggestion-index (run brands:build after a change)", () => {
    const committed = readFileSync(new URL("../data/brands.txt", import.meta.url), "utf8");
    expect(compileBrandTable().text).toBe(committed);
    // Parsing the package's 12 MB index takes a second or two on a quiet core, far longer on a busy one.
  }, 60_000);

  it("keeps the refund words' first letters to R and C, as the normaliser's quick test assumes", () => {
    for (const w of REFUND_WORDS) expect(["R", "C"]).toContain(w.charAt(0));
  });
});
