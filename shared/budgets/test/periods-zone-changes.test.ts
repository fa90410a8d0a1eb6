import { seededRandom } from "@expenzez/common";
import { describe, expect, it } from "vitest";
import { type BudgetPeriod, nextPeriod, type PeriodSpec, periodContaining, periodDates, periodId, periodsOverlapping } from "../src";

// Random walks of roll-overs in which the user's zone may change before each close: the chain of
// periods must stay contiguous, of a sane length, sanely named, dated as named, and (in one
// zone) plain calendar periods. Seeded, so a failure repeats; the seed and the walk are in the
// message. 40 walks of 12 closes by default (about 1.2 s of CPU, 30 ms a walk; at load 30 on two
// cores that was 10 s of wall time, so the walk has its own timeout); BUDGET_PERIOD_WALKS=1500
// for a long run (48 s of CPU).

const ZONES = [
  "Europe/London",
  "America/New_York",
  "Pacific/Auckland",
  "Asia/Kolkata",
  "America/Sao_Paulo", // skipped midnights until 2019
  "America/Los_Angeles",
  "Asia/Tokyo",
  "UTC",
  "Pacific/Chatham", // +12:45/+13:45
];

const DAY = 86_400_000;
// No two of these zones are more than 23 h apart, so a period cut in one zone and ended at the
// next zone's boundary is at most a day shorter or longer than a calendar one.
const LENGTH_DAYS: Record<string, [number, number]> = {
  weekly: [6, 8],
  monthly: [27, 32], // 28-day February, less under a day
  quarterly: [89, 93],
  yearly: [364, 367],
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomSpec(random: () => number): PeriodSpec {
  const kind = pick(random, ["weekly", "monthly", "payday", "quarterly", "yearly"] as const);
  if (kind === "payday") return { period: "monthly", monthStartDay: 1 + Math.floor(random() * 31) };
  return { period: kind };
}

/** The zone's period that overlaps `period` the most: the name a reader expects. */
function mostOverlapped(spec: PeriodSpec, period: BudgetPeriod, zone: string): { period: BudgetPeriod; share: number } {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  let best = { period, share: 0 };
  for (const candidate of periodsOverlapping(spec, { from: period.start, to: period.end }, zone)) {
    const overlap = Math.min(end, Date.parse(candidate.end)) - Math.max(start, Date.parse(candidate.start));
    if (overlap / (end - start) > best.share) best = { period: candidate, share: overlap / (end - start) };
  }
  return best;
}

function addDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
}

interface Chain {
  spec: PeriodSpec;
  /** The open period and the zone it was cut in. */
  period: BudgetPeriod;
  zone: string;
  previousId?: string;
  walk: string[];
}

/** Closes the chain's open period in `closingZone` as a roll-over would, checking each property. */
function closeAndCheck(chain: Chain, closingZone: string): void {
  const { spec, period, zone } = chain;
  const [minDays, maxDays] = LENGTH_DAYS[spec.period] as [number, number];
  const next = nextPeriod(spec, period, closingZone) as BudgetPeriod;
  // closeCurrentPeriod names the closed period in the zone it closes in.
  const id = periodId(spec, period, closingZone);
  chain.walk.push(`close ${id} [${period.start}, ${period.end}) in ${closingZone} -> [${next.start}, ${next.end})`);
  const why = chain.walk.join("\n");

  expect(next.start, `contiguous: ${why}`).toBe(new Date(Date.parse(period.end)).toISOString());
  const days = (Date.parse(next.end) - Date.parse(next.start)) / DAY;
  expect(days, `length of the next period: ${why}`).toBeGreaterThanOrEqual(minDays);
  expect(days, `length of the next period: ${why}`).toBeLessThanOrEqual(maxDays);
  expect(periodContaining(spec, next.end, closingZone)?.start, `next ends at a boundary of its zone: ${why}`).toBe(next.end);
  if (closingZone === zone) expect(next, `one zone, plain calendar period: ${why}`).toEqual(periodContaining(spec, period.end, zone));

  // Named by the closing zone's period it mostly covers; names only grow along the chain.
  const named = mostOverlapped(spec, period, closingZone);
  expect(named.share, `mostly one period of the closing zone: ${why}`).toBeGreaterThan(0.5);
  expect(id, `named by the period it mostly covers: ${why}`).toBe(periodId(spec, named.period, closingZone));
  if (chain.previousId !== undefined) expect(id > chain.previousId, `names strictly increase (${chain.previousId} then ${id}): ${why}`).toBe(true);

  // Events carry local dates in the zone of the moment: those of the calendar period the closed
  // one mostly covers, the one its name says (after a move west its own first and last day read
  // a day early); the closed period's and the next's meet.
  const closedDates = periodDates(spec, period, closingZone);
  const nextDates = periodDates(spec, next, closingZone);
  expect(closedDates, `dates of the period it mostly covers: ${why}`).toEqual(periodDates(spec, named.period, closingZone));
  if (spec.period === "monthly" && (spec.monthStartDay ?? 1) === 1) expect(closedDates.start.slice(0, 7), `dates in the named month: ${why}`).toBe(id);
  expect(closedDates.start <= closedDates.end && nextDates.start <= nextDates.end, `dates in order: ${why}`).toBe(true);
  expect(addDay(closedDates.end), `event dates meet: ${why}`).toBe(nextDates.start);

  Object.assign(chain, { period: next, zone: closingZone, previousId: id });
}

function chainFrom(spec: PeriodSpec, instant: Date | string, zone: string, label: string): Chain {
  const period = periodContaining(spec, instant, zone) as BudgetPeriod;
  return { spec, period, zone, walk: [`${label}: ${JSON.stringify(spec)} from ${period.start} in ${zone}`] };
}

describe("a budget's periods while the user's zone changes", () => {
  it("chain without overlap or gap, last about a calendar period, are named in order, and in one zone are plain calendar periods", () => {
    const WALKS = Number(process.env.BUDGET_PERIOD_WALKS ?? 40);
    const STEPS = 12;
    for (let seed = 1; seed <= WALKS; seed++) {
      const random = seededRandom(seed);
      const spec = randomSpec(random);
      const from = Date.UTC(2016, 0, 1) + Math.floor(random() * 14 * 365) * DAY + Math.floor(random() * DAY);
      const chain = chainFrom(spec, new Date(from), pick(random, ZONES), `seed ${seed}`);
      // Half the closes happen in the zone the period was cut in, the rest after a move.
      for (let step = 0; step < STEPS; step++) closeAndCheck(chain, random() < 0.5 ? chain.zone : pick(random, ZONES));
    }
  }, 120_000);

  it("holds across DST changes, São Paulo's skipped midnights and Chatham's 45-minute offset", () => {
    // São Paulo skipped midnight on Sunday 4 November 2018 (a payday-4 month starts at 01:00);
    // London and New York change clocks on different Sundays in March.
    const moves = ["America/Sao_Paulo", "Europe/London", "America/Sao_Paulo", "Pacific/Chatham", "America/Los_Angeles", "America/Sao_Paulo"];
    for (const spec of [{ period: "monthly", monthStartDay: 4 }, { period: "weekly" }, { period: "monthly" }] as const) {
      const chain = chainFrom(spec, "2018-09-20T12:00:00Z", "Europe/London", "São Paulo 2018");
      for (const zone of moves) closeAndCheck(chain, zone);
    }
    const spring = chainFrom({ period: "weekly" }, "2024-03-01T12:00:00Z", "America/New_York", "March 2024");
    for (const zone of ["America/New_York", "Europe/London", "Europe/London", "America/New_York", "Europe/London", "America/New_York"])
      closeAndCheck(spring, zone);
  });
});
