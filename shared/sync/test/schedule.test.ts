import { describe, expect, it } from "vitest";
import { nextSyncAt } from "../src/index";

const at = (iso: string) => new Date(iso);

describe("nextSyncAt", () => {
  it("schedules one interval (6 h) later, jittered by at most ±30 min", () => {
    const now = at("2026-11-25T06:00:00Z");
    expect(nextSyncAt({ now, unattendedToday: 1, random: () => 0.5 }).toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(nextSyncAt({ now, unattendedToday: 1, random: () => 0 }).toISOString()).toBe("2026-11-25T11:30:00.000Z");
    expect(nextSyncAt({ now, unattendedToday: 1, random: () => 0.999999 }).getTime()).toBeLessThan(at("2026-11-25T12:30:00Z").getTime());
  });

  it("never makes a fifth unattended refresh in a UTC day: moves to the next day's first slot", () => {
    const now = at("2026-11-25T14:00:00Z");
    const next = nextSyncAt({ now, unattendedToday: 4, random: () => 0.5 });
    expect(next.toISOString()).toBe("2026-11-26T00:15:00.000Z");
  });

  it("keeps the plain interval when it already lands in tomorrow", () => {
    const now = at("2026-11-25T20:00:00Z");
    expect(nextSyncAt({ now, unattendedToday: 4, random: () => 0.5 }).toISOString()).toBe("2026-11-26T02:00:00.000Z");
  });
});
