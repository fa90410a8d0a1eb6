import { describe, expect, it } from "vitest";
import {
  alwaysCategorise,
  type CategoryRule,
  learnFromEdits,
  type MerchantEdit,
  planRecategorisation,
  type Secondary,
  type StoredTransaction,
} from "../src/index";

let ids = 0;
const deps = { now: () => "2026-06-01T12:00:00Z", newRuleId: () => `rule-${++ids}` };
const edit = (secondary: Secondary, minute: number, over: Partial<MerchantEdit> = {}): MerchantEdit => ({
  userId: "u1",
  transactionId: `t${minute}`,
  merchant: "Joes Cafe",
  secondary,
  editedAt: `2026-05-01T10:${String(minute).padStart(2, "0")}:00Z`,
  ...over,
});
const COFFEE: Secondary = "food_and_drink/coffee_shops";
const PUB: Secondary = "food_and_drink/pubs_and_bars";

describe("learnFromEdits", () => {
  it("creates a merchant rule when 3 of the last 5 edits agree", () => {
    // Prepare
    const edits = [edit(PUB, 1), edit(COFFEE, 2), edit(PUB, 3), edit(COFFEE, 4), edit(COFFEE, 5)];
    // Act
    const decision = learnFromEdits("u1", "JOES CAFE", edits, [], deps);
    // Assess
    expect(decision.action).toBe("create");
    if (decision.action === "none") return;
    expect(decision.rule).toMatchObject({
      userId: "u1",
      match: { merchant: "JOES CAFE" },
      category: { primary: "food_and_drink", secondary: COFFEE },
      source: "learned",
      version: 1,
    });
  });

  it("does nothing on 2 agreeing edits, and looks only at the last 5", () => {
    expect(learnFromEdits("u1", "Joes Cafe", [edit(COFFEE, 1), edit(COFFEE, 2), edit(PUB, 3)], [], deps).action).toBe("none");
    // Three old coffee edits fall out of the window behind five newer mixed ones.
    const edits = [
      edit(COFFEE, 1),
      edit(COFFEE, 2),
      edit(COFFEE, 3),
      edit(PUB, 4),
      edit(PUB, 5),
      edit("shopping/general", 6),
      edit("shopping/general", 7),
      edit(COFFEE, 8),
    ];
    expect(learnFromEdits("u1", "Joes Cafe", edits, [], deps).action).toBe("none");
  });

  it("ignores other users' edits and other merchants' edits", () => {
    const edits = [edit(COFFEE, 1, { userId: "u2" }), edit(COFFEE, 2, { userId: "u2" }), edit(COFFEE, 3), edit(COFFEE, 4, { merchant: "Tesco" })];
    expect(learnFromEdits("u1", "Joes Cafe", edits, [], deps).action).toBe("none");
  });

  it("updates the existing rule when the agreed category changes, and leaves it when it agrees", () => {
    const existing: CategoryRule = {
      ruleId: "r9",
      userId: "u1",
      match: { merchant: "Joes Cafe" },
      category: { primary: "food_and_drink", secondary: PUB },
      source: "learned",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      version: 3,
    };
    const coffee = learnFromEdits("u1", "Joes Cafe", [edit(COFFEE, 1), edit(COFFEE, 2), edit(COFFEE, 3)], [existing], deps);
    expect(coffee).toMatchObject({ action: "update", rule: { ruleId: "r9", version: 4, category: { secondary: COFFEE } } });
    expect(learnFromEdits("u1", "Joes Cafe", [edit(PUB, 1), edit(PUB, 2), edit(PUB, 3)], [existing], deps).action).toBe("none");
    // Another user's rule for the same merchant is not this user's rule.
    expect(
      learnFromEdits(
        "u2",
        "Joes Cafe",
        [1, 2, 3].map((m) => edit(COFFEE, m, { userId: "u2" })),
        [existing],
        deps,
      ).action,
    ).toBe("create");
  });

  it("finds the user's merchant rule when absent conditions are stored as undefined keys, rather than adding a second one", () => {
    // A rule read back through a mapper or a spread keeps `contains: undefined`: still a plain merchant rule.
    const existing: CategoryRule = {
      ruleId: "r9",
      userId: "u1",
      match: { merchant: "Joes Cafe", contains: undefined, accountId: undefined },
      category: { primary: "food_and_drink", secondary: PUB },
      source: "learned",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:00Z",
      version: 3,
    };
    expect(learnFromEdits("u1", "Joes Cafe", [edit(COFFEE, 1), edit(COFFEE, 2), edit(COFFEE, 3)], [existing], deps)).toMatchObject({
      action: "update",
      rule: { ruleId: "r9" },
    });
  });

  it("orders edits by time, whatever offset the timestamps were written in", () => {
    // 12:00+02:00 is 10:00Z: the oldest edit, so it falls out of the window of 5.
    const early = edit(COFFEE, 0, { editedAt: "2026-05-01T12:00:00+02:00" });
    const edits = [early, edit(PUB, 31), edit(COFFEE, 32), edit(COFFEE, 33), edit(PUB, 34), edit("shopping/general", 35)];
    expect(learnFromEdits("u1", "Joes Cafe", edits, [], deps).action).toBe("none");
  });
});

describe("alwaysCategorise", () => {
  it("creates the rule at once, and an explicit rule is not downgraded by agreeing edits", () => {
    const decision = alwaysCategorise("u1", "Joes Cafe", COFFEE, [], deps);
    expect(decision).toMatchObject({ action: "create", rule: { source: "explicit", category: { secondary: COFFEE } } });
    if (decision.action === "none") return;
    expect(learnFromEdits("u1", "Joes Cafe", [edit(COFFEE, 1), edit(COFFEE, 2), edit(COFFEE, 3)], [decision.rule], deps).action).toBe("none");
    expect(alwaysCategorise("u1", "", COFFEE, [], deps).action).toBe("none");
  });
});

describe("planRecategorisation", () => {
  const rule: CategoryRule = {
    ruleId: "r1",
    userId: "u1",
    match: { merchant: "Joes Cafe" },
    category: { primary: "food_and_drink", secondary: COFFEE },
    source: "learned",
    createdAt: "2026-06-01T00:00:00Z",
    updatedAt: "2026-06-01T00:00:00Z",
    version: 1,
  };
  const tx = (id: string, over: Partial<StoredTransaction> = {}): StoredTransaction => ({
    transactionId: id,
    userId: "u1",
    description: "SQ *JOES CAFE 0412",
    amount: -3.2,
    transaction_type: "DEBIT",
    timestamp: "2026-05-10T08:00:00Z",
    merchant: { name: "Joes Cafe" },
    category: { primary: "shopping", secondary: "shopping/general" },
    ...over,
  });

  it("re-categorises the user's matching transactions, never userModified ones", () => {
    // Prepare
    const txs = [
      tx("a"),
      tx("b", { timestamp: "2026-04-02T08:00:00Z", category: { primary: "other", secondary: "other/uncategorised" } }),
      tx("c", { category: { primary: "gifts_and_donations", secondary: "gifts_and_donations/gifts", userModified: true } }),
      tx("d", { userId: "u2" }),
      tx("e", { merchant: { name: "Tesco" }, description: "TESCO" }),
      tx("f", { category: { primary: "food_and_drink", secondary: COFFEE } }),
    ];
    // Act
    const plan = planRecategorisation(rule, txs);
    // Assess
    expect(plan.changes.map((c) => c.transactionId)).toEqual(["a", "b"]);
    expect(plan.changes[0]).toMatchObject({ from: { secondary: "shopping/general" }, to: { secondary: COFFEE } });
    expect(plan.categories).toEqual(["food_and_drink", "other", "shopping"]);
    expect(plan.range).toEqual({ from: "2026-04-02", to: "2026-05-10" });
    expect(plan.ruleId).toBe("r1");
  });

  it("returns an empty plan with no range when nothing changes", () => {
    expect(planRecategorisation(rule, [])).toEqual({ ruleId: "r1", changes: [], categories: [], range: null });
  });
});
