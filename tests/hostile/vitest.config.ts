import { fileURLToPath } from "node:url";
import { packageTestConfig } from "@expenzez/testing/vitest";

// The default reporter plus one that prints generated cases per boundary (src/case-reporter.ts).
export default packageTestConfig(import.meta.dirname, {
  // Each test is one property of hundreds to thousands of cases, on a shared, loaded machine.
  testTimeout: 60_000,
  reporters: ["default", fileURLToPath(new URL("./src/case-reporter.ts", import.meta.url))],
});
