import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { earliestDelivery, inWindow } from "../src/schedule";

const at = (iso: string) => DateTime.fromISO(iso, { zone: "utc" });
const london = (quietHours: { start: string; end: string }) => ({ timeZone: "Europe/London", quietHours });
const iso = (r: { at: DateTime }) => r.at.toUTC().toISO();

describe("quiet hours", () => {
  it("a window across midnight holds from its start to its end the next morning", () => {
    const w = { start: "22:00", end: "07:00" };
    const local = (clock: string) => DateTime.fromISO(`2024-03-15T${clock}`, { zone: "Europe/London" });
    expect(["21:59", "22:00", "23:59", "00:00", "06:59", "07:00"].map((t) => inWindow(local(t), w))).toEqual([false, true, true, true, true, false]);
    expect(inWindow(local("12:00"), { start: "09:00", end: "09:00" })).toBe(false);
  });

  it("an alert at 23:30 ends its wait at 07:00 the next local morning", () => {
    const r = earliestDelivery(at("2024-03-15T23:30:00Z"), london({ start: "22:00", end: "07:00" }));
    expect([iso(r), r.reason]).toEqual(["2024-03-16T07:00:00.000Z", "quiet_hours"]);
  });

  it("an alert after midnight waits until 07:00 the same local day", () => {
    expect(iso(earliestDelivery(at("2024-03-16T02:00:00Z"), london({ start: "22:00", end: "07:00" })))).toBe("2024-03-16T07:00:00.000Z");
  });

  it("the night the clocks go forward, 07:00 BST is 06:00 UTC", () => {
    expect(iso(earliestDelivery(at("2024-03-30T23:30:00Z"), london({ start: "22:00", end: "07:00" })))).toBe("2024-03-31T06:00:00.000Z");
  });

  it("the night the clocks go back, 07:00 GMT is 07:00 UTC, and the repeated hour stays quiet", () => {
    // 00:30 UTC on 27 October 2024 is 01:30 BST; 01:30 UTC is 01:30 GMT, the same wall-clock time again.
    expect(iso(earliestDelivery(at("2024-10-27T00:30:00Z"), london({ start: "22:00", end: "07:00" })))).toBe("2024-10-27T07:00:00.000Z");
    expect(iso(earliestDelivery(at("2024-10-27T01:30:00Z"), london({ start: "22:00", end: "07:00" })))).toBe("2024-10-27T07:00:00.000Z");
  });

  it("an end time that the spring-forward gap skips ends when the gap ends", () => {
    // Quiet 23:00–01:30 on 31 March 2024: 01:30 never shows on London clocks; at 01:00 UTC they read 02:00 BST.
    expect(iso(earliestDelivery(at("2024-03-31T00:30:00Z"), london({ start: "23:00", end: "01:30" })))).toBe("2024-03-31T01:00:00.000Z");
  });

  it("outside quiet hours there is no wait", () => {
    const r = earliestDelivery(at("2024-03-15T12:00:00Z"), london({ start: "22:00", end: "07:00" }));
    expect([iso(r), r.reason]).toEqual(["2024-03-15T12:00:00.000Z", undefined]);
  });

  it("combines days, windows and quiet hours: the first instant all of them allow", () => {
    // Friday 22:30 London; allowed Mondays 06:00–09:00; quiet 22:00–07:00 → Monday 07:00 GMT.
    const r = earliestDelivery(at("2024-03-15T22:30:00Z"), {
      timeZone: "Europe/London",
      quietHours: { start: "22:00", end: "07:00" },
      allowedWindow: { start: "06:00", end: "09:00" },
      daysOfWeek: [1],
    });
    expect([iso(r), r.reason]).toEqual(["2024-03-18T07:00:00.000Z", "budget_alert.daysOfWeek"]);
  });
});
