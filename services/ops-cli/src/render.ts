import Table from "cli-table3";

/** A plain table for people; `--json` bypasses it. Cells are stringified and long ones cut. */
export function table(head: string[], rows: unknown[][], maxCell = 60): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) t.push(row.map((c) => cut(c === null || c === undefined ? "-" : String(c), maxCell)));
  return t.toString();
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function age(seconds: number | null): string {
  if (seconds === null) return "n/a";
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${Math.round(seconds / 3600)}h`;
}
