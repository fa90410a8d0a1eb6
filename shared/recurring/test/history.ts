import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RecurringInput } from "../src";

let counter = 0;

/** One transaction on a day; pounds negative for money out. */
export function tx(date: string, pounds: number, description: string, id = `t${++counter}`): RecurringInput {
  return { id, timestamp: `${date}T00:00:00+00:00`, amountMinor: Math.round(pounds * 100), currency: "GBP", description };
}

/** Dates every `days` days from `start` (inclusive), `count` of them. */
export function everyDays(start: string, days: number, count: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(t0 + i * days * 86_400_000).toISOString().slice(0, 10));
}

/** Day `dom` of `count` consecutive months from `start` (YYYY-MM), clamped to the month's end. */
export function monthly(start: string, dom: number, count: number, stepMonths = 1): string[] {
  const [y, m] = start.split("-").map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const month0 = m - 1 + i * stepMonths;
    const last = new Date(Date.UTC(y, month0 + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, month0, Math.min(dom, last))).toISOString().slice(0, 10);
  });
}

/** Seeded noise: `count` payments at a shop on random days of 2024 with random amounts in [min, max] pounds. */
export function shopNoise(seed: number, description: string, count: number, minPounds: number, maxPounds: number): RecurringInput[] {
  const rng = xoroshiro128plus(seed);
  return Array.from({ length: count }, () => {
    const day = uniformInt(rng, 0, 365);
    const pence = uniformInt(rng, minPounds * 100, maxPounds * 100);
    const date = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
    return tx(date, -pence / 100, `${description} ${uniformInt(rng, 1000, 9999)}`);
  });
}
