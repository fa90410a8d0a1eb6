import { describe, expect, it } from "vitest";
import { eachDay, isMonthlyPaymentDay, parseDay } from "../src/calendar";
import { accountsOf, generateDay, type UserSpec } from "../src/generator";
import { bookedBetween } from "../src/ledger";

const spec = (seed: string, overrides: Partial<UserSpec> = {}): UserSpec => ({
  userId: "alice",
  seed,
  accounts: 2,
  cards: 1,
  historyDays: 800,
  historyStart: "2023-01-01",
  providerId: "mock",
  ...overrides,
});

function year(seed: string, kind: "current" | "card" = "current") {
  const s = spec(seed);
  const accounts = accountsOf(s);
  const acct = accounts.find((a) => a.kind === kind)!;
  const txns = [...eachDay("2024-01-01", "2024-12-31")].flatMap((day) => generateDay(s, accounts, acct, day));
  return { s, accounts, acct, txns };
}

describe("calendar", () => {
  it("moves weekend payment days to the Friday before, or the Monday after at a month's start", () => {
    // 2024-06-01 is a Saturday: rent due on the 1st moves to Monday 3rd, not into May.
    expect(isMonthlyPaymentDay("2024-06-03", 1)).toBe(true);
    expect(isMonthlyPaymentDay("2024-05-31", 1)).toBe(false);
    // 2024-05-25 is a Saturday: salary due on the 25th comes on Friday 24th.
    expect(isMonthlyPaymentDay("2024-05-24", 25)).toBe(true);
    // A due day past the month's end pays on its last day (Feb 2023 has 28 days, a Tuesday).
    expect(isMonthlyPaymentDay("2023-02-28", 31)).toBe(true);
  });

  it("rejects dates that do not exist", () => {
    expect(parseDay("2024-02-30")).toBeUndefined();
    expect(parseDay("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
  });
});

describe("generator", () => {
  it("gives the same data for the same seed and different data for another", () => {
    // Act
    const a = year("seed-1").txns;
    const b = year("seed-1").txns;
    const c = year("seed-2").txns;
    // Assess
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(300);
    expect(c.map((t) => t.description)).not.toEqual(a.map((t) => t.description));
  });

  it("pays salary and rent monthly and the usual bills by direct debit", () => {
    const { txns } = year("seed-1");
    const salaries = txns.filter((t) => t.description.endsWith("SALARY"));
    const rents = txns.filter((t) => t.category === "STANDING_ORDER");
    expect(salaries).toHaveLength(12);
    expect(salaries.every((t) => t.type === "CREDIT" && t.classification.length === 0)).toBe(true);
    expect(rents).toHaveLength(12);
    expect(new Set(txns.filter((t) => t.category === "DIRECT_DEBIT").map((t) => t.description))).toContain("LB HACKNEY CTAX");
    // Council tax: ten instalments, none in February or March.
    expect(txns.filter((t) => t.description === "LB HACKNEY CTAX")).toHaveLength(10);
  });

  it("has UK card-terminal noise, PayPal and Square merchants, ATM, refunds, fees and transfers", () => {
    const all = [...year("seed-1").txns, ...year("seed-3").txns];
    const descriptions = all.map((t) => t.description);
    expect(descriptions.some((d) => d.startsWith("PAYPAL *"))).toBe(true);
    expect(descriptions.some((d) => d.startsWith("SQ *"))).toBe(true);
    expect(descriptions.some((d) => /TESCO STORES \d{4} /.test(d))).toBe(true);
    expect(descriptions.some((d) => / CD \d{4}$/.test(d))).toBe(true);
    const categories = new Set(all.map((t) => t.category));
    for (const category of ["ATM", "CREDIT", "FEE_CHARGE", "TRANSFER", "PURCHASE", "BILL_PAYMENT"]) expect(categories).toContain(category);
    expect(all.some((t) => t.description.startsWith("REFUND "))).toBe(true);
  });

  it("changes subscription prices over time", () => {
    const { txns } = year("seed-1", "card");
    const spotify = txns.filter((t) => t.description.startsWith("SPOTIFY")).map((t) => t.amountMinor);
    expect(spotify).toHaveLength(12);
    expect(spotify[0]).toBe(1099);
    expect(spotify[11]).toBe(1199);
  });

  it("makes tips and holds: pending amounts that grow, and holds that never book", () => {
    const all = [...year("seed-1").txns, ...year("seed-1", "card").txns];
    expect(all.some((t) => (t.tipMinor ?? 0) > 0 && t.settleAfterHours > 0)).toBe(true);
    expect(all.some((t) => t.vanishes && t.amountMinor === 9900)).toBe(true);
  });

  it("starts at the history start and pays the card statement from the current account", () => {
    // Prepare
    const s = spec("seed-1");
    const accounts = accountsOf(s);
    const [current, , card] = accounts;
    const user = { spec: s, accounts, added: new Map() };
    const now = Date.parse("2024-03-31T23:00:00Z");
    // Act
    const early = bookedBetween(user, current!, "2022-01-01", "2022-12-31", now);
    const paid = bookedBetween(user, current!, "2024-03-01", "2024-03-31", now).filter((t) => t.description === "LLOYDS CREDIT CARD PAYMENT");
    const received = bookedBetween(user, card!, "2024-03-01", "2024-03-31", now).filter((t) => t.description.startsWith("PAYMENT RECEIVED"));
    // Assess
    expect(early).toEqual([]);
    expect(paid).toHaveLength(1);
    expect(received.map((t) => t.amountMinor)).toEqual(paid.map((t) => t.amountMinor));
  });
});
