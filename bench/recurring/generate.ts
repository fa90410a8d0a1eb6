/**
 * Seeded, labelled synthetic UK bank histories for the recurring detector: every stream a
 * household has (salary on the last working day, rent, council tax, energy that varies, phone
 * and broadband with April price rises, subscriptions, two subscriptions at one merchant, a
 * weekly cleaner, fortnightly nursery fees, four-weekly wages and child benefit, quarterly water,
 * six-monthly breakdown cover, yearly insurance and TV licence, a cancelled subscription) and
 * heavy noise at everyday shops, with references that change every time.
 */
import { type Day, dayOf, type Frequency, isoDay, isWorkingDay, type RecurringInput, type ShiftPolicy, shiftToWorkingDay } from "@expenzez/recurring";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export interface TruthStream {
  label: string;
  merchant: string;
  frequency: Frequency;
  direction: "debit" | "credit";
  memberIds: string[];
  cancelled: boolean;
  /** The first payment after `asOf` (absent for cancelled streams). */
  nextDate?: string;
  priceChanged: boolean;
}

export interface SyntheticUser {
  userId: string;
  asOf: string;
  transactions: RecurringInput[];
  /** Streams with enough payments in the window to be detectable. */
  truth: TruthStream[];
}

const HISTORY_DAYS = 395;
const FUTURE_DAYS = 120;

class Rng {
  private readonly g;
  constructor(seed: number) {
    this.g = xoroshiro128plus(seed);
  }
  int(min: number, max: number): number {
    return uniformInt(this.g, min, max);
  }
  chance(p: number): boolean {
    return this.int(0, 9999) < p * 10000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  /** A bank reference: letters and digits, at least one digit (as banks print them). */
  ref(length = 7): string {
    const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    const out = Array.from({ length }, () => chars[this.int(0, chars.length - 1)]!);
    out[this.int(0, length - 1)] = String(this.int(0, 9));
    return out.join("");
  }
}

interface Schedule {
  /** Nominal days, in order, over [from, to]. */
  days: (from: Day, to: Day) => Day[];
}

function everyDays(anchor: Day, step: number, policy: ShiftPolicy): Schedule {
  return {
    days: (from, to) => {
      const out: Day[] = [];
      let d = anchor + Math.ceil((from - anchor) / step) * step;
      for (; d <= to; d += step) out.push(shiftToWorkingDay(d, policy));
      return out;
    },
  };
}

function monthsOf(from: Day, to: Day): { y: number; m: number }[] {
  const start = new Date(from * 86_400_000);
  const out: { y: number; m: number }[] = [];
  for (let y = start.getUTCFullYear(), m = start.getUTCMonth(); ; m++) {
    if (m === 12) {
      m = 0;
      y++;
    }
    if (Date.UTC(y, m, 1) / 86_400_000 > to + 31) break;
    out.push({ y, m });
  }
  return out;
}

function monthly(dom: number | "last_working_day", policy: ShiftPolicy, stepMonths = 1, phase = 0): Schedule {
  return {
    days: (from, to) => {
      const out: Day[] = [];
      for (const { y, m } of monthsOf(from - 31, to)) {
        if ((((y * 12 + m - phase) % stepMonths) + stepMonths) % stepMonths !== 0) continue;
        const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
        const nominal = Date.UTC(y, m, dom === "last_working_day" ? last : Math.min(dom, last)) / 86_400_000;
        const d = dom === "last_working_day" ? shiftToWorkingDay(nominal, "previous") : shiftToWorkingDay(nominal, policy);
        if (d >= from && d <= to) out.push(d);
      }
      return out;
    },
  };
}

interface StreamSpec {
  label: string;
  frequency: Frequency;
  direction: "debit" | "credit";
  schedule: Schedule;
  /** Pence for the n-th payment on a day. */
  amount: (day: Day, n: number) => number;
  description: (day: Day, n: number) => string;
  /** Stop after this day (a cancelled subscription). */
  endsAfter?: Day;
  priceChangeOn?: Day;
  /** A bank that books a card payment a day late now and then. */
  lateChance?: number;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const ddmon = (d: Day) => `${isoDay(d).slice(8, 10)} ${MONTHS[Number(isoDay(d).slice(5, 7)) - 1]}`;

/** April: UK phone and broadband contracts rise by a published amount. */
function aprilRise(asOfDay: Day): Day {
  const y = Number(isoDay(asOfDay).slice(0, 4));
  const april = dayOf(`${y}-04-01`);
  return april <= asOfDay - 60 ? april : dayOf(`${y - 1}-04-01`);
}

function specsFor(rng: Rng, from: Day, asOf: Day): StreamSpec[] {
  const specs: StreamSpec[] = [];
  const fixed = (p: number) => () => p;
  const weekdayAnchor = (weekday: number) => {
    let d = from - 14;
    while ((((d + 4) % 7) + 7) % 7 !== weekday) d++;
    return d;
  };
  // Income: a monthly salary on the last working day, or four-weekly wages on a Friday.
  if (rng.chance(0.75)) {
    const pay = rng.int(1800_00, 4200_00);
    const employer = rng.pick(["ACME LTD", "NORTHWIND TRADING", "BRIGHTSIDE NHS TRUST", "KESTREL SYSTEMS LTD"]);
    const rise = rng.chance(0.3) ? asOf - rng.int(60, 200) : undefined;
    // Many employers pay December's salary before Christmas.
    const earlyDecember = rng.chance(0.3);
    const lastWorking = monthly("last_working_day", "previous");
    specs.push({
      label: "salary",
      frequency: "monthly",
      direction: "credit",
      schedule: {
        days: (a, b) =>
          lastWorking
            .days(a, b)
            .map((d) => (earlyDecember && isoDay(d).slice(5, 7) === "12" ? shiftToWorkingDay(dayOf(`${isoDay(d).slice(0, 4)}-12-20`), "previous") : d)),
      },
      amount: (d) => (rise !== undefined && d >= rise ? Math.round(pay * 1.04) : pay),
      description: (d) => `${employer} SALARY ${MONTHS[Number(isoDay(d).slice(5, 7)) - 1]}`,
      priceChangeOn: rise,
    });
  } else {
    const pay = rng.int(1200_00, 1900_00);
    const employer = rng.pick(["TESCO STORES LTD", "ASDA STORES"]);
    specs.push({
      label: "four-weekly wages",
      frequency: "four_weekly",
      direction: "credit",
      schedule: everyDays(weekdayAnchor(5) + 7 * rng.int(0, 3), 28, "previous"),
      amount: fixed(pay),
      description: () => `BGC ${employer} WAGES ${rng.int(100000, 999999)}`,
    });
  }
  // Housing: rent by standing order or a mortgage by direct debit.
  const housing = rng.int(650_00, 1600_00);
  if (rng.chance(0.5)) {
    const landlord = rng.pick(["OAKWOOD LETTINGS", "M PATEL", "FOXTONS"]);
    specs.push({
      label: "rent",
      frequency: "monthly",
      direction: "debit",
      schedule: monthly(1, "next"),
      amount: fixed(housing),
      description: () => `STO ${landlord} REF ${rng.ref(6)}`,
    });
  } else {
    const lender = rng.pick(["NATIONWIDE BS", "HALIFAX", "SANTANDER UK"]);
    specs.push({
      label: "mortgage",
      frequency: "monthly",
      direction: "debit",
      schedule: monthly(rng.int(1, 28), "next"),
      amount: fixed(housing),
      description: () => `DD ${lender} MORTGAGE ${rng.ref(8)}`,
    });
  }
  const council = rng.pick(["LAMBETH", "LEEDS CITY", "BRISTOL CITY", "MANCHESTER CITY"]);
  specs.push({
    label: "council tax",
    frequency: "monthly",
    direction: "debit",
    schedule: monthly(rng.pick([1, 15]), "next"),
    amount: fixed(rng.int(110_00, 240_00)),
    description: () => `DD ${council} COUNCIL TAX ${rng.ref(9)}`,
  });
  // Energy varies with the season around its own level.
  const energy = rng.int(60_00, 160_00);
  const supplier = rng.pick(["OCTOPUS ENERGY", "BRITISH GAS", "EDF ENERGY", "OVO ENERGY"]);
  specs.push({
    label: "energy",
    frequency: "monthly",
    direction: "debit",
    schedule: monthly(rng.int(1, 28), "next"),
    lateChance: 0.05,
    amount: (d) => Math.round(energy * (1 + 0.35 * Math.cos(((d % 365) / 365) * 2 * Math.PI)) * (0.95 + rng.int(0, 10) / 100)),
    description: () => `DD ${supplier} ${rng.ref(10)}`,
  });
  const rise = aprilRise(asOf);
  const mobile = rng.int(12_00, 45_00);
  const network = rng.pick(["VODAFONE LTD", "EE LIMITED", "O2 UK", "THREE"]);
  specs.push({
    label: "mobile",
    frequency: "monthly",
    direction: "debit",
    schedule: monthly(rng.int(1, 28), "next"),
    amount: (d) => (d >= rise ? Math.round(mobile * 1.079) : mobile),
    description: (d) => `DD ${network} ${isoDay(d).replaceAll("-", "")}`,
    priceChangeOn: rise,
  });
  if (rng.chance(0.7)) {
    const bb = rng.int(25_00, 60_00);
    specs.push({
      label: "broadband",
      frequency: "monthly",
      direction: "debit",
      schedule: monthly(rng.int(1, 28), "next"),
      amount: (d) => (d >= rise ? bb + 300 : bb),
      description: () => `DD ${rng.pick(["BT GROUP PLC"])} ${rng.ref(8)}`,
      priceChangeOn: rise,
    });
  }
  // Card subscriptions: no weekend moves, now and then booked a day late.
  const subs: { label: string; pence: number; desc: () => string }[] = [
    { label: "netflix", pence: rng.pick([499, 1099, 1799]), desc: () => "NETFLIX.COM" },
    { label: "spotify", pence: rng.pick([1199, 1799, 599]), desc: () => `SPOTIFY ${rng.ref(7)}` },
    { label: "disney", pence: 799, desc: () => "DISNEY PLUS" },
    { label: "gym", pence: rng.int(20_00, 45_00), desc: () => `PUREGYM LTD ${rng.ref(6)}` },
    { label: "icloud", pence: 99, desc: () => "APPLE.COM/BILL" },
    { label: "apple tv", pence: 899, desc: () => "APPLE.COM/BILL" },
    { label: "prime", pence: 899, desc: () => `AMAZON PRIME*${rng.ref(6)}` },
    { label: "xbox", pence: 1099, desc: () => `MICROSOFT*XBOX ${rng.ref(6)}` },
  ];
  const chosen = subs.filter(() => rng.chance(0.6));
  const cancelledIndex = chosen.length > 2 ? rng.int(0, chosen.length - 1) : -1;
  chosen.forEach((s, i) => {
    const priceRise = s.label === "netflix" || s.label === "spotify" ? (rng.chance(0.5) ? asOf - rng.int(40, 220) : undefined) : undefined;
    specs.push({
      label: s.label,
      frequency: "monthly",
      direction: "debit",
      schedule: monthly(rng.int(1, 31), "none"),
      // Streaming price rises are 10-20%.
      amount: (d) => (priceRise !== undefined && d >= priceRise ? Math.round((s.pence * (110 + (s.pence % 11))) / 100) : s.pence),
      description: s.desc,
      endsAfter: i === cancelledIndex ? asOf - rng.int(70, 200) : undefined,
      priceChangeOn: priceRise,
      lateChance: 0.1,
    });
  });
  if (rng.chance(0.4)) {
    const cleaner = rng.pick(["J SMITH", "MARIA K", "SPARKLE CLEAN"]);
    specs.push({
      label: "cleaner",
      frequency: "weekly",
      direction: "debit",
      schedule: everyDays(weekdayAnchor(rng.int(1, 5)), 7, "next"),
      amount: fixed(rng.pick([40_00, 45_00, 60_00])),
      description: () => `${cleaner} FP ${rng.ref(8)} CLEANING`,
    });
  }
  if (rng.chance(0.3)) {
    specs.push({
      label: "nursery",
      frequency: "fortnightly",
      direction: "debit",
      schedule: everyDays(weekdayAnchor(5) + 7 * rng.int(0, 1), 14, "previous"),
      amount: fixed(rng.int(250_00, 480_00)),
      description: () => `LITTLE ACORNS NURSERY ${rng.ref(5)}`,
    });
  }
  if (rng.chance(0.4)) {
    specs.push({
      label: "child benefit",
      frequency: "four_weekly",
      direction: "credit",
      schedule: everyDays(weekdayAnchor(1) + 7 * rng.int(0, 3), 28, "next"),
      amount: fixed(rng.pick([102_40, 170_20])),
      description: () => "DWP CHB",
    });
  }
  if (rng.chance(0.2)) {
    specs.push({
      label: "rent received",
      frequency: "monthly",
      direction: "credit",
      schedule: monthly(rng.int(1, 28), "next"),
      amount: fixed(rng.int(500_00, 900_00)),
      description: () => `FP T LODGER RENT ${rng.ref(6)}`,
    });
  }
  const water = rng.int(80_00, 140_00);
  const waterCompany = rng.pick(["THAMES WATER", "SEVERN TRENT", "UNITED UTILITIES"]);
  specs.push({
    label: "water",
    frequency: "quarterly",
    direction: "debit",
    schedule: monthly(rng.int(1, 28), "next", 3, rng.int(0, 2)),
    amount: () => water + rng.int(-500, 500),
    description: () => `DD ${waterCompany} ${rng.ref(8)}`,
  });
  if (rng.chance(0.4)) {
    specs.push({
      label: "breakdown cover",
      frequency: "six_monthly",
      direction: "debit",
      schedule: monthly(rng.int(1, 28), "next", 6, rng.int(0, 5)),
      amount: fixed(rng.int(60_00, 120_00)),
      description: () => `DD AA BREAKDOWN ${rng.ref(8)}`,
    });
  }
  // Yearly payments fall in the window's first weeks so that the window holds two.
  const yearlyDay = (offset: number) => {
    const d = isoDay(from + offset);
    return { dom: Number(d.slice(8, 10)), month: Number(d.slice(5, 7)) - 1 };
  };
  for (const [label, desc, pence] of [
    ["tv licence", "TV LICENCE MBP", 169_50],
    ["car insurance", "ADMIRAL INSURANCE", rng.int(400_00, 900_00)],
  ] as const) {
    const { dom, month } = yearlyDay(rng.int(3, 25));
    specs.push({
      label,
      frequency: "yearly",
      direction: "debit",
      schedule: monthly(dom, "next", 12, month),
      amount: fixed(pence),
      description: () => `${desc} ${rng.ref(6)}`,
    });
  }
  return specs;
}

/** Everyday spending: many payments, amounts all over the place, references that change. */
function noise(rng: Rng, from: Day, to: Day, push: (day: Day, pence: number, description: string) => void): void {
  const shops = [
    { desc: () => `TESCO STORES ${rng.int(1000, 9999)} ${rng.pick(["LONDON", "LEEDS", "BRISTOL"])}`, perWeek: 3, min: 3_00, max: 120_00 },
    { desc: () => `SAINSBURYS S/MKT ${rng.int(100, 999)}`, perWeek: 1, min: 5_00, max: 90_00 },
    { desc: () => `PRET A MANGER ${ddmon(from)}`, perWeek: 4, min: 2_50, max: 9_50 },
    { desc: () => `COSTA COFFEE ${rng.int(10000, 99999)}`, perWeek: 2, min: 2_60, max: 7_20 },
    { desc: () => "TFL TRAVEL CH", perWeek: 9, min: 1_75, max: 8_90 },
    { desc: () => `CO-OP GROUP ${rng.int(100000, 999999)}`, perWeek: 3, min: 1_20, max: 25_00 },
    { desc: () => `DELIVEROO ${rng.ref(8)}`, perWeek: 1, min: 12_00, max: 45_00 },
    { desc: () => `AMZNMKTPLACE*${rng.ref(6)}`, perWeek: 1.5, min: 4_00, max: 80_00 },
    { desc: () => `GREGGS ${rng.int(1000, 9999)}`, perWeek: 2, min: 1_50, max: 6_00 },
    { desc: () => `UBER *TRIP ${rng.ref(6)}`, perWeek: 1, min: 6_00, max: 30_00 },
    { desc: () => `THE RED LION ${rng.pick(["BATH", "YORK"])}`, perWeek: 1, min: 8_00, max: 60_00 },
    { desc: () => `BOOTS ${rng.int(1000, 9999)}`, perWeek: 1, min: 2_00, max: 40_00 },
  ];
  for (let d = from; d <= to; d++) {
    const working = isWorkingDay(d);
    for (const s of shops) {
      const p = (s.perWeek / 7) * (working ? 1.15 : 0.6);
      let k = p;
      while (k > 0) {
        if (rng.chance(Math.min(k, 1))) push(d, rng.int(s.min, s.max), s.desc());
        k -= 1;
      }
    }
  }
  const oneOffs = [
    "CURRYS PC WORLD",
    "IKEA WEMBLEY",
    "JOHN LEWIS",
    "ODEON CINEMAS",
    "TRAINLINE",
    "EASYJET",
    "ARGOS",
    "B&Q",
    "HALFORDS",
    "NEXT RETAIL",
    "DECATHLON",
    "WATERSTONES",
    "AIRBNB",
    "VUE CINEMAS",
  ];
  for (let i = 0; i < 40; i++) push(rng.int(from, to), rng.int(5_00, 600_00), `${rng.pick(oneOffs)} ${rng.ref(5)}`);
}

/** One user's history and labels, the same for the same seed. */
export function generateUser(seed: number): SyntheticUser {
  const rng = new Rng(seed);
  const asOf = dayOf("2025-03-31") + rng.int(0, 300);
  const from = asOf - HISTORY_DAYS;
  const userId = `synthetic-${seed}`;
  const transactions: RecurringInput[] = [];
  let n = 0;
  const add = (day: Day, pence: number, description: string, direction: "debit" | "credit"): string => {
    const id = `${userId}-t${++n}`;
    transactions.push({ id, timestamp: `${isoDay(day)}T00:00:00+00:00`, amountMinor: direction === "debit" ? -pence : pence, currency: "GBP", description });
    return id;
  };
  const truth: TruthStream[] = [];
  for (const spec of specsFor(rng, from, asOf)) {
    const ids: string[] = [];
    const amounts = new Set<number>();
    let next: string | undefined;
    spec.schedule.days(from, asOf + FUTURE_DAYS).forEach((nominal, i) => {
      // Now and then the bank books a payment a day or two late.
      const day = spec.lateChance !== undefined && rng.chance(spec.lateChance) ? nominal + rng.int(1, 2) : nominal;
      if (spec.endsAfter !== undefined && day > spec.endsAfter) return;
      if (day > asOf) {
        next ??= isoDay(day);
        return;
      }
      const pence = spec.amount(day, i);
      amounts.add(pence);
      ids.push(add(day, pence, spec.description(day, i), spec.direction));
    });
    const needed = spec.frequency === "weekly" ? 3 : 2;
    if (ids.length < needed) continue;
    truth.push({
      label: spec.label,
      merchant: spec.label,
      frequency: spec.frequency,
      direction: spec.direction,
      memberIds: ids,
      cancelled: spec.endsAfter !== undefined,
      nextDate: spec.endsAfter !== undefined ? undefined : next,
      // Labelled only when the window holds payments at both prices.
      priceChanged: spec.priceChangeOn !== undefined && amounts.size === 2,
    });
  }
  noise(rng, from, asOf, (day, pence, description) => add(day, pence, description, "debit"));
  transactions.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { userId, asOf: isoDay(asOf), transactions, truth };
}
