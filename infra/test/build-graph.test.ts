import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The build graph follows workspace dependencies (turbo.json's `transit` task): a change to a
// package must re-run the typecheck and tests of everything that imports it, never replay a
// cached pass. Checked on turbo's own plan (`--dry=json`), which runs nothing.
const root = join(import.meta.dirname, "..", "..");
const turbo = join(root, "node_modules", ".bin", "turbo");

interface PlannedTask {
  taskId: string;
  hash: string;
  dependencies: string[];
}

function plan(): Map<string, PlannedTask> {
  const out = execFileSync(turbo, ["run", "typecheck", "test", "--dry=json"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const tasks = (JSON.parse(out) as { tasks: PlannedTask[] }).tasks;
  return new Map(tasks.map((t) => [t.taskId, t]));
}

function workspacePackages(): { name: string; deps: string[] }[] {
  const dirs = ["shared", "services"]
    .flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)))
    .concat(["events", "infra", "bench", "scripts"].map((d) => join(root, d)));
  return dirs.flatMap((dir) => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const all = { ...pkg.dependencies, ...pkg.devDependencies };
      return [{ name: pkg.name as string, deps: Object.keys(all).filter((d) => String(all[d]).startsWith("workspace:")) }];
    } catch {
      return [];
    }
  });
}

function transitiveDeps(tasks: Map<string, PlannedTask>, id: string, seen = new Set<string>()): Set<string> {
  for (const dep of tasks.get(id)?.dependencies ?? []) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    transitiveDeps(tasks, dep, seen);
  }
  return seen;
}

describe("the turbo build graph", () => {
  it("makes every package's typecheck and test depend on the sources of each workspace package it imports", () => {
    const tasks = plan();
    for (const pkg of workspacePackages()) {
      for (const task of ["typecheck", "test"]) {
        const id = `${pkg.name}#${task}`;
        if (!tasks.has(id)) continue;
        const upstream = transitiveDeps(tasks, id);
        for (const dep of pkg.deps) expect(upstream, `${id} must depend on ${dep}#transit`).toContain(`${dep}#transit`);
      }
    }
  }, 60_000);

  it("a change in a dependency changes its dependents' task hashes and no one else's", () => {
    const before = plan();
    const probe = join(root, "shared", "sync", "src", "__graph_probe__.ts");
    try {
      writeFileSync(probe, "// a change in @expenzez/sync, written and removed by infra/test/build-graph.test.ts\nexport {};\n");
      const after = plan();
      const changed = (id: string) => before.get(id)?.hash !== after.get(id)?.hash;
      expect(changed("@expenzez/sync-worker#typecheck")).toBe(true);
      expect(changed("@expenzez/sync-worker#test")).toBe(true);
      expect(changed("@expenzez/sync#test")).toBe(true);
      expect(changed("@expenzez/events#typecheck")).toBe(false);
      expect(changed("@expenzez/money#test")).toBe(false);
    } finally {
      rmSync(probe, { force: true });
    }
  }, 60_000);
});
