import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DETAIL_TYPES, detailJsonSchema } from "../src/index";

describe("JSON Schema export", () => {
  it.each(DETAIL_TYPES)("schemas/%s.json is current (run `pnpm events:schemas` after changing the catalogue)", (type) => {
    const file = join(import.meta.dirname, "..", "schemas", `${type}.json`);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(detailJsonSchema(type));
  });

  it("requires version and eventId in every detail", () => {
    for (const type of DETAIL_TYPES) {
      const schema = detailJsonSchema(type) as { required: string[] };
      expect(schema.required).toEqual(expect.arrayContaining(["version", "eventId", "occurredAt", "userId"]));
    }
  });
});
