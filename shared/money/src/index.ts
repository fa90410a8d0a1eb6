/**
 * Exact money. Every sum and comparison in the pipeline uses integer minor units (pence);
 * decimals exist only at the edges (TrueLayer's JSON, the app's `amount` field).
 */

/** ISO 4217 minor-unit exponents that differ from 2 (every active currency's, list one; HUF is 2 there). */
const EXPONENTS: Record<string, number> = {
  ...Object.fromEntries(
    ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"].map((c) => [c, 0]),
  ),
  ...Object.fromEntries(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].map((c) => [c, 3])),
  CLF: 4,
  UYW: 4,
  HUF: 2,
};

export class MoneyError extends Error {
  readonly code = "money.invalid_amount";
  constructor(message: string) {
    super(message);
    this.name = "MoneyError";
  }
}

export function minorExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

/**
 * Converts a decimal amount (number or string, as TrueLayer sends either) to integer minor
 * units without going through float arithmetic, so 0.1 + 0.2 style drift cannot happen.
 * Rounds half away from zero past the currency's precision.
 *
 * @example toMinor("-12.345", "GBP") // -1235
 */
export function toMinor(amount: number | string, currency = "GBP"): number {
  const exp = minorExponent(currency);
  // Number → shortest round-tripping decimal string ("0.1", "1e-7"), then exact string maths.
  let text = typeof amount === "number" ? numberToPlain(amount) : amount.trim();
  const match = /^([+-])?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new MoneyError(`not a decimal amount: ${JSON.stringify(amount)}`);
  const negative = match[1] === "-";
  const whole = match[2] || "0";
  const frac = match[3] ?? "";
  const kept = frac.slice(0, exp).padEnd(exp, "0");
  const roundUp = (frac[exp] ?? "0") >= "5";
  text = `${whole}${kept}`;
  let minor = Number(BigInt(text) + (roundUp ? 1n : 0n));
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`amount out of range: ${JSON.stringify(amount)}`);
  if (negative) minor = -minor;
  return minor === 0 ? 0 : minor; // never -0
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError(`not a finite amount: ${n}`);
  const s = String(n);
  if (!/e/i.test(s)) return s;
  // Exponent form (1e-7, 1e21): toFixed(20) is exact enough for anything a bank sends.
  return n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
}

/** Integer minor units back to a decimal number for the app's `amount` field. */
export function fromMinor(minor: number, currency = "GBP"): number {
  assertMinor(minor);
  return Number(formatMinorPlain(minor, currency));
}

/** "-12.30" style, exact; for display and JSON that wants a decimal string. */
export function formatMinorPlain(minor: number, currency = "GBP"): string {
  assertMinor(minor);
  const exp = minorExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

/** "£1,234.50" style for messages to people. */
export function formatMoney(minor: number, currency = "GBP"): string {
  const exp = minorExponent(currency);
  return new Intl.NumberFormat("en-GB", { style: "currency", currency, minimumFractionDigits: exp }).format(Number(formatMinorPlain(minor, currency)));
}

/** Sum of minor-unit integers; throws rather than lose precision. */
export function sumMinor(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) {
    assertMinor(v);
    total += v;
  }
  if (!Number.isSafeInteger(total)) throw new MoneyError("sum out of range");
  return total;
}

function assertMinor(minor: number): void {
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`minor units must be a safe integer, got ${minor}`);
}
