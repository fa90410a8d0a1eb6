import {
  RECURRING_HISTORY_MAX_ENTRIES,
  type RecurringHistory,
  type RecurringStream,
  recurringHistoryEntity,
  recurringStreamEntity,
  type Transaction,
} from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { type MerchantPlan, type MerchantState, merchantIdOf, planMerchant, upcomingBills } from "../src";

const userId = "u1";
const merchant = "Netflix";
const merchantKey = "netflix";
const merchantId = merchantIdOf(merchantKey);

function txn(id: string, date: string, pounds: number, status: "booked" | "pending" = "booked"): Transaction {
  const amountMinor = Math.round(pounds * -100);
  return {
    userId,
    transactionId: id,
    accountId: "acc",
    connectionId: "conn",
    timestamp: `${date}T00:00:00+00:00`,
    description: "NETFLIX.COM",
    amount: amountMinor / 100,
    amountMinor,
    currency: "GBP",
    direction: "debit",
    status,
    category: { primary: "entertainment", confidence: 0.9, reason: "merchant", userModified: false },
    merchant: { name: merchant },
    version: 1,
    createdAt: "2024-01-01T00:00:00Z",
    updatedAt: "2024-01-01T00:00:00Z",
  } as Transaction;
}

/** What the table holds after a plan is written (versions as the writes would leave them). */
function applied(state: MerchantState, plan: MerchantPlan): MerchantState {
  const history: RecurringHistory | undefined = plan.history
    ? recurringHistoryEntity.parse({ ...plan.history.item, version: (plan.history.expectedVersion ?? 0) + 1 })
    : state.history;
  const byId = new Map(state.streams.map((s) => [s.streamId, s]));
  for (const s of plan.streams) byId.set(s.item.streamId, recurringStreamEntity.parse({ ...s.item, version: (s.expectedVersion ?? 0) + 1 }) as RecurringStream);
  return { ...state, history, streams: [...byId.values()] };
}

const empty: MerchantState = { userId, merchantId, merchantKey, merchant, history: undefined, streams: [] };
const january = ["2024-01-09", "2024-02-09", "2024-03-09", "2024-04-09"].map((d, i) => txn(`n${i}`, d, 10.99));

describe("planMerchant", () => {
  it("finds a mature stream, announces it once and marks its members", () => {
    const plan = planMerchant(empty, january, new Date("2024-04-20T08:00:00Z"));
    expect(plan.streams).toHaveLength(1);
    expect(plan.streams[0]!.item).toMatchObject({ status: "mature", frequency: "monthly", merchantId, usualAmountMinor: 1099, announced: { detected: true } });
    expect(plan.streams[0]!.item.streamId.startsWith(`${merchantId}.`)).toBe(true);
    expect(plan.events.map((e) => e.detailType)).toEqual(["RecurringPaymentDetected"]);
    expect(plan.insights.map((i) => i.aiInsights)).toEqual(
      january.map(() => ({ isRecurring: true, recurringStreamId: plan.streams[0]!.item.streamId, recurringFrequency: "monthly", nextExpected: "2024-05-09" })),
    );
    expect(plan.history?.item.entries).toHaveLength(4);
  });

  it("keeps a busy merchant's history within the item's bound, newest payments first to stay", () => {
    // Six payments a day for a year (a transport card, a marketplace): more than one history item holds.
    const start = Date.parse("2023-05-01T00:00:00Z");
    const busy = Array.from({ length: 2190 }, (_, i) =>
      txn(`b${String(i).padStart(4, "0")}`, new Date(start + Math.floor(i / 6) * 86_400_000).toISOString().slice(0, 10), 2.8),
    );
    const plan = planMerchant(empty, busy, new Date("2024-05-01T08:00:00Z"));
    const item = plan.history!.item;
    expect(item.entries).toHaveLength(RECURRING_HISTORY_MAX_ENTRIES);
    expect(item.entries.at(-1)?.transactionId).toBe("b2189");
    expect(() => recurringHistoryEntity.parse({ ...item, version: 1 })).not.toThrow();
  });

  it("plans nothing, not even an empty history, for a merchant the user has no transactions of", () => {
    const plan = planMerchant(empty, [], new Date("2024-04-20T08:00:00Z"));
    expect(plan.history).toBeUndefined();
    expect(plan).toMatchObject({ streams: [], events: [], insights: [] });
  });

  it("plans nothing when the same sync is delivered again", () => {
    const now = new Date("2024-04-20T08:00:00Z");
    const after = applied(empty, planMerchant(empty, january, now));
    const replay = planMerchant(after, january, now);
    expect(replay.history).toBeUndefined();
    expect(replay).toMatchObject({ streams: [], events: [], insights: [] });
  });

  it("announces a price rise of a known stream once, with the old and the new amount", () => {
    const first = applied(empty, planMerchant(empty, january, new Date("2024-04-20T08:00:00Z")));
    const rise = [txn("n4", "2024-05-09", 12.99)];
    const plan = planMerchant(first, rise, new Date("2024-05-12T08:00:00Z"));
    const changed = plan.events.filter((e) => e.detailType === "RecurringPaymentPriceChanged");
    expect(changed.map((e) => e.detail)).toMatchObject([{ previousAmountMinor: 1099, newAmountMinor: 1299, transactionId: "n4" }]);
    expect(plan.events.filter((e) => e.detailType === "RecurringPaymentDetected")).toEqual([]);
    const again = planMerchant(applied(first, plan), rise, new Date("2024-05-12T08:00:00Z"));
    expect(again.events).toEqual([]);
  });

  it("records a price rise found deep in a first sync's history without announcing it", () => {
    const history = [...january, txn("n4", "2024-05-09", 12.99), txn("n5", "2024-06-09", 12.99)];
    const plan = planMerchant(empty, history, new Date("2024-06-12T08:00:00Z"));
    expect(plan.events.map((e) => e.detailType)).toEqual(["RecurringPaymentDetected"]);
    expect(plan.streams[0]!.item.announced).toMatchObject({ priceChangeTransactionId: "n4" });
  });

  it("announces a missed payment once when a mature stream's window has passed", () => {
    const first = applied(empty, planMerchant(empty, january, new Date("2024-04-20T08:00:00Z")));
    const late = planMerchant(first, [], new Date("2024-05-20T08:00:00Z"));
    expect(late.events.map((e) => [e.detailType, (e.detail as { expectedOn?: string }).expectedOn])).toEqual([["RecurringPaymentMissed", "2024-05-09"]]);
    expect(late.streams[0]!.item.status).toBe("tombstoned");
    expect(planMerchant(applied(first, late), [], new Date("2024-05-21T08:00:00Z")).events).toEqual([]);
  });

  it("takes a payment the bank dated ahead (Saturday's, booked for Monday) into its stream, so it is not later reported missed", () => {
    const first = applied(empty, planMerchant(empty, january, new Date("2024-04-20T08:00:00Z")));
    const may = { ...txn("n4", "2024-05-13", 10.99), timestamp: "2024-05-13T00:00:00.000Z" };
    const plan = planMerchant(first, [may], new Date("2024-05-11T10:00:00Z"));
    expect(plan.streams.map((s) => s.item)).toMatchObject([{ occurrences: 5, nextExpectedAt: "2024-06-09T00:00:00.000Z" }]);
    expect(plan.insights.find((i) => i.transactionId === "n4")?.aiInsights).toMatchObject({ isRecurring: true });
    expect(plan.events).toEqual([]);
  });

  it("reads a payment dated ahead without moving today: the merchant's other stream, still in its window, is not reported missed", () => {
    // Two prices at one merchant: 99p on the 9th, £2.99 on the 15th; on Thursday 11 April the bank has booked the £2.99 for Monday 15th.
    const small = ["2023-12-09", "2024-01-09", "2024-02-09", "2024-03-09"].map((d, i) => txn(`s${i}`, d, 0.99));
    const large = ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15"].map((d, i) => txn(`l${i}`, d, 2.99));
    const plan = planMerchant(empty, [...small, ...large], new Date("2024-04-11T10:00:00Z"));
    expect(plan.streams.map((s) => [s.item.usualAmountMinor, s.item.status, s.item.nextExpectedAt.slice(0, 10)]).sort()).toEqual([
      [299, "mature", "2024-05-15"],
      [99, "mature", "2024-04-09"],
    ]);
    expect(plan.events.map((e) => e.detailType)).toEqual(["RecurringPaymentDetected", "RecurringPaymentDetected"]);
  });

  it("drops a pending payment from the history and keeps booked ones", () => {
    const plan = planMerchant(empty, [...january, txn("p1", "2024-04-19", 10.99, "pending")], new Date("2024-04-20T08:00:00Z"));
    expect(plan.history?.item.entries.map((e) => e.transactionId)).toEqual(["n0", "n1", "n2", "n3"]);
  });

  it("drops soft-deleted payments from the history (a forgotten closed account), so the stream no longer stands on them", () => {
    const now = new Date("2024-04-20T08:00:00Z");
    const before = applied(empty, planMerchant(empty, january, now));
    const forgotten = january.map((t) => ({ ...t, deletedAt: "2024-04-20T08:00:00Z", deletedReason: "account_closed" as const }));
    const plan = planMerchant(before, forgotten, now);
    expect(plan.history?.item.entries).toEqual([]);
    expect(plan.detected).toEqual([]);
    expect(plan.streams.map((s) => s.item.status)).toEqual(["ended"]);
  });
});

describe("upcomingBills", () => {
  it("lists each live outflow due in the next 30 days, weekly ones every week, with totals in pence", () => {
    const base = {
      userId,
      normalisedMerchant: "x",
      currency: "GBP",
      averageAmountMinor: 0,
      lastAmountMinor: 0,
      firstSeenAt: "2024-01-01T00:00:00Z",
      lastSeenAt: "2024-04-01T00:00:00Z",
      occurrences: 5,
      transactionIds: [],
      announced: { detected: true },
      version: 1,
      createdAt: "2024-01-01T00:00:00Z",
      updatedAt: "2024-01-01T00:00:00Z",
    };
    const streams = [
      {
        ...base,
        streamId: "a",
        merchant: "Cleaner",
        frequency: "weekly",
        direction: "debit",
        status: "mature",
        usualAmountMinor: 4000,
        nextExpectedAt: "2024-04-22T00:00:00.000Z",
        windowTo: "2024-04-24",
      },
      {
        ...base,
        streamId: "b",
        merchant: "Rent",
        frequency: "monthly",
        direction: "debit",
        status: "mature",
        usualAmountMinor: 95000,
        nextExpectedAt: "2024-05-01T00:00:00.000Z",
        windowTo: "2024-05-05",
      },
      {
        ...base,
        streamId: "c",
        merchant: "Salary",
        frequency: "monthly",
        direction: "credit",
        status: "mature",
        usualAmountMinor: 250000,
        nextExpectedAt: "2024-04-30T00:00:00.000Z",
      },
      {
        ...base,
        streamId: "d",
        merchant: "Disney",
        frequency: "monthly",
        direction: "debit",
        status: "tombstoned",
        usualAmountMinor: 799,
        nextExpectedAt: "2024-03-05T00:00:00.000Z",
      },
    ] as RecurringStream[];
    const bills = upcomingBills(userId, streams, "2024-04-20", new Date("2024-04-20T08:00:00Z"));
    expect(bills.upcomingBills.map((b) => [b.merchant, b.expectedOn])).toEqual([
      ["Cleaner", "2024-04-22"],
      ["Cleaner", "2024-04-29"],
      ["Rent", "2024-05-01"],
      ["Cleaner", "2024-05-06"],
      ["Cleaner", "2024-05-13"],
    ]);
    expect(bills.totalsMinor).toEqual({ GBP: 4 * 4000 + 95000 });
    expect(bills.expiresAt).toBe(Math.floor(Date.parse("2024-04-20T08:00:00Z") / 1000) + 3 * 86_400);
  });
});
