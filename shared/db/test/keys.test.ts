import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@expenzez/local-aws";
import { describe, expect, it } from "vitest";
import {
  budgetAlertId,
  gsi1Email,
  gsi2Time,
  gsi3Category,
  gsi4SyncDue,
  isoUtc,
  keys,
  outboxShard,
  SYNC_SHARDS,
  syncShard,
  transactionIdFor,
  userIdFromPk,
} from "../src";

describe("key builders", () => {
  it("builds every primary key from ids", () => {
    expect(keys.profile("u1")).toEqual({ PK: "USER#u1", SK: "PROFILE" });
    expect(keys.connection("u1", "c1")).toEqual({ PK: "USER#u1", SK: "BANK#c1" });
    expect(keys.account("u1", "a1")).toEqual({ PK: "USER#u1", SK: "ACCOUNT#a1" });
    expect(keys.transaction("u1", "t1")).toEqual({ PK: "USER#u1", SK: "TRANSACTION#t1" });
    expect(keys.budget("u1", "b1")).toEqual({ PK: "USER#u1", SK: "BUDGET#b1" });
    expect(keys.budgetAlert("u1", "x")).toEqual({ PK: "USER#u1", SK: "ALERT#x" });
    expect(keys.recurring("u1", "s1")).toEqual({ PK: "USER#u1", SK: "RECURRING#s1" });
    expect(keys.rule("u1", "r1")).toEqual({ PK: "USER#u1", SK: "RULE#r1" });
    expect(keys.notificationPreferences("u1")).toEqual({ PK: "USER#u1", SK: "NOTIFPREFS" });
    expect(keys.outbox(3, "2024-05-01T10:00:00+01:00", "e1")).toEqual({ PK: "OUTBOX#3", SK: "2024-05-01T09:00:00.000Z#e1" });
    expect(keys.idempotency("budget-recalc", "evt-1")).toEqual({ PK: "IDEMP#budget-recalc#evt-1", SK: "IDEMP" });
    expect(userIdFromPk("USER#u1")).toBe("u1");
  });

  it("rejects ids that would make keys ambiguous", () => {
    expect(() => keys.transaction("u1", "a#b")).toThrow(/must not contain "#"/);
    expect(() => keys.profile("")).toThrow(/non-empty/);
    expect(() => keys.outbox(8, "2024-01-01T00:00:00Z", "e")).toThrow(RangeError);
  });

  it("builds GSI keys with UTC timestamps so offsets sort correctly", () => {
    expect(gsi1Email("  Ana@Example.COM ")).toEqual({ GSI1PK: "ana@example.com", GSI1SK: "USER" });
    expect(gsi2Time("u1", "2024-03-01T00:30:00+01:00", "t1")).toEqual({ GSI2PK: "USER#u1", GSI2SK: "2024-02-29T23:30:00.000Z#t1" });
    expect(gsi3Category("u1", "groceries", "2024-03-01T00:00:00Z")).toEqual({ GSI3PK: "USER#u1", GSI3SK: "CATEGORY#groceries#2024-03-01T00:00:00.000Z" });
    const due = gsi4SyncDue("conn-1", "2024-03-01T06:00:00Z");
    expect(due.GSI4PK).toBe(`SYNCDUE#${syncShard("conn-1")}`);
    expect(due.GSI4SK).toBe("2024-03-01T06:00:00.000Z");
    expect(() => isoUtc("yesterday")).toThrow(TypeError);
    // Its last answer is reused for the same input only, never for an invalid one.
    expect(isoUtc("2024-03-01T10:00:00+01:00")).toBe("2024-03-01T09:00:00.000Z");
    expect(isoUtc("2024-03-01T10:00:00+01:00")).toBe("2024-03-01T09:00:00.000Z");
    expect(() => isoUtc("")).toThrow(TypeError);
    expect(() => isoUtc("yesterday")).toThrow(TypeError);
    // Without a zone Date.parse uses the host's local time: the same data would key differently per host.
    expect(() => isoUtc("2024-03-01T09:00:00")).toThrow(/offset/);
    expect(() => isoUtc("March 1, 2024 09:00")).toThrow(TypeError);
    expect(isoUtc("2024-03-01")).toBe("2024-03-01T00:00:00.000Z");
    expect(isoUtc("2024-03-01T09:00:00.123456+01:00")).toBe("2024-03-01T08:00:00.123Z");
  });

  it("shards stably and uses all 16 sync shards", () => {
    const shards = new Set(Array.from({ length: 400 }, (_, i) => syncShard(`conn-${i}`)));
    expect(syncShard("conn-1")).toBe(syncShard("conn-1"));
    expect([...shards].every((s) => Number.isInteger(s) && s >= 0 && s < SYNC_SHARDS)).toBe(true);
    expect(shards.size).toBe(SYNC_SHARDS);
    expect(outboxShard("evt-1")).toBe(outboxShard("evt-1"));
  });

  it("makes one alert id per budget, period and threshold", () => {
    expect(budgetAlertId("b1", "2024-03-01T00:00:00Z", 80)).toBe("b1@2024-03-01T00:00:00.000Z@80");
    expect(budgetAlertId("b1", "2024-03-01T00:00:00+00:00", 80)).toBe(budgetAlertId("b1", "2024-03-01T00:00:00.000Z", 80));
  });

  it("is the only module that writes user partition keys by hand", () => {
    // Prepare: every TypeScript source of the repo outside node_modules and tests (test/ in a package, tests/ for the cross-package suites, whose hostile inputs include key-shaped strings).
    const root = repoRoot();
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (["node_modules", ".git", ".venv", ".tools", "cdk.out", ".turbo", "test", "tests", "dist"].includes(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.endsWith(join("shared", "db", "src", "keys.ts")) && /["']USER#|`USER#\$\{/.test(readFileSync(path, "utf8")))
          offenders.push(path);
      }
    };
    // Act
    walk(root);
    // Assess
    expect(offenders).toEqual([]);
  });
});

describe("transactionIdFor", () => {
  const content = { timestamp: "2024-03-01T10:00:00Z", amount: -12.5, currency: "GBP", description: "TESCO" };

  it("is deterministic from the account and the normalised provider id", () => {
    const a = transactionIdFor({ accountId: "acc1", normalisedProviderTransactionId: "n-1", providerTransactionId: "p-1", content });
    const b = transactionIdFor({
      accountId: "acc1",
      normalisedProviderTransactionId: "n-1",
      providerTransactionId: "p-CHANGED",
      content: { ...content, description: "x" },
    });
    expect(a).toMatch(/^txn_[0-9a-f]{32}$/);
    expect(b).toBe(a);
    expect(transactionIdFor({ accountId: "acc2", normalisedProviderTransactionId: "n-1", content })).not.toBe(a);
  });

  it("falls back to the provider id, then to a content hash", () => {
    const byProvider = transactionIdFor({ accountId: "acc1", providerTransactionId: "p-1", content });
    const byContent = transactionIdFor({ accountId: "acc1", content });
    expect(byProvider).toBe(transactionIdFor({ accountId: "acc1", normalisedProviderTransactionId: null, providerTransactionId: "p-1", content }));
    expect(byProvider).not.toBe(transactionIdFor({ accountId: "acc1", normalisedProviderTransactionId: "p-1", content }));
    expect(byContent).toBe(transactionIdFor({ accountId: "acc1", content: { ...content } }));
    expect(byContent).not.toBe(transactionIdFor({ accountId: "acc1", content: { ...content, amount: -12.51 } }));
  });
});
