// Writes events/schemas/<DetailType>.json from the zod catalogue. A test fails when they drift.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allDetailJsonSchemas } from "../src/json-schema";

const dir = join(import.meta.dirname, "..", "schemas");
mkdirSync(dir, { recursive: true });
for (const [type, schema] of Object.entries(allDetailJsonSchemas())) {
  writeFileSync(join(dir, `${type}.json`), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${type}.json`);
}
