import { describe, expect, it } from "vitest";
import { detectStreams, reconcileStreamIds } from "../src";
import { monthly, shopNoise, tx } from "./history";

describe("reconcileStreamIds", () => {
  it("gives each of two streams at one merchant back its own known id", () => {
    const small = monthly("2024-01", 3, 6).map((d, i) => tx(d, -0.99, "APPLE.COM/BILL", `s${i}`));
    const large = monthly("2024-01", 21, 6).map((d, i) => tx(d, -2.99, "APPLE.COM/BILL", `l${i}`));
    const detected = detectStreams([...small, ...large], { asOf: "2024-07-01" });
    const known = [
      { streamId: "known-large", merchantKey: "apple", direction: "debit" as const, transactionIds: ["l0", "l1", "l2"] },
      { streamId: "known-small", merchantKey: "apple", direction: "debit" as const, transactionIds: ["s1", "s2"] },
    ];
    const kept = reconcileStreamIds(known, detected);
    expect(kept.map((s) => [s.usualAmountMinor, s.streamId]).sort()).toEqual([
      [299, "known-large"],
      [99, "known-small"],
    ]);
  });

  it("keeps a new stream's own id when no known stream shares a payment", () => {
    const detected = detectStreams(
      monthly("2024-01", 9, 4).map((d) => tx(d, -5, "NOW TV")),
      { asOf: "2024-04-20" },
    );
    expect(reconcileStreamIds([{ streamId: "other", merchantKey: "now tv", direction: "debit", transactionIds: ["x"] }], detected)[0]!.streamId).toBe(
      detected[0]!.streamId,
    );
  });
});

describe("busy merchants", () => {
  it("reports a long cancelled subscription among a shop's purchases as tombstoned, and drops a short one", () => {
    const noise = shopNoise(9, "AMAZON PRIME", 50, 20, 60);
    const long = monthly("2024-01", 14, 6).map((d) => tx(d, -8.99, "AMAZON PRIME"));
    const short = monthly("2024-01", 14, 4).map((d) => tx(d, -8.99, "AMAZON PRIME"));
    expect(detectStreams([...noise, ...long], { asOf: "2024-12-31" }).map((s) => [s.usualAmountMinor, s.status])).toEqual([[899, "tombstoned"]]);
    expect(detectStreams([...noise, ...short], { asOf: "2024-12-31" })).toEqual([]);
  });
});
