import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanLogs } from "@expenzez/testing";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/index";

// Shaped like the TrueLayer simulator's: a JWT access token and a 64-hex refresh token.
const ACCESS = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huIiwiaWF0IjoxNzAwMDAwMDAwfQ.${"s".repeat(43)}`;
const REFRESH = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";

describe("log capture (EXPENZEZ_LOG_CAPTURE)", () => {
  it("writes every level of every logger to the capture file; scrubbed fields pass the scan and a leak in free text fails it", () => {
    const dir = mkdtempSync(join(tmpdir(), "log-capture-"));
    const file = join(dir, "pkg.log");
    const before = process.env.EXPENZEZ_LOG_CAPTURE;
    process.env.EXPENZEZ_LOG_CAPTURE = file;
    try {
      const out: string[] = [];
      const log = createLogger("capture-test", { level: "warn", destination: { write: (l) => void out.push(l) } });
      log.debug({ accessToken: ACCESS, refreshToken: REFRESH, account_number: { number: "31926819" } }, "tokens as fields are scrubbed");
      expect(out).toEqual([]); // the logger's own destination keeps its level
      expect(scanLogs([dir]).findings).toEqual([]);
      // An IBAN in a message is not a field the logger knows to scrub: the scan must catch it.
      createLogger("silent-one", { level: "silent" }).info("paid to GB29MOCK60161331926819");
      const scan = scanLogs([dir]);
      expect(scan.lines).toBe(2);
      expect(scan.findings.map((f) => f.kind)).toEqual(["iban"]);
      expect(readFileSync(file, "utf8")).toContain('"service":"capture-test"');
    } finally {
      if (before === undefined) delete process.env.EXPENZEZ_LOG_CAPTURE;
      else process.env.EXPENZEZ_LOG_CAPTURE = before;
    }
  });
});
