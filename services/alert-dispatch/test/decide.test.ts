import { describe, expect, it } from "vitest";
import { toAlert } from "../src/alert";
import { decide, foldedByRateLimit } from "../src/decide";
import { budgetAlert, budgetEvent, input, largeTransaction, NOW, prefs, profile, reconnect, syncFailed } from "./fixtures";

const rule = (r: Record<string, unknown>) => ({ ruleId: "r", field: "merchant", operator: "contains", value: "x", action: "notify", ...r }) as never;

describe("decide: switches", () => {
  it("sends a budget alert on every reachable channel when nothing stops it", () => {
    expect(decide(input(budgetEvent(80)))).toMatchObject({ outcome: "send", reason: "preferences_allow", channels: ["push", "email"] });
  });

  it("sends nothing when globalEnabled is off", () => {
    const d = decide(input(budgetEvent(80), { preferences: prefs({ globalEnabled: false }) }));
    expect(d).toMatchObject({ outcome: "suppress", reason: "global_disabled" });
    expect(d.dropped.map((x) => x.channel)).toEqual(["push", "email"]);
  });

  it.each([
    ["budgets", budgetEvent(80)],
    ["transactions", largeTransaction(-90_000)],
    ["security", reconnect()],
  ] as const)("honours the %s category switch", (category, event) => {
    const d = decide(input(event, { preferences: prefs({ categories: { [category]: { enabled: false } } }) }));
    expect(d).toMatchObject({ outcome: "suppress", reason: `category_disabled:${category}` });
  });

  it("honours the insights switch for recurring payments", () => {
    const event = {
      detailType: "RecurringPaymentDetected",
      detail: {
        version: 1,
        eventId: "8c5b7c1e-1111-4c1e-9d4e-111111111111",
        occurredAt: NOW.toISOString(),
        userId: "user-a",
        streamId: "s1",
        merchant: "Netflix",
        frequency: "monthly",
        amountMinor: -1099,
        currency: "GBP",
        nextExpected: "2024-04-05",
        transactionIds: [] as string[],
      },
    } as const;
    expect(decide(input(event, { preferences: prefs({ categories: { insights: { enabled: false } } }) }))).toMatchObject({
      reason: "category_disabled:insights",
    });
    expect(decide(input(event)).outcome).toBe("send");
  });

  it("applies transactions.threshold to the absolute amount", () => {
    const p = prefs({ categories: { transactions: { threshold: 100_000 } } });
    expect(decide(input(largeTransaction(-90_000), { preferences: p }))).toMatchObject({ outcome: "suppress", reason: "transactions.threshold" });
    expect(decide(input(largeTransaction(-100_000), { preferences: p })).outcome).toBe("send");
  });

  it("weighs transactions.threshold only against amounts in the user's currency: ¥90,000 is not over a £500 threshold", () => {
    // Prepare: a £500 threshold; the pipeline has no exchange rate.
    const p = prefs({ categories: { transactions: { threshold: 50_000 } } });
    // Act / Assess: yen and euros are not compared with pounds, pounds are.
    expect(decide(input(largeTransaction(-90_000, "Bic Camera", "JPY"), { preferences: p }))).toMatchObject({
      outcome: "suppress",
      reason: "transactions.threshold_currency:JPY",
    });
    expect(decide(input(largeTransaction(-90_000, "Fnac", "EUR"), { preferences: p })).reason).toBe("transactions.threshold_currency:EUR");
    expect(decide(input(largeTransaction(-90_000), { preferences: p })).outcome).toBe("send");
    // A profile in euros sets the threshold in euros: then a pound amount is the one not compared.
    const inEuros = profile({ preferences: { currency: "EUR" } });
    expect(decide(input(largeTransaction(-90_000, "Fnac", "EUR"), { preferences: p, profile: inEuros })).outcome).toBe("send");
    expect(decide(input(largeTransaction(-40_000, "Fnac", "EUR"), { preferences: p, profile: inEuros })).reason).toBe("transactions.threshold");
    expect(decide(input(largeTransaction(-90_000), { preferences: p, profile: inEuros })).reason).toBe("transactions.threshold_currency:GBP");
  });

  it("lets a large payment in any currency through a threshold of 0, where there is nothing to weigh", () => {
    expect(decide(input(largeTransaction(-90_000, "Bic Camera", "JPY"))).outcome).toBe("send");
  });

  it("sends deposits only with includeDeposits and withdrawals only with includeWithdrawals", () => {
    expect(decide(input(largeTransaction(90_000))).reason).toBe("transactions.includeDeposits");
    expect(decide(input(largeTransaction(90_000), { preferences: prefs({ categories: { transactions: { includeDeposits: true } } }) })).outcome).toBe("send");
    expect(decide(input(largeTransaction(-90_000), { preferences: prefs({ categories: { transactions: { includeWithdrawals: false } } }) })).reason).toBe(
      "transactions.includeWithdrawals",
    );
  });

  it("sends thresholds from budgets.warningThreshold up, and 100% only with exceededAlert", () => {
    expect(decide(input(budgetEvent(50))).reason).toBe("budgets.warningThreshold");
    expect(decide(input(budgetEvent(50), { preferences: prefs({ categories: { budgets: { warningThreshold: 50 } } }) })).outcome).toBe("send");
    expect(decide(input(budgetEvent(100), { preferences: prefs({ categories: { budgets: { exceededAlert: false } } }) })).reason).toBe("budgets.exceededAlert");
    expect(decide(input(budgetEvent(120))).outcome).toBe("send");
  });

  it("never sends marketing and never tells about a failure streak shorter than three", () => {
    const alert = { ...toAlert(reconnect()), category: "marketing" as const };
    expect(decide({ ...input(reconnect()), alert }).reason).toBe("marketing_never_sent");
    expect(decide(input(syncFailed(2))).reason).toBe("sync_failures_below_threshold");
    expect(decide(input(syncFailed(3))).outcome).toBe("send");
    expect(decide(input(syncFailed(4))).reason).toBe("sync_failures_already_alerted");
  });

  it("suppresses a threshold that a higher one of the same sync supersedes", () => {
    expect(decide(input(budgetEvent(80), { supersededBy: 100 }))).toMatchObject({ outcome: "suppress", reason: "superseded_by_threshold:100" });
  });
});

describe("decide: channels", () => {
  it("drops channels switched off in the preferences, the profile or the BudgetAlert, and says why", () => {
    const viaPrefs = decide(input(budgetEvent(80), { preferences: prefs({ channels: { push: true, email: false } }) }));
    expect(viaPrefs).toMatchObject({ channels: ["push"], dropped: [{ channel: "email", reason: "channel_disabled:email" }] });
    const viaProfile = decide(input(budgetEvent(80), { profile: profile({ preferences: { notifications: { push: false } } }) }));
    expect(viaProfile).toMatchObject({ channels: ["email"], dropped: [{ channel: "push", reason: "profile_channel_disabled:push" }] });
    const viaAlert = decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ deliveryMethods: ["email"] }) }));
    expect(viaAlert).toMatchObject({ channels: ["email"], dropped: [{ channel: "push", reason: "budget_alert.deliveryMethods:push" }] });
  });

  it("emails only a verified address, pushes only to an active device, and suppresses when neither is left", () => {
    const d = decide(input(budgetEvent(80), { reach: { pushTargets: 0, emailVerified: false } }));
    expect(d).toMatchObject({
      outcome: "suppress",
      reason: "no_channel",
      dropped: [
        { channel: "push", reason: "no_active_device" },
        { channel: "email", reason: "email_not_verified" },
      ],
    });
  });
});

describe("decide: custom rules", () => {
  it("a matching dont_notify rule stops an alert the category would send", () => {
    const p = prefs({ customRules: [rule({ ruleId: "quiet-apple", value: "apple", action: "dont_notify" })] });
    expect(decide(input(largeTransaction(-90_000), { preferences: p }))).toMatchObject({ outcome: "suppress", reason: "custom_rule:quiet-apple" });
  });

  it("a matching notify rule sends an alert the category options would stop, but not past globalEnabled or the channels", () => {
    const p = prefs({ categories: { transactions: { threshold: 1_000_000 } }, customRules: [rule({ ruleId: "apple", value: "APPLE" })] });
    expect(decide(input(largeTransaction(-90_000), { preferences: p }))).toMatchObject({ outcome: "send", reason: "custom_rule:apple" });
    expect(decide(input(largeTransaction(-90_000), { preferences: { ...p, globalEnabled: false } })).reason).toBe("global_disabled");
  });

  it("rules on a fact the alert lacks never match", () => {
    const p = prefs({ customRules: [rule({ ruleId: "f", field: "frequency", operator: "equals", value: "monthly", action: "dont_notify" })] });
    expect(decide(input(largeTransaction(-90_000), { preferences: p })).outcome).toBe("send");
  });
});

describe("decide: BudgetAlert settings", () => {
  it("an inactive BudgetAlert is not sent", () => {
    expect(decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ isActive: false }) })).reason).toBe("budget_alert.inactive");
  });

  it("minimumAmount compares the spending in minor units", () => {
    expect(decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ conditions: { minimumAmount: 24_051 } }) })).reason).toBe("budget_alert.minimumAmount");
    expect(decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ conditions: { minimumAmount: 24_050 } }) })).outcome).toBe("send");
  });

  it("priority comes from the BudgetAlert", () => {
    expect(decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ priority: "critical" }) })).priority).toBe("critical");
    expect(decide(input(budgetEvent(80))).priority).toBe("normal");
  });

  it("daysOfWeek defers to the next allowed local day (Friday 15 March → Monday 18th, 00:00 London)", () => {
    const d = decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ conditions: { daysOfWeek: [1] } }) }));
    expect(d).toMatchObject({ outcome: "defer", reason: "budget_alert.daysOfWeek", until: "2024-03-18T00:00:00.000Z" });
  });

  it("timeOfDay defers to the window's next start", () => {
    const d = decide(input(budgetEvent(80), { budgetAlert: budgetAlert({ conditions: { timeOfDay: { start: "18:00", end: "20:00" } } }) }));
    expect(d).toMatchObject({ outcome: "defer", reason: "budget_alert.timeOfDay", until: "2024-03-15T18:00:00.000Z" });
  });

  it("consecutiveDays waits N-1 local days, then needs spending still past the threshold", () => {
    const ba = budgetAlert({ conditions: { consecutiveDays: 3 } });
    expect(decide(input(budgetEvent(80), { budgetAlert: ba }))).toMatchObject({ outcome: "defer", until: "2024-03-17T00:00:00.000Z" });
    const later = new Date("2024-03-17T00:00:00.000Z");
    expect(decide(input(budgetEvent(80), { budgetAlert: ba, now: later, stillPastThreshold: true })).outcome).toBe("send");
    expect(decide(input(budgetEvent(80), { budgetAlert: ba, now: later, stillPastThreshold: false })).reason).toBe("budget_alert.consecutiveDays_not_met");
  });
});

describe("decide: quiet hours", () => {
  const quiet = { start: "11:00", end: "13:30", timeZone: "Europe/London" };

  it("defers an alert due in quiet hours until they end", () => {
    expect(decide(input(budgetEvent(80), { preferences: prefs({ quietHours: quiet }) }))).toMatchObject({
      outcome: "defer",
      reason: "quiet_hours",
      until: "2024-03-15T13:30:00.000Z",
      channels: ["push", "email"],
    });
  });

  it("quiet hours that are switched off do nothing", () => {
    expect(decide(input(budgetEvent(80), { preferences: prefs({ quietHours: { ...quiet, enabled: false } }) })).outcome).toBe("send");
  });

  it("lets ConnectionReconnectRequired through unless allowUrgentSecurity is off; other security alerts wait", () => {
    expect(decide(input(reconnect(), { preferences: prefs({ quietHours: quiet }) })).outcome).toBe("send");
    expect(decide(input(reconnect(), { preferences: prefs({ quietHours: { ...quiet, allowUrgentSecurity: false } }) })).outcome).toBe("defer");
    expect(decide(input(syncFailed(3), { preferences: prefs({ quietHours: quiet }) })).outcome).toBe("defer");
  });

  it("uses the quiet hours' own zone", () => {
    // 12:00 UTC is 08:00 in New York: inside 07:00–09:00 there, outside it in London.
    const ny = prefs({ quietHours: { start: "07:00", end: "09:00", timeZone: "America/New_York" } });
    expect(decide(input(budgetEvent(80), { preferences: ny }))).toMatchObject({ outcome: "defer", until: "2024-03-15T13:00:00.000Z" });
  });

  it("suppresses, with the reason, an alert whose conditions can never all hold", () => {
    const p = prefs({ quietHours: { start: "00:00", end: "23:59", timeZone: "Europe/London" } });
    const ba = budgetAlert({ conditions: { timeOfDay: { start: "10:00", end: "11:00" } } });
    expect(decide(input(budgetEvent(80), { preferences: p, budgetAlert: ba })).reason).toMatch(/^never_deliverable:/);
  });
});

describe("rate limit", () => {
  it("folds the notifications past the hourly limit, except high and critical ones", () => {
    expect([5, 6].map((n) => foldedByRateLimit(n, 5, "normal"))).toEqual([false, true]);
    expect(foldedByRateLimit(6, 5, "low")).toBe(true);
    expect(foldedByRateLimit(60, 5, "high")).toBe(false);
    expect(foldedByRateLimit(60, 5, "critical")).toBe(false);
  });
});
