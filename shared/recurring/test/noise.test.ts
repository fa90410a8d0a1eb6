import { describe, expect, it } from "vitest";
import { detectStreams, reconcileStreamIds } from "../src";
import { monthly, shopNoise, tx } from "./history";

describe("detectStreams keeps streams whole and noise out", () => {
  it("keeps varying energy bills in one stream", () => {
    const bills = [142.1, 131.75, 118.2, 96.4, 81.3, 74.9, 70.15, 76.8, 88.45, 104.6, 121.3, 139.9];
    const history = monthly("2024-01", 18, 12).map((d, i) => tx(d, -bills[i]!, "DD OCTOPUS ENERGY"));
    const streams = detectStreams(history, { asOf: "2024-12-28" });
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ frequency: "monthly", amountKind: "varying", occurrences: 12 });
    expect(streams[0]!.priceChange).toBeUndefined();
  });

  it("reports a price rise with the old and new amount and the first payment at the new price", () => {
    const dates = monthly("2024-01", 9, 10);
    const history = dates.map((d, i) => tx(d, i < 7 ? -10.99 : -12.99, "NETFLIX.COM", `n${i}`));
    const [stream, ...rest] = detectStreams(history, { asOf: "2024-10-20" });
    expect(rest).toEqual([]);
    expect(stream).toMatchObject({
      amountKind: "changed",
      usualAmountMinor: 1299,
      lastAmountMinor: 1299,
      priceChange: { previousAmountMinor: 1099, newAmountMinor: 1299, transactionId: "n7", date: "2024-08-09" },
    });
  });

  it("splits two subscriptions at one merchant by price", () => {
    const small = monthly("2024-01", 3, 8).map((d) => tx(d, -0.99, "APPLE.COM/BILL"));
    const large = monthly("2024-01", 21, 8).map((d) => tx(d, -2.99, "APPLE.COM/BILL"));
    const streams = detectStreams([...small, ...large], { asOf: "2024-09-01" });
    expect(streams.map((s) => s.usualAmountMinor).sort((a, b) => a - b)).toEqual([99, 299]);
  });

  it("splits two same-day subscriptions at one merchant whose prices are close", () => {
    const a = monthly("2024-01", 12, 6).map((d) => tx(d, -7.99, "GOOGLE *YOUTUBE"));
    const b = monthly("2024-01", 12, 6).map((d) => tx(d, -8.99, "GOOGLE *YOUTUBE"));
    const streams = detectStreams([...a, ...b], { asOf: "2024-06-20" });
    expect(streams.map((s) => s.usualAmountMinor).sort((x, y) => x - y)).toEqual([799, 899]);
  });

  it("does not split a stream whose reference changes every time", () => {
    const refs = ["P1A2B3C", "Q9Z8Y7X", "K4J5H6G", "M1N2B3V", "L0P9O8I"];
    const history = monthly("2024-02", 27, 5).map((d, i) => tx(d, -11.99, `SPOTIFY ${refs[i]}`));
    history.push(...monthly("2024-02", 4, 5).map((d, i) => tx(d, -35, `VODAFONE LTD ${d.replaceAll("-", "")} REF ${i}`)));
    const streams = detectStreams(history, { asOf: "2024-07-01" });
    expect(streams.map((s) => [s.merchant, s.occurrences])).toEqual([
      ["Spotify", 5],
      ["Vodafone", 5],
    ]);
  });

  it("finds no stream in one-off purchases", () => {
    const history = [
      tx("2024-01-12", -499, "CURRYS PC WORLD"),
      tx("2024-03-02", -64.2, "IKEA WEMBLEY"),
      tx("2024-05-19", -18, "ODEON CINEMAS"),
      tx("2024-06-19", -23.5, "ODEON CINEMAS"),
    ];
    expect(detectStreams(history, { asOf: "2024-07-01" })).toEqual([]);
  });

  it("finds no stream in heavy noise at everyday shops", () => {
    const history = [...shopNoise(1, "TESCO STORES", 160, 3, 90), ...shopNoise(2, "PRET A MANGER", 120, 3, 9), ...shopNoise(3, "TFL TRAVEL CH", 200, 2, 8)];
    expect(detectStreams(history, { asOf: "2024-12-31" })).toEqual([]);
  });

  it("finds a subscription inside a busy merchant's noise", () => {
    const prime = monthly("2024-01", 14, 12).map((d) => tx(d, -8.99, "AMAZON PRIME*2K4L55"));
    const shopping = shopNoise(4, "AMZNMKTPLACE", 60, 4, 60);
    const streams = detectStreams([...prime, ...shopping], { asOf: "2024-12-20" });
    expect(streams).toHaveLength(1);
    expect(streams[0]).toMatchObject({ frequency: "monthly", usualAmountMinor: 899, occurrences: 12 });
  });

  it("reports a cancelled subscription as tombstoned, not active", () => {
    const history = monthly("2024-01", 5, 5).map((d) => tx(d, -6.99, "DISNEY PLUS"));
    const [stream] = detectStreams(history, { asOf: "2024-09-30" });
    expect(stream).toMatchObject({ status: "tombstoned", nextExpected: "2024-06-05", occurrences: 5 });
  });

  it("finds incomes: benefits every four weeks and rent received monthly", () => {
    const history = [
      ...["2024-01-08", "2024-02-05", "2024-03-04", "2024-04-02", "2024-04-29", "2024-05-28"].map((d) => tx(d, 344.6, "DWP CHB")),
      ...monthly("2024-01", 15, 6).map((d) => tx(d, 725, "FP J BLOGGS RENT")),
    ];
    const streams = detectStreams(history, { asOf: "2024-06-20" });
    expect(streams.map((s) => [s.direction, s.frequency])).toEqual([
      ["credit", "four_weekly"],
      ["credit", "monthly"],
    ]);
  });

  it("gives a regular stream more confidence than a ragged one", () => {
    const regular = monthly("2024-01", 10, 8).map((d) => tx(d, -20, "GYM ONE"));
    const ragged = ["2024-01-10", "2024-02-13", "2024-03-08", "2024-04-13", "2024-05-07", "2024-06-13", "2024-07-09", "2024-08-13"].map((d, i) =>
      tx(d, -(20 + i * 3), "GYM TWO"),
    );
    const [one, two] = detectStreams([...regular, ...ragged], { asOf: "2024-08-20" });
    expect(one!.confidence).toBeGreaterThan(two!.confidence);
  });

  it("keeps a stream's id once its first payment leaves the look-back window", () => {
    const history = monthly("2023-01", 10, 20).map((d, i) => tx(d, -20, "GYM ONE", `g${i}`));
    const [before] = detectStreams(history.slice(0, 12), { asOf: "2023-12-20" });
    const [after] = detectStreams(history, { asOf: "2024-08-20" });
    expect(after!.streamId).not.toBe(before!.streamId);
    const [kept] = reconcileStreamIds([before!], [after!]);
    expect(kept!.streamId).toBe(before!.streamId);
  });
});
