import { describe, expect, it } from "vitest";
import { formatMinorPlain, formatMoney, fromMinor, MoneyError, minorExponent, sumMinor, toMinor } from "../src/index";

describe("toMinor", () => {
  it.each([
    [12.3, "GBP", 1230],
    ["12.30", "GBP", 1230],
    [-0.1, "GBP", -10],
    [0.29, "GBP", 29], // 0.29 * 100 = 28.999999999999996 in float maths
    [1.005, "GBP", 101], // half away from zero, decided on the decimal text
    ["-12.345", "GBP", -1235],
    [1e-7, "GBP", 0],
    ["1500", "JPY", 1500],
    ["1.2345", "KWD", 1235],
    [-0, "GBP", 0],
    ["+4.5", "GBP", 450],
    [".5", "GBP", 50],
  ])("%s %s → %s", (amount, currency, expected) => {
    const minor = toMinor(amount, currency);
    expect(minor).toBe(expected);
    expect(Object.is(minor, -0)).toBe(false);
  });

  it("sums without float drift", () => {
    const amounts = Array.from({ length: 1000 }, () => toMinor(0.1));
    expect(sumMinor(amounts)).toBe(10000);
    expect(toMinor(0.1) + toMinor(0.2)).toBe(toMinor(0.3));
  });

  it.each(["", "abc", "1.2.3", "1,000", "NaN"])("rejects %j", (bad) => {
    expect(() => toMinor(bad)).toThrow(MoneyError);
  });

  it("rejects non-finite numbers and non-integer minor units", () => {
    expect(() => toMinor(Number.POSITIVE_INFINITY)).toThrow(MoneyError);
    expect(() => sumMinor([1, 0.5])).toThrow(MoneyError);
  });
});

describe("minorExponent", () => {
  // ISO 4217's minor units for every active currency whose exponent is not 2.
  const iso: [string, number][] = [
    ...["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"].map((c): [string, number] => [
      c,
      0,
    ]),
    ...["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].map((c): [string, number] => [c, 3]),
    ["CLF", 4],
    ["UYW", 4],
    ["GBP", 2],
    ["EUR", 2],
  ];
  it.each(iso)("%s has %i decimals", (currency, exponent) => {
    expect(minorExponent(currency)).toBe(exponent);
  });

  it("keeps every digit a currency has and invents none", () => {
    expect(toMinor("12.345", "IQD")).toBe(12345);
    expect(toMinor("1.2345", "CLF")).toBe(12345);
    expect(toMinor("1500", "VND")).toBe(1500);
    expect(formatMinorPlain(12345, "IQD")).toBe("12.345");
    expect(formatMoney(1500, "VND")).not.toContain(".00");
  });
});

describe("formatting", () => {
  it("round-trips through fromMinor and formats exactly", () => {
    expect(fromMinor(-1235)).toBe(-12.35);
    expect(formatMinorPlain(5)).toBe("0.05");
    expect(formatMinorPlain(-120000)).toBe("-1200.00");
    expect(formatMinorPlain(1500, "JPY")).toBe("1500");
    expect(formatMoney(123450)).toBe("£1,234.50");
  });
});
