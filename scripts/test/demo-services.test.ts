import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discover } from "../src/demo/processes";
import { DEMO_SERVICES, type DemoService } from "../src/demo-services";

function repoWith(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "demo-registry-"));
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "");
  }
  return root;
}

describe("the demo's service registry", () => {
  it("runs the entries whose code exists, skips the rest by name, and names service folders it misses", () => {
    // Prepare
    const services: DemoService[] = [
      { name: "a", dir: "a", entry: "src/worker.ts" },
      { name: "b", dir: "b", entry: "src/worker.ts" },
    ];
    const root = repoWith(["services/a/src/worker.ts", "services/c/src/server.ts", "services/truelayer-sandbox/src/server.ts", "services/d/README.md"]);
    // Act
    const found = discover(root, services);
    // Assess
    expect(found.present.map((s) => s.name)).toEqual(["a"]);
    expect(found.missing).toEqual(["b"]);
    expect(found.unlisted).toEqual(["c"]);
  });

  it("lists every runnable service folder of this repository", () => {
    // Act
    const found = discover(join(import.meta.dirname, "..", ".."), DEMO_SERVICES);
    // Assess
    expect(found.unlisted).toEqual([]);
    expect(found.present.map((s) => s.name)).toEqual(expect.arrayContaining(["sync-worker", "scheduler", "webhook"]));
  });
});
