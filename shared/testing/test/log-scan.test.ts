import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@expenzez/logger";
import { describe, expect, it } from "vitest";
import { scanLogs, scanText } from "../src/index";

// Shaped like the TrueLayer simulator's: a JWT access token and a 64-hex refresh token.
const ACCESS = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqb2huIiwiaWF0IjoxNzAwMDAwMDAwfQ.${"s".repeat(43)}`;
const REFRESH = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";

describe("scanText", () => {
  it("finds tokens and account numbers in a line and masks them in the report", () => {
    const findings = scanText(
      [
        `{"msg":"refreshed","token":"${ACCESS}"}`,
        `{"msg":"x","refresh":"${REFRESH}"}`,
        `{"account_number":{"number":"31926819","sort_code":"60-16-13","iban":"GB29MOCK60161331926819"}}`,
        `{"msg":"GET /accounts","headers":"Authorization: Bearer ${REFRESH.toLowerCase()}"}`,
      ].join("\n"),
    );
    expect(findings.map((f) => [f.line, f.kind])).toEqual([
      [1, "jwt"],
      [2, "refresh token"],
      [3, "iban"],
      [3, "account number"],
      [3, "sort code"],
      [4, "bearer"],
    ]);
    expect(JSON.stringify(findings)).not.toContain(REFRESH);
  });

  it("passes what the logger writes after scrubbing, and sha-256 hex, ids and timestamps", () => {
    const clean = [
      `{"level":30,"time":"2026-12-01T12:00:00.000Z","accessToken":"[REDACTED]","msg":"Bearer [REDACTED]"}`,
      `{"hash":"${"a1".repeat(32)}","connectionId":"conn-12345678","tokenExpiresAt":"2026-12-01T13:00:00Z","durationMs":12345678}`,
    ].join("\n");
    expect(scanText(clean)).toEqual([]);
  });
});

describe("log capture and scan", () => {
  it("captures every level of every logger to the capture file, scrubbed fields pass and a leak in free text fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "log-scan-"));
    const file = join(dir, "pkg.log");
    const before = process.env.EXPENZEZ_LOG_CAPTURE;
    process.env.EXPENZEZ_LOG_CAPTURE = file;
    try {
      const log = createLogger("scan-test", { level: "silent" });
      log.debug({ accessToken: ACCESS, refreshToken: REFRESH, account_number: { number: "31926819" } }, "tokens as fields are scrubbed");
      expect(scanLogs([dir]).findings).toEqual([]);
      // An IBAN in a message is not a field the logger knows to scrub: the scan must catch it.
      log.info(`paid to GB29MOCK60161331926819`);
      const scan = scanLogs([dir]);
      expect(scan.lines).toBe(2);
      expect(scan.findings.map((f) => f.kind)).toEqual(["iban"]);
      expect(readFileSync(file, "utf8")).toContain('"service":"scan-test"');
    } finally {
      if (before === undefined) delete process.env.EXPENZEZ_LOG_CAPTURE;
      else process.env.EXPENZEZ_LOG_CAPTURE = before;
    }
    writeFileSync(join(dir, "ignored.txt"), REFRESH);
    expect(scanLogs([dir, join(dir, "missing")]).files).toBe(1);
  });
});
