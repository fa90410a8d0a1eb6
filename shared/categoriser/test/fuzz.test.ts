import { describe, expect, it } from "vitest";
import { int, pick, prng, type Rand } from "../scripts/prng";
import { type CategorisableTransaction, type CategoryRule, createCategoriser, normaliseMerchant, PRIMARIES } from "../src/index";

/** Values a careless producer could put in any field: JSON junk plus what only JavaScript callers can pass. */
function junk(rand: Rand, depth = 0): unknown {
  switch (int(rand, 0, 17)) {
    case 0:
      return "";
    case 1:
      return -0;
    case 2:
      return Number.NaN;
    case 3:
      return pick(rand, [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e-320, Number.MAX_SAFE_INTEGER + 2]);
    case 4:
      return pick(rand, ["12.50", "-0", "-0.00", " 7 ", "1e3", "12,50", "£5", "0x10", "-"]);
    case 5:
      return "X".repeat(int(rand, 1, 1_100_000));
    case 6:
      return pick(rand, ["咖啡 ☕", "CAFÉ NÉRO", "\u0000\u001f\u2028", "\ud83c", "SQ *", "PAYPAL *", "CARD PAYMENT TO", "ON 12 MAR", "&&&", "\u202eLOCSET"]);
    case 7:
      return null;
    case 8:
      return undefined;
    case 9:
      return depth < 3 ? Array.from({ length: int(rand, 0, 3) }, () => junk(rand, depth + 1)) : [];
    case 10:
      return depth < 3 ? { mcc: junk(rand, depth + 1), nested: { deeper: junk(rand, depth + 1) } } : {};
    case 11:
      return Symbol("odd");
    case 12:
      return 10n;
    case 13:
      return pick(rand, [true, false]);
    case 14:
      return pick(rand, ["DEBIT", "CREDIT", "debit", "ATM", "INTEREST", "FEE_CHARGE", "TRANSFER", "PURCHASE"]);
    case 15:
      return pick(rand, ["acc-a", "acc-b"]);
    case 16:
      return pick(rand, ["2026-03-01T09:00:00Z", "2026-03-01", "yesterday", ""]);
    default:
      return int(rand, -5000, 5000) / 100;
  }
}

const FIELDS = [
  "description",
  "amount",
  "currency",
  "transaction_type",
  "transaction_category",
  "transaction_classification",
  "merchant_name",
  "meta",
  "accountId",
  "timestamp",
  "userModified",
  "category",
];

function junkTransaction(rand: Rand): unknown {
  if (int(rand, 0, 9) === 0) return junk(rand);
  const tx: Record<string, unknown> = {};
  for (const field of FIELDS) if (rand() < 0.6) tx[field] = junk(rand);
  return tx;
}

const rules: CategoryRule[] = [
  {
    ruleId: "r1",
    userId: "u1",
    match: { contains: "x", amountMinor: { min: 0, max: 100_000 } },
    category: { primary: "shopping", secondary: "shopping/general" },
    source: "explicit",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    version: 1,
  },
];

describe("fuzz: odd input never throws (seeded, so a failure replays)", () => {
  it("gives every junk transaction a valid category, one at a time and as a batch", () => {
    // Prepare
    const rand = prng(20261125);
    const txs = Array.from({ length: 400 }, () => junkTransaction(rand)) as CategorisableTransaction[];
    const categoriser = createCategoriser({ rules, userId: "u1", ownAccounts: ["acc-a", "acc-b"] });
    // Act
    const batch = categoriser.categoriseBatch(txs);
    const single = txs.map((tx) => categoriser.categorise(tx));
    // Assess
    expect(batch).toHaveLength(txs.length);
    for (const { category, merchant } of [...batch, ...single]) {
      expect(PRIMARIES).toContain(category.primary);
      expect(category.secondary.startsWith(`${category.primary}/`)).toBe(true);
      expect(category.confidence).toBeGreaterThanOrEqual(0);
      expect(category.confidence).toBeLessThanOrEqual(1);
      expect(typeof merchant.name).toBe("string");
    }
  });

  it("pairs no transfer from amounts that are not money, even on the user's own accounts", () => {
    // A Symbol or BigInt amount reaches the transfer bucket before any money parsing.
    const legs = [Symbol("odd"), 10n, { amount: 10 }].map((amount) => ({
      accountId: "acc-a",
      amount,
      transaction_type: "DEBIT",
      timestamp: "2026-03-01T09:00:00Z",
    }));
    const credit = { accountId: "acc-b", amount: 10, transaction_type: "CREDIT", timestamp: "2026-03-01T10:00:00Z" };
    const results = createCategoriser({ ownAccounts: ["acc-a", "acc-b"] }).categoriseBatch([...legs, credit] as unknown as CategorisableTransaction[]);
    expect(results.map((r) => r.category.reason)).not.toContain("own_transfer");
  });

  it("normalises any junk description and merchant name to a string", () => {
    const rand = prng(7);
    for (let i = 0; i < 300; i++) expect(typeof normaliseMerchant(junk(rand), junk(rand))).toBe("string");
  });
});
