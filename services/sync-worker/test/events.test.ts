import type { Transaction, TransactionInput } from "@expenzez/db";
import { unattendedToday } from "@expenzez/sync";
import { describe, expect, it } from "vitest";
import { isLargeDebit, LARGE_TRANSACTION_MINOR, syncedDetail } from "../src/events";
import { builtUnit } from "../src/plan";

const t = (over: Partial<TransactionInput>) =>
  ({
    timestamp: "2026-11-20T10:00:00Z",
    status: "booked",
    direction: "debit",
    amountMinor: -100,
    currency: "GBP",
    category: { primary: "groceries" },
    ...over,
  }) as TransactionInput;

describe("syncedDetail", () => {
  it("names the categories, merchants and booking days a chunk touched, with its counts", () => {
    const detail = syncedDetail([
      { ...builtUnit({ actions: [] }), added: t({ merchant: { name: "Tesco" } }) },
      {
        ...builtUnit({ actions: [] }),
        changed: { before: t({ category: { primary: "shopping" } as never }) as Transaction, next: t({ timestamp: "2026-11-22T09:00:00+01:00" }) },
      },
      { ...builtUnit({ actions: [] }), removed: t({ timestamp: "2026-11-18T23:30:00-02:00", status: "pending" }) as Transaction },
    ]);
    expect(detail).toEqual({
      counts: { added: 1, modified: 1, removed: 1 },
      categories: ["groceries", "shopping"],
      merchants: ["Tesco"],
      // Days are UTC: 23:30 at -02:00 is the next day.
      range: { from: "2026-11-19", to: "2026-11-22" },
    });
  });

  it("has no range when nothing changed", () => {
    expect(syncedDetail([])).toEqual({ counts: { added: 0, modified: 0, removed: 0 }, categories: [], merchants: [], range: null });
  });
});

describe("isLargeDebit", () => {
  it("is a booked debit of £500 or more, not a pending hold or a credit", () => {
    expect(isLargeDebit(t({ amountMinor: -LARGE_TRANSACTION_MINOR }))).toBe(true);
    expect(isLargeDebit(t({ amountMinor: -LARGE_TRANSACTION_MINOR + 1 }))).toBe(false);
    expect(isLargeDebit(t({ amountMinor: -90_000, status: "pending" }))).toBe(false);
    expect(isLargeDebit(t({ amountMinor: 90_000, direction: "credit" }))).toBe(false);
  });

  it("weighs only pounds against the £500 threshold: minor units of another currency say nothing without a rate", () => {
    // ¥50,000 (about £260) and 50 KWD (50,000 fils, about £130) are not large payments.
    expect(isLargeDebit(t({ amountMinor: -50_000, currency: "JPY" }))).toBe(false);
    expect(isLargeDebit(t({ amountMinor: -50_000, currency: "KWD" }))).toBe(false);
    expect(isLargeDebit(t({ amountMinor: -50_000, currency: "GBP" }))).toBe(true);
  });
});

describe("unattendedToday", () => {
  const now = new Date("2026-11-25T23:59:00Z");
  it("counts only refreshes of the current UTC day", () => {
    expect(unattendedToday({ unattendedRefreshes: { day: "2026-11-25", count: 3 } }, now)).toBe(3);
    expect(unattendedToday({ unattendedRefreshes: { day: "2026-11-24", count: 4 } }, now)).toBe(0);
    expect(unattendedToday({}, now)).toBe(0);
  });
});
