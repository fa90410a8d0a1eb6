import { closeCurrentPeriod, scopeOf, tallySpending } from "@expenzez/budgets";
import { userBudgetSchema } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { periodClosedEvent, thresholdCrossedEvent } from "../src/events";
import { aBudget } from "./helpers";

const NEW_YORK = "America/New_York";
const NOW = new Date("2024-04-01T04:00:00Z");

// London's March (cut in London: 1 March 00:00 GMT to 1 April 00:00 BST), closed after the user moved to New York.
const londonMarch = userBudgetSchema.parse(aBudget({ userId: "u-west" }));

describe("the dates budget events carry after the user moved west", () => {
  it("BudgetPeriodClosed of London's March closed in New York reads 1 to 31 March, and the next period's threshold event 1 to 30 April", () => {
    // Act: the roll-over closes March in New York's zone and starts the next period where it ended.
    const closed = closeCurrentPeriod(londonMarch, tallySpending(scopeOf(londonMarch), []), NEW_YORK, NOW);
    const event = periodClosedEvent(londonMarch, londonMarch.currentPeriod, 0, NEW_YORK, NOW);
    const crossed = thresholdCrossedEvent({ ...closed.budget, spentMinor: 27_000 }, 80, NEW_YORK, NOW);
    // Assess: in New York the instants are 19:00 on 29 February to 19:00 on 31 March, named
    // 2024-03; the dates are those of the month named, not a day early (29 February to 30 March).
    expect(closed.entry.periodId).toBe("2024-03");
    expect(event.detail).toMatchObject({ period: { start: "2024-03-01", end: "2024-03-31" } });
    expect(closed.next).toEqual({ start: "2024-03-31T23:00:00.000Z", end: "2024-05-01T04:00:00.000Z" });
    expect(crossed.detail).toMatchObject({ period: { start: "2024-04-01", end: "2024-04-30" } });
  });
});
