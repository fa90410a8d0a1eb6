import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DETAIL_TYPES } from "@expenzez/events";
import { alarmDefinitions, allServices, routedDetailTypes, type StackDefinition, stackDefinition } from "@expenzez/resources";
import { describe, expect, it } from "vitest";

// docs/infrastructure.md carries tables generated from the definition; this keeps them true.
// Regenerate with: UPDATE_DOCS=1 pnpm --filter @expenzez/infra exec vitest run --configLoader runner test/docs.test.ts
const docPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "infrastructure.md");
const START = "<!-- generated from stackDefinition() by infra/test/docs.test.ts: start -->";
const END = "<!-- generated: end -->";

const code = (s: string | number) => `\`${s}\``;

function generatedTables(def: StackDefinition): string {
  const rules = def.rules.map(
    (r) =>
      `| ${code(r.name)} | ${r.eventPattern.source.map(code).join(", ")} | ${r.eventPattern["detail-type"].map(code).join(", ")} | ${code(def.queues[r.target].name)} |`,
  );
  const unrouted = DETAIL_TYPES.filter((t) => !routedDetailTypes(def).has(t));
  const queues = Object.values(def.queues).map((q) => {
    const fedBy = def.rules.filter((r) => r.target === q.id).map((r) => code(r.name));
    return `| ${code(q.name)} | ${code(q.dlqName)} | ${q.visibilityTimeoutSeconds} s | ${q.maxReceiveCount} | ${q.retentionSeconds / 86_400} d / ${q.dlqRetentionSeconds / 86_400} d | ${q.receiveWaitTimeSeconds} s | ${fedBy.join(", ") || "producers send directly"} |`;
  });
  return [
    START,
    "",
    "| rule | source | detail-type | target queue |",
    "|---|---|---|---|",
    ...rules,
    "",
    `Routed nowhere (audit only, no consumer yet): ${unrouted.map(code).join(", ")}.`,
    "",
    "| queue | dead-letter queue | visibility timeout | maxReceiveCount | retention (queue / DLQ) | receive wait | fed by |",
    "|---|---|---|---|---|---|---|",
    ...queues,
    "",
    END,
  ].join("\n");
}

describe("docs/infrastructure.md", () => {
  it("shows the routing and queue tables of the current definition", () => {
    // Prepare
    const expected = generatedTables(stackDefinition("<stage>"));
    let doc = readFileSync(docPath, "utf8");
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    expect(start, `markers missing in ${docPath}`).toBeGreaterThanOrEqual(0);
    if (process.env.UPDATE_DOCS) {
      doc = doc.slice(0, start) + expected + doc.slice(end + END.length);
      writeFileSync(docPath, doc);
    }
    // Act
    const actual = doc.slice(start, doc.indexOf(END) + END.length);
    // Assess
    expect(actual).toBe(expected);
  });
});

describe("docs/operations.md, the runbook", () => {
  it("names every kind of alarm the catalogue deploys", () => {
    const runbook = readFileSync(join(dirname(docPath), "operations.md"), "utf8");
    const def = stackDefinition("dev");
    const suffixes = [...Object.keys(def.queues), ...allServices().map((s) => s.name)];
    for (const alarm of alarmDefinitions(def)) {
      // expenzez-dev-dlq-depth-syncJobs → expenzez-<stage>-dlq-depth-<queue>
      const kind = alarm.name.slice(`expenzez-${def.stage}-`.length);
      const suffix = suffixes.find((s) => kind.endsWith(`-${s}`));
      const documented = suffix
        ? `expenzez-<stage>-${kind.slice(0, -suffix.length - 1)}-<${suffix in def.queues ? "queue" : "service"}>`
        : `expenzez-<stage>-${kind}`;
      expect(runbook, alarm.name).toContain(`\`${documented}\``);
    }
  });
});
