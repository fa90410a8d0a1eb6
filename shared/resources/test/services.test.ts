import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allServices, serviceDefinition, stackDefinition } from "../src/index";

const root = join(import.meta.dirname, "..", "..", "..");
const def = stackDefinition("test");

describe("the SERVICES catalogue", () => {
  it.each(allServices().map((s) => [s.name, s] as const))("%s names a Lambda entry that exists, in the package it names", (_name, service) => {
    const entry = join(root, service.entry);
    expect(existsSync(entry), `${service.entry} is missing`).toBe(true);
    // The entry's folder holds the package's package.json, named as declared.
    const folder = service.entry.split("/").slice(0, 2).join("/");
    expect(JSON.parse(readFileSync(join(root, folder, "package.json"), "utf8")).name).toBe(service.package);
    expect(readFileSync(entry, "utf8")).toMatch(/export const handler\b/);
  });

  it.each(allServices().map((s) => [s.name, s] as const))("%s consumes a queue of the stack or runs on a schedule of at least a minute", (_name, service) => {
    if (service.kind === "queue") expect(Object.keys(def.queues)).toContain(service.queue);
    if (service.kind === "schedule") expect(service.everyMinutes).toBeGreaterThanOrEqual(1);
  });

  it("refuses a service that is not declared, naming the catalogue", () => {
    expect(() => serviceDefinition("no-such-service")).toThrow(/shared\/resources\/src\/services.ts/);
  });
});
