import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What must never be in a log line: the TrueLayer simulator's access tokens (JWT-shaped) and
 * refresh tokens (64 upper-case hex), bearer headers, the test fixtures' plaintext tokens, and
 * account numbers (IBAN, an 8-digit number or a sort code as a JSON value).
 */
export const SECRET_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: "jwt", pattern: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/ },
  { name: "refresh token", pattern: /(?<![0-9A-Fa-f])[0-9A-F]{64}(?![0-9A-Fa-f])/ },
  { name: "bearer", pattern: /Bearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{16,}/ },
  { name: "fixture token", pattern: /\b[ar]t_PLAINTEXT_/ },
  { name: "iban", pattern: /\bGB\d{2}[A-Z]{4}\d{14}\b/ },
  { name: "account number", pattern: /"(?:accountNumber|account_number|number)"\s*:\s*"\d{8}"/ },
  { name: "sort code", pattern: /"(?:sortCode|sort_code)"\s*:\s*"\d{2}-?\d{2}-?\d{2}"/ },
];

export interface LogFinding {
  file: string;
  line: number;
  kind: string;
  /** The line with the match masked: a report must not repeat the secret. */
  excerpt: string;
}

export interface LogScan {
  files: number;
  lines: number;
  findings: LogFinding[];
}

/** Scans one text (a log file's content) line by line. */
export function scanText(text: string, file = "(text)"): LogFinding[] {
  const findings: LogFinding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { name, pattern } of SECRET_PATTERNS) {
      const m = pattern.exec(line);
      if (!m) continue;
      const start = Math.max(0, m.index - 60);
      const excerpt = `${line.slice(start, m.index)}<${name}: ${m[0].length} chars>${line.slice(m.index + m[0].length, m.index + m[0].length + 60)}`;
      findings.push({ file, line: i + 1, kind: name, excerpt });
    }
  });
  return findings;
}

/**
 * Every `*.log` file in `dirs` (missing ones are skipped), line by line, against
 * `SECRET_PATTERNS`: the suites' captured log lines (`.local/logs`) and the demo's service
 * logs (`.local/demo`).
 *
 * @example const { findings } = scanLogs([".local/logs", ".local/demo"]);
 */
export function scanLogs(dirs: readonly string[]): LogScan {
  const scan: LogScan = { files: 0, lines: 0, findings: [] };
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)
      .filter((f) => f.endsWith(".log"))
      .sort()) {
      const file = join(dir, name);
      const text = readFileSync(file, "utf8");
      scan.files++;
      scan.lines += text.split("\n").filter(Boolean).length;
      scan.findings.push(...scanText(text, file));
    }
  }
  return scan;
}
