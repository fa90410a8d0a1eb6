import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

describe("scanLogs", () => {
  it("reads every .log file of the directories given, skipping missing ones and other files", () => {
    const dir = mkdtempSync(join(tmpdir(), "log-scan-"));
    writeFileSync(join(dir, "a.log"), `{"msg":"ok"}\n{"msg":"paid to GB29MOCK60161331926819"}\n`);
    writeFileSync(join(dir, "ignored.txt"), REFRESH);
    const scan = scanLogs([dir, join(dir, "missing")]);
    expect(scan).toMatchObject({ files: 1, lines: 2 });
    expect(scan.findings.map((f) => [f.line, f.kind])).toEqual([[2, "iban"]]);
  });
});
