import { describe, expect, it } from "vitest";
import { syncWindow } from "../src/window";

const now = new Date("2026-11-25T10:00:00Z");

describe("syncWindow", () => {
  it("re-reads 14 days before the last sync (banks backdate bookings by 10)", () => {
    expect(syncWindow({ now, lastSyncAt: "2026-11-24T10:00:00Z", attended: false })).toEqual({
      from: "2026-11-10T10:00:00.000Z",
      to: "2026-11-25T10:00:00.000Z",
    });
  });

  it("asks for 90 days (just inside the limit) on a first sync", () => {
    const { from } = syncWindow({ now, attended: false });
    const days = (now.getTime() - Date.parse(from)) / 86_400_000;
    expect(days).toBeLessThan(90);
    expect(days).toBeGreaterThan(89.9);
  });

  it("never goes past 90 days unattended, even after a long gap (sca_exceeded)", () => {
    const { from } = syncWindow({ now, lastSyncAt: "2026-01-01T00:00:00Z", attended: false });
    expect(now.getTime() - Date.parse(from)).toBeLessThan(90 * 86_400_000);
  });

  it("with the user present, catches up a long gap", () => {
    expect(syncWindow({ now, lastSyncAt: "2026-01-15T00:00:00Z", attended: true }).from).toBe("2026-01-01T00:00:00.000Z");
  });

  it("reaches back to a day before the oldest stored pending transaction, whose booked copy can carry its date", () => {
    expect(syncWindow({ now, lastSyncAt: "2026-11-24T10:00:00Z", oldestPendingAt: "2026-11-01T12:00:00Z", attended: false }).from).toBe(
      "2026-10-31T12:00:00.000Z",
    );
  });

  it("reaches for a pending transaction's booked copy no further than 90 days, even with the user present (a bank's absurd pending date must not make every sync ask for a window it refuses)", () => {
    for (const attended of [true, false]) {
      const { from } = syncWindow({ now, lastSyncAt: "2026-11-24T10:00:00Z", oldestPendingAt: "0000-01-01T00:00:00Z", attended });
      expect(now.getTime() - Date.parse(from)).toBeLessThan(90 * 86_400_000);
      expect(now.getTime() - Date.parse(from)).toBeGreaterThan(89.9 * 86_400_000);
    }
  });

  it("reaches back to a backfill's day, with the user present beyond 90 days, unattended no further than 90", () => {
    const lastSyncAt = "2026-11-24T10:00:00Z";
    expect(syncWindow({ now, lastSyncAt, attended: false, backfillFrom: "2026-10-01" }).from).toBe("2026-10-01T00:00:00.000Z");
    expect(syncWindow({ now, lastSyncAt, attended: true, backfillFrom: "2025-11-01" }).from).toBe("2025-11-01T00:00:00.000Z");
    const unattended = syncWindow({ now, lastSyncAt, attended: false, backfillFrom: "2025-11-01" });
    expect(now.getTime() - Date.parse(unattended.from)).toBeLessThan(90 * 86_400_000);
    expect(now.getTime() - Date.parse(unattended.from)).toBeGreaterThan(89.9 * 86_400_000);
  });
});
