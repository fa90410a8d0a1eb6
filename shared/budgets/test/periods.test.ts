import { describe, expect, it } from "vitest";
import { InvalidTimeZoneError, nextPeriod, periodContaining, periodDates, periodId, periodsOverlapping, utcDateRange } from "../src";

const LONDON = "Europe/London";

describe("periods in the user's time zone", () => {
  it("cuts a calendar month at London midnight, in GMT and in BST", () => {
    expect(periodContaining({ period: "monthly" }, "2024-03-15T12:00:00Z", LONDON)).toEqual({
      start: "2024-03-01T00:00:00.000Z",
      end: "2024-03-31T23:00:00.000Z",
    });
    // 00:30 BST on 1 April is still 31 March in UTC.
    expect(periodContaining({ period: "monthly" }, "2024-03-31T23:30:00Z", LONDON)?.start).toBe("2024-03-31T23:00:00.000Z");
    expect(periodContaining({ period: "monthly" }, "2024-03-31T22:59:59.999Z", LONDON)?.start).toBe("2024-03-01T00:00:00.000Z");
  });

  it("starts weeks on Monday and spans the spring-forward week with 167 hours", () => {
    // Sunday 31 March 2024 01:00 GMT → 02:00 BST.
    const week = periodContaining({ period: "weekly" }, "2024-03-31T12:00:00Z", LONDON);
    expect(week).toEqual({ start: "2024-03-25T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" });
    expect((Date.parse(week?.end ?? "") - Date.parse(week?.start ?? "")) / 3_600_000).toBe(167);
    expect(periodId({ period: "weekly" }, week as never, LONDON)).toBe("2024-W13");
  });

  it("spans the fall-back week with 169 hours", () => {
    // Sunday 27 October 2024 02:00 BST → 01:00 GMT.
    const week = periodContaining({ period: "weekly" }, "2024-10-27T01:30:00Z", LONDON);
    expect(week).toEqual({ start: "2024-10-20T23:00:00.000Z", end: "2024-10-28T00:00:00.000Z" });
    expect((Date.parse(week?.end ?? "") - Date.parse(week?.start ?? "")) / 3_600_000).toBe(169);
  });

  it("puts a late-evening purchase in New York into the local day, not the UTC one", () => {
    // 23:30 on Sunday 10 March 2024 EDT (the day DST started) is Monday 03:30 UTC.
    const week = periodContaining({ period: "weekly" }, "2024-03-11T03:30:00Z", "America/New_York");
    expect(periodDates({ period: "weekly" }, week as never, "America/New_York")).toEqual({ start: "2024-03-04", end: "2024-03-10" });
    expect(week?.end).toBe("2024-03-11T04:00:00.000Z");
  });

  it("cuts periods east of UTC across the date line (Auckland, Sydney)", () => {
    const month = periodContaining({ period: "monthly" }, "2024-03-31T12:00:00Z", "Pacific/Auckland");
    // Already 1 April 01:00 NZDT.
    expect(periodId({ period: "monthly" }, month as never, "Pacific/Auckland")).toBe("2024-04");
    expect(month?.start).toBe("2024-03-31T11:00:00.000Z");
    // Sydney leaves DST on 7 April 2024: April's end is at AEST.
    expect(month?.end).toBe("2024-04-30T12:00:00.000Z");
    expect(periodContaining({ period: "quarterly" }, "2024-06-30T14:30:00Z", "Australia/Sydney")?.start).toBe("2024-06-30T14:00:00.000Z");
  });

  it("uses the first instant of a day whose midnight does not exist (São Paulo, 2018)", () => {
    // 4 November 2018: clocks went from 00:00 to 01:00.
    const week = periodContaining({ period: "weekly" }, "2018-11-05T12:00:00Z", "America/Sao_Paulo");
    expect(week?.start).toBe("2018-11-05T02:00:00.000Z");
    const month = periodContaining({ period: "monthly", monthStartDay: 4 }, "2018-11-04T12:00:00Z", "America/Sao_Paulo");
    expect(month?.start).toBe("2018-11-04T03:00:00.000Z");
  });

  it("runs payday to payday and clamps the start day to short months", () => {
    const spec = { period: "monthly" as const, monthStartDay: 25 };
    expect(periodDates(spec, periodContaining(spec, "2024-03-10T12:00:00Z", LONDON) as never, LONDON)).toEqual({ start: "2024-02-25", end: "2024-03-24" });
    expect(periodDates(spec, periodContaining(spec, "2024-03-25T00:30:00Z", LONDON) as never, LONDON)).toEqual({ start: "2024-03-25", end: "2024-04-24" });
    const endOfMonth = { period: "monthly" as const, monthStartDay: 31 };
    const feb = periodContaining(endOfMonth, "2024-03-10T12:00:00Z", LONDON);
    expect(periodDates(endOfMonth, feb as never, LONDON)).toEqual({ start: "2024-02-29", end: "2024-03-30" });
    expect(periodDates(endOfMonth, nextPeriod(endOfMonth, feb as never, LONDON) as never, LONDON)).toEqual({ start: "2024-03-31", end: "2024-04-29" });
    expect(periodId(endOfMonth, feb as never, LONDON)).toBe("2024-02-29");
  });

  it("names quarters and years and lists every period a range overlaps", () => {
    const q = periodContaining({ period: "quarterly" }, "2024-05-01T00:00:00Z", LONDON);
    expect(periodId({ period: "quarterly" }, q as never, LONDON)).toBe("2024-Q2");
    expect(periodDates({ period: "quarterly" }, q as never, LONDON)).toEqual({ start: "2024-04-01", end: "2024-06-30" });
    const y = periodContaining({ period: "yearly" }, "2024-12-31T23:59:00Z", LONDON);
    expect(periodId({ period: "yearly" }, y as never, LONDON)).toBe("2024");
    const months = periodsOverlapping({ period: "monthly" }, utcDateRange({ from: "2024-01-31", to: "2024-03-01" }), LONDON);
    expect(months.map((p) => periodId({ period: "monthly" }, p, LONDON))).toEqual(["2024-01", "2024-02", "2024-03"]);
  });

  it("holds a custom period only between its dates, end day included, and never recurs", () => {
    const spec = { period: "custom" as const, customRange: { startDate: "2024-07-10", endDate: "2024-07-24" } };
    const p = periodContaining(spec, "2024-07-24T22:59:00Z", LONDON);
    expect(p).toEqual({ start: "2024-07-09T23:00:00.000Z", end: "2024-07-24T23:00:00.000Z" });
    expect(periodContaining(spec, "2024-07-24T23:00:00Z", LONDON)).toBeUndefined();
    expect(nextPeriod(spec, p as never, LONDON)).toBeUndefined();
    expect(periodsOverlapping(spec, { from: "2024-01-01T00:00:00Z", to: "2024-07-10T00:00:00Z" }, LONDON)).toHaveLength(1);
    expect(periodsOverlapping(spec, { from: "2024-08-01T00:00:00Z", to: "2024-09-01T00:00:00Z" }, LONDON)).toHaveLength(0);
  });

  it("after the user's zone changes, the next period starts where the closed one ended: no overlap, no gap, the next name", () => {
    const monthly = { period: "monthly" as const };
    // London March closes; the profile is now New York's. New York's March runs to 04:00 UTC on
    // 1 April, so March was almost all counted already: the next period is New York's April, from
    // the instant London's March ended.
    const londonMarch = periodContaining(monthly, "2024-03-15T12:00:00Z", LONDON) as never as { start: string; end: string };
    const afterLondon = nextPeriod(monthly, londonMarch, "America/New_York");
    expect(afterLondon).toEqual({ start: "2024-03-31T23:00:00.000Z", end: "2024-05-01T04:00:00.000Z" });
    expect(periodId(monthly, afterLondon as never, "America/New_York")).toBe("2024-04");
    // And back: New York's April closes (at 04:00 UTC on 1 May) in a London profile: London's May
    // had begun five hours before; it runs from the instant New York's April ended.
    const afterNewYork = nextPeriod(monthly, afterLondon as never, LONDON);
    expect(afterNewYork).toEqual({ start: "2024-05-01T04:00:00.000Z", end: "2024-05-31T23:00:00.000Z" });
    expect(periodId(monthly, afterNewYork as never, LONDON)).toBe("2024-05");
    // Stored periods written without milliseconds continue the same way in their own zone.
    expect(nextPeriod(monthly, { start: "2024-03-01T00:00:00Z", end: "2024-03-31T23:00:00Z" }, LONDON)).toEqual({
      start: "2024-03-31T23:00:00.000Z",
      end: "2024-04-30T23:00:00.000Z",
    });
  });

  it("after a move west, a closed period's event dates are the days of the period it is named by, not a day early", () => {
    // London's March is 19:00 on 29 February to 19:00 on 31 March in New York: its own first and
    // last day there would read 29 February to 30 March for "2024-03".
    const monthly = { period: "monthly" as const };
    const NEW_YORK = "America/New_York";
    const londonMarch = periodContaining(monthly, "2024-03-15T12:00:00Z", LONDON) as never as { start: string; end: string };
    const next = nextPeriod(monthly, londonMarch, NEW_YORK) as never as { start: string; end: string };
    expect(periodId(monthly, londonMarch, NEW_YORK)).toBe("2024-03");
    expect(periodDates(monthly, londonMarch, NEW_YORK)).toEqual({ start: "2024-03-01", end: "2024-03-31" });
    // The next period (from 19:00 on 31 March, New York) is April, and reads 1 to 30 April.
    expect(periodDates(monthly, next, NEW_YORK)).toEqual({ start: "2024-04-01", end: "2024-04-30" });
    // A week of London's closing in Los Angeles (eight hours west): Monday to Sunday, as named.
    const weekly = { period: "weekly" as const };
    const londonWeek = periodContaining(weekly, "2024-03-13T12:00:00Z", LONDON) as never as { start: string; end: string };
    expect(periodId(weekly, londonWeek, "America/Los_Angeles")).toBe("2024-W11");
    expect(periodDates(weekly, londonWeek, "America/Los_Angeles")).toEqual({ start: "2024-03-11", end: "2024-03-17" });
    // A custom period keeps the dates the user chose (10 to 24 July), not 9 to 23 July.
    const custom = { period: "custom" as const, customRange: { startDate: "2024-07-10", endDate: "2024-07-24" } };
    const londonCustom = periodContaining(custom, "2024-07-15T12:00:00Z", LONDON) as never as { start: string; end: string };
    expect(periodDates(custom, londonCustom, NEW_YORK)).toEqual({ start: "2024-07-10", end: "2024-07-24" });
    expect(periodId(custom, londonCustom, NEW_YORK)).toBe("2024-07-10");
  });

  it("a payday month closed in one zone continues in another under the next payday's name", () => {
    const payday = { period: "monthly" as const, monthStartDay: 25 };
    const london = periodContaining(payday, "2024-03-10T12:00:00Z", LONDON) as never as { start: string; end: string };
    const next = nextPeriod(payday, london, "Asia/Tokyo");
    expect(next?.start).toBe(london.end);
    expect(periodId(payday, next as never, "Asia/Tokyo")).toBe("2024-03-25");
  });

  it("refuses a zone that is not IANA", () => {
    expect(() => periodContaining({ period: "monthly" }, "2024-03-01T00:00:00Z", "Mars/Olympus")).toThrow(InvalidTimeZoneError);
  });
});
