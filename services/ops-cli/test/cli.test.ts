import { stackDefinition } from "@expenzez/resources";
import { describe, expect, it } from "vitest";
import { namesUser, resolveQueue, runCli } from "../src/index";

describe("queue names", () => {
  const def = stackDefinition("local");
  it("accepts a queue's id, its name or its DLQ's name", () => {
    expect(resolveQueue(def, "syncJobs").id).toBe("syncJobs");
    expect(resolveQueue(def, "expenzez-local-sync-jobs").id).toBe("syncJobs");
    expect(resolveQueue(def, "expenzez-local-sync-jobs-dlq").id).toBe("syncJobs");
  });
  it("refuses an unknown name with a usage error listing the choices", () => {
    expect(() => resolveQueue(def, "jobs")).toThrow(/one of: syncJobs, budgetRecalc/);
  });
});

describe("which items name a user", () => {
  it("matches the id as a value, inside a key segment and inside JSON text", () => {
    expect(namesUser({ userId: "u-1" }, "u-1")).toBe(true);
    expect(namesUser({ PK: "IDEMP#alerts#u-1" }, "u-1")).toBe(true);
    expect(namesUser({ result: JSON.stringify({ owner: { userId: "u-1" } }) }, "u-1")).toBe(true);
    expect(namesUser({ ref: "USER#u-1" }, "u-1")).toBe(true);
  });
  it("does not match another user whose id merely starts the same", () => {
    expect(namesUser({ userId: "u-10", PK: "IDEMP#alerts#u-10", result: '{"userId":"u-10"}' }, "u-1")).toBe(false);
    expect(namesUser({ ref: "USER#u-10" }, "u-1")).toBe(false);
    expect(namesUser({ key: "sync:USER#u-10:2026-12-01" }, "u-1")).toBe(false);
  });
  it("matches the partition key inside other text when the id ends there", () => {
    expect(namesUser({ key: "sync:USER#u-1:2026-12-01" }, "u-1")).toBe(true);
    expect(namesUser({ key: "USER#u-10 USER#u-1" }, "u-1")).toBe(true);
  });
});

describe("usage errors", () => {
  const io = () => {
    const err: string[] = [];
    return {
      err,
      io: {
        context: () => {
          throw new Error("no context needed");
        },
        out: () => {},
        err: (t: string) => void err.push(t),
      },
    };
  };
  it("exits 2 on an unknown command without touching AWS", async () => {
    const run = io();
    expect(await runCli(["frobnicate"], run.io)).toBe(2);
    expect(run.err.join("")).toContain("unknown command");
  });
  it("refuses user erase without --yes or --dry-run", async () => {
    const run = io();
    expect(await runCli(["user", "erase", "--user", "u-1"], run.io)).toBe(2);
    expect(run.err.join("")).toContain("pass --yes");
  });
});
