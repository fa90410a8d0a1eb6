import { describe, expect, it } from "vitest";
import { detectStreams } from "../src";
import { everyDays, monthly, tx } from "./history";

describe("detectStreams finds each cadence", () => {
  it("finds a weekly cleaner paid every Monday, a bank-holiday Monday paid on the Tuesday", () => {
    const dates = everyDays("2024-04-01", 7, 10).map((d) => (d === "2024-05-06" ? "2024-05-07" : d));
    // Easter Monday 2024-04-01 is a bank holiday too: that one is paid on Tuesday 2nd.
    dates[0] = "2024-04-02";
    const history = dates.map((d, i) => tx(d, -40, `J SMITH CLEANING FP ${1000 + i}`));
    const [stream, ...rest] = detectStreams(history, { asOf: "2024-06-04" });
    expect(rest).toEqual([]);
    expect(stream).toMatchObject({
      frequency: "weekly",
      status: "mature",
      direction: "debit",
      occurrences: 10,
      nextExpected: "2024-06-10",
      amountKind: "fixed",
    });
  });

  it("finds fortnightly nursery fees", () => {
    const history = everyDays("2024-01-05", 14, 12).map((d) => tx(d, -312.5, "LITTLE ACORNS NURSERY"));
    const [stream] = detectStreams(history, { asOf: "2024-06-10" });
    expect(stream).toMatchObject({ frequency: "fortnightly", status: "mature", nextExpected: "2024-06-21", usualAmountMinor: 31250 });
  });

  it("finds four-weekly wages as an income, not a monthly one", () => {
    const history = everyDays("2024-01-05", 28, 8).map((d) => tx(d, 1650, "BGC ACME RETAIL WAGES"));
    const [stream] = detectStreams(history, { asOf: "2024-08-01" });
    expect(stream).toMatchObject({ frequency: "four_weekly", direction: "credit", status: "mature", nextExpected: "2024-08-16" });
  });

  it("finds a card subscription on a fixed day that does not move at weekends", () => {
    const history = monthly("2024-01", 15, 6).map((d, i) => tx(d, -10.99, `NETFLIX.COM ${i}`));
    const [stream] = detectStreams(history, { asOf: "2024-07-01" });
    expect(stream).toMatchObject({ frequency: "monthly", status: "mature", nextExpected: "2024-07-15" });
  });

  it("finds a salary paid on the last working day and predicts the next one", () => {
    // 2024: Good Friday 29 March moves March's to Thursday 28th; 30-31 Aug are Fri/Sat.
    const paid = ["2024-01-31", "2024-02-29", "2024-03-28", "2024-04-30", "2024-05-31", "2024-06-28", "2024-07-31", "2024-08-30", "2024-09-30", "2024-10-31"];
    const history = paid.map((d) => tx(d, 2450.17, "ACME LTD SALARY"));
    const [stream] = detectStreams(history, { asOf: "2024-11-05" });
    expect(stream).toMatchObject({ frequency: "monthly", direction: "credit", status: "mature", nextExpected: "2024-11-29" });
  });

  it("finds rent on the 1st moved to the next working day by weekends and New Year's Day", () => {
    const paid = ["2024-07-01", "2024-08-01", "2024-09-02", "2024-10-01", "2024-11-01", "2024-12-02"];
    const history = paid.map((d, i) => tx(d, -950, `STO OAKWOOD LETTINGS REF ${i}`));
    const [stream] = detectStreams(history, { asOf: "2024-12-20" });
    // 1 January 2025 is a bank holiday: the standing order goes on Thursday the 2nd.
    expect(stream).toMatchObject({ frequency: "monthly", status: "mature", nextExpected: "2025-01-02", window: { from: "2024-12-29", to: "2025-01-06" } });
  });

  it("finds quarterly water bills", () => {
    const history = monthly("2023-07", 10, 5, 3).map((d) => tx(d, -98.4, "THAMES WATER"));
    const [stream] = detectStreams(history, { asOf: "2024-08-01" });
    expect(stream).toMatchObject({ frequency: "quarterly", status: "mature", occurrences: 5 });
  });

  it("finds a six-monthly payment", () => {
    const history = monthly("2023-03", 20, 3, 6).map((d) => tx(d, -180, "AA BREAKDOWN COVER"));
    const [stream] = detectStreams(history, { asOf: "2024-04-01" });
    expect(stream).toMatchObject({ frequency: "six_monthly", status: "mature", occurrences: 3 });
  });

  it("calls a yearly payment mature after two years", () => {
    const history = [tx("2023-05-02", -169.5, "TV LICENCE MBP"), tx("2024-05-01", -169.5, "TV LICENCE MBP")];
    const [stream] = detectStreams(history, { asOf: "2024-06-01" });
    expect(stream).toMatchObject({ frequency: "yearly", status: "mature", occurrences: 2 });
    expect(stream!.nextExpected.slice(0, 7)).toBe("2025-05");
  });

  it("calls a monthly stream early after two payments", () => {
    const history = [tx("2024-04-03", -29, "PUREGYM"), tx("2024-05-03", -29, "PUREGYM")];
    expect(detectStreams(history, { asOf: "2024-05-10" })).toMatchObject([{ status: "early", frequency: "monthly", nextExpected: "2024-06-03" }]);
  });
});

describe("detectStreams with real-world wrinkles", () => {
  it("keeps a salary paid early before Christmas in its stream and predicts January's on the last working day", () => {
    const paid = ["2024-07-31", "2024-08-30", "2024-09-30", "2024-10-31", "2024-11-29", "2024-12-20"];
    const history = paid.map((d) => tx(d, 2450.17, "ACME LTD SALARY"));
    const [stream] = detectStreams(history, { asOf: "2025-01-05" });
    expect(stream).toMatchObject({ frequency: "monthly", status: "mature", nextExpected: "2025-01-31" });
  });

  it("keeps a card subscription that the bank books a day or two late now and then", () => {
    const booked = ["2024-01-15", "2024-02-16", "2024-03-15", "2024-04-15", "2024-05-17", "2024-06-15"];
    const history = booked.map((d) => tx(d, -7.99, "DISNEY PLUS"));
    const [stream] = detectStreams(history, { asOf: "2024-07-01" });
    expect(stream).toMatchObject({ frequency: "monthly", status: "mature", occurrences: 6, nextExpected: "2024-07-15" });
  });
});
