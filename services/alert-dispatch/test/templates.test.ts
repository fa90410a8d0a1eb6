import { describe, expect, it } from "vitest";
import { toAlert } from "../src/alert";
import { fill, formatAmount, render } from "../src/templates";
import { budgetEvent, largeTransaction, reconnect } from "./fixtures";

const gb = { locale: "en-GB", timeZone: "Europe/London", currency: "GBP" };

describe("templates", () => {
  it("formats minor units in the currency and locale", () => {
    expect(formatAmount(-123_456, "GBP", "en-GB")).toBe("£1,234.56");
    expect(formatAmount(123_456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatAmount(1_500, "JPY", "ja-JP")).toBe("￥1,500");
  });

  it("renders the built-in budget text, deep link and string data", () => {
    const n = render(toAlert(budgetEvent(80)), gb);
    expect(n).toMatchObject({
      title: "Groceries budget: 80% used",
      body: "You've spent £240.50 of your £300.00 Groceries budget.",
      deepLink: "expenzez://budgets/b-groceries",
    });
    expect(Object.values(n.data).every((v) => typeof v === "string")).toBe(true);
    expect(n.data).toMatchObject({ type: "BudgetThresholdCrossed", threshold: "80", spent: "£240.50" });
  });

  it("uses the BudgetAlert's own template when it has one", () => {
    const n = render(toAlert(budgetEvent(100)), gb, { title: "Stop! {category}", body: "{spent}/{limit} ({threshold}%) {unknown}" });
    expect([n.title, n.body]).toEqual(["Stop! Groceries", "£240.50/£300.00 (100%) {unknown}"]);
  });

  it("renders transactions and reconnect alerts with their links", () => {
    expect(render(toAlert(largeTransaction(-90_000, "Apple Store")), gb)).toMatchObject({
      title: "Large payment: £900.00",
      body: "£900.00 at Apple Store.",
      deepLink: "expenzez://transactions/txn_1",
    });
    expect(render(toAlert(reconnect()), gb).deepLink).toBe("expenzez://connections/conn-1/reconnect");
  });

  it("leaves unknown placeholders as written", () => {
    expect(fill("{a} {b}", { a: "1" })).toBe("1 {b}");
  });
});
