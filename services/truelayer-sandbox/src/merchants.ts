import type { Rng } from "./random";

/** How a card purchase at this merchant behaves between authorisation and settlement. */
export type Settlement =
  | { kind: "plain" }
  /** The booked amount adds a tip to the authorised one (restaurants, taxis). */
  | { kind: "tip"; maxPercent: number }
  /** A pre-authorisation hold that vanishes; the real purchase is a separate transaction. */
  | { kind: "hold"; holdMinor: number };

export interface Merchant {
  name: string;
  classification: [string, string] | [];
  category: "PURCHASE" | "BILL_PAYMENT";
  /** Relative frequency among day-to-day purchases. */
  weight: number;
  minMinor: number;
  maxMinor: number;
  /** The bank's raw description, with the terminal noise real statements carry. */
  describe(r: Rng): string;
  settlement: Settlement;
  /** Also bought with the credit card. */
  onCard: boolean;
}

const TOWNS = ["LONDON", "MANCHESTER", "LEEDS", "BRISTOL", "BIRMINGHAM", "GLASGOW", "CARDIFF", "BRIGHTON", "READING"];
const store = (r: Rng, digits = 4) => String(r.int(1, 10 ** digits - 1)).padStart(digits, "0");
const code = (r: Rng, n: number) => Array.from({ length: n }, () => r.pick([..."ABCDEFGHJKLMNPQRSTUVWXYZ23456789"])).join("");
const town = (r: Rng) => r.pick(TOWNS);

/** Day-to-day UK merchants, with the descriptions banks actually print. */
export const MERCHANTS: readonly Merchant[] = [
  m("Tesco", ["Shopping", "Groceries"], 14, 250, 8500, (r) => `TESCO STORES ${store(r)} ${town(r)}`),
  m("Sainsburys", ["Shopping", "Groceries"], 10, 300, 9500, (r) => `SAINSBURYS S/MKT ${store(r, 3)} ${town(r)} GB`),
  m("Waitrose", ["Shopping", "Groceries"], 4, 500, 12000, (r) => `WAITROSE ${store(r, 3)} ${town(r)}`),
  m("Lidl", ["Shopping", "Groceries"], 6, 300, 6000, (r) => `LIDL GB ${town(r)}`),
  m("Marks & Spencer", ["Shopping", "Groceries"], 4, 350, 4500, (r) => `M&S SIMPLY FOOD - ${town(r)}`),
  m("Pret A Manger", ["Food & Dining", "Coffee shops"], 9, 250, 1200, (r) => `PRET A MANGER ${town(r)} GB CONTACTLESS`),
  m("Costa Coffee", ["Food & Dining", "Coffee shops"], 7, 200, 900, (r) => `COSTA COFFEE ${store(r, 5)} ${town(r)}`),
  m("Coffee Corner", ["Food & Dining", "Coffee shops"], 4, 250, 800, (r) => `SQ *COFFEE CORNER ${town(r)} GB`),
  m("Greggs", ["Food & Dining", "Fast food"], 5, 150, 900, (r) => `GREGGS PLC ${store(r)} ${town(r)}`),
  m("Deliveroo", ["Food & Dining", "Food delivery"], 4, 1200, 4500, () => "DELIVEROO.CO.UK LONDON", { card: true }),
  m("Dishoom", ["Food & Dining", "Restaurants"], 2, 2500, 9000, (r) => `SQ *DISHOOM ${town(r)}`, { settlement: { kind: "tip", maxPercent: 15 } }),
  m("Uber", ["Auto & Transport", "Taxi"], 3, 600, 3500, (r) => `UBER *TRIP ${code(r, 6)} HELP.UBER.COM`, {
    settlement: { kind: "tip", maxPercent: 10 },
    card: true,
  }),
  m("Transport for London", ["Auto & Transport", "Public transport"], 10, 175, 1600, () => "TFL TRAVEL CH TFL.GOV.UK/CP"),
  m("Trainline", ["Travel", "Trains"], 2, 900, 12000, (r) => `TRAINLINE.COM ${code(r, 8)}`, { card: true }),
  m("Shell", ["Auto & Transport", "Fuel"], 3, 2500, 8000, (r) => `SHELL ${r.pick(["KINGSTON", "HENDON", "A40"])} ${store(r, 4)}`, {
    settlement: { kind: "hold", holdMinor: 9900 },
  }),
  m("eBay", ["Shopping", "General"], 2, 500, 9000, (r) => `PAYPAL *EBAY ${code(r, 5)} 35314369001`, { card: true }),
  m("Amazon", ["Shopping", "General"], 6, 399, 7500, (r) => `AMZNMKTPLACE*${code(r, 9)} AMAZON.CO.UK`, { card: true }),
  m("Argos", ["Shopping", "Electronics"], 1, 1500, 20000, (r) => `ARGOS LTD ${store(r)}`, { card: true }),
  m("Boots", ["Health & Fitness", "Pharmacy"], 3, 300, 4000, (r) => `BOOTS ${store(r)} ${town(r)}`),
  m("Premier Inn", ["Travel", "Hotels"], 1, 6000, 18000, (r) => `PREMIER INN ${town(r)} ${store(r, 5)}`, {
    settlement: { kind: "hold", holdMinor: 15000 },
    card: true,
  }),
  m("Etsy", ["Gifts & Donations", "Gifts"], 1, 800, 6000, (r) => `PAYPAL *ETSY ${code(r, 4)}`, { card: true }),
  m("Ticketmaster", ["Entertainment", "Events"], 1, 2500, 15000, (r) => `TICKETMASTER UK ${code(r, 6)}`, { card: true }),
];

/** A bill or subscription with a price history: `prices` apply from their `from` day on. */
export interface Recurring {
  name: string;
  description: string;
  dueDay: number;
  category: "DIRECT_DEBIT" | "STANDING_ORDER" | "PURCHASE" | "BILL_PAYMENT";
  classification: [string, string] | [];
  prices: ReadonlyArray<{ from: string; minor: number }>;
  /** Months (1–12) it is paid in; all when absent. */
  months?: readonly number[];
  onCard?: boolean;
}

export const SUBSCRIPTIONS: readonly Recurring[] = [
  {
    name: "Netflix",
    description: "NETFLIX.COM 866-579-7172",
    dueDay: 9,
    category: "PURCHASE",
    classification: ["Entertainment", "Movies & DVDs"],
    prices: [
      { from: "2000-01-01", minor: 1099 },
      { from: "2023-10-01", minor: 1299 },
      { from: "2025-04-01", minor: 1499 },
    ],
    onCard: true,
  },
  {
    name: "Spotify",
    description: "SPOTIFY P2A3B4C5D6",
    dueDay: 14,
    category: "PURCHASE",
    classification: ["Entertainment", "Music"],
    prices: [
      { from: "2000-01-01", minor: 999 },
      { from: "2023-07-01", minor: 1099 },
      { from: "2024-05-01", minor: 1199 },
    ],
    onCard: true,
  },
  {
    name: "Amazon Prime",
    description: "AMAZON PRIME*2K4L81 AMZN.CO.UK/PM",
    dueDay: 21,
    category: "PURCHASE",
    classification: ["Shopping", "General"],
    prices: [{ from: "2000-01-01", minor: 899 }],
    onCard: true,
  },
  {
    name: "Apple",
    description: "APPLE.COM/BILL ITUNES.COM",
    dueDay: 3,
    category: "PURCHASE",
    classification: ["Entertainment", "Apps"],
    prices: [
      { from: "2000-01-01", minor: 249 },
      { from: "2024-01-01", minor: 299 },
    ],
    onCard: true,
  },
];

export const BILLS: readonly Recurring[] = [
  {
    name: "British Gas",
    description: "BRITISH GAS",
    dueDay: 5,
    category: "DIRECT_DEBIT",
    classification: ["Bills and Utilities", "Gas"],
    prices: [
      { from: "2000-01-01", minor: 8200 },
      { from: "2022-10-01", minor: 14500 },
      { from: "2023-07-01", minor: 11200 },
    ],
  },
  {
    name: "Thames Water",
    description: "THAMES WATER",
    dueDay: 12,
    category: "DIRECT_DEBIT",
    classification: ["Bills and Utilities", "Water"],
    prices: [
      { from: "2000-01-01", minor: 3400 },
      { from: "2025-04-01", minor: 4100 },
    ],
  },
  {
    name: "EE",
    description: "EE LIMITED",
    dueDay: 18,
    category: "DIRECT_DEBIT",
    classification: ["Bills and Utilities", "Mobile phone"],
    prices: [
      { from: "2000-01-01", minor: 2500 },
      { from: "2024-04-01", minor: 2700 },
    ],
  },
  {
    name: "Virgin Media",
    description: "VIRGIN MEDIA PYMTS",
    dueDay: 23,
    category: "DIRECT_DEBIT",
    classification: ["Bills and Utilities", "Internet"],
    prices: [{ from: "2000-01-01", minor: 4650 }],
  },
  {
    name: "PureGym",
    description: "PUREGYM LTD",
    dueDay: 1,
    category: "DIRECT_DEBIT",
    classification: ["Health & Fitness", "Gym"],
    prices: [
      { from: "2000-01-01", minor: 2199 },
      { from: "2024-09-01", minor: 2499 },
    ],
  },
  {
    name: "Council Tax",
    description: "LB HACKNEY CTAX",
    dueDay: 15,
    category: "DIRECT_DEBIT",
    classification: ["Taxes", "Council tax"],
    prices: [
      { from: "2000-01-01", minor: 14300 },
      { from: "2024-04-01", minor: 15000 },
      { from: "2025-04-01", minor: 15700 },
    ],
    // Ten instalments, April to January: February and March are free.
    months: [1, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  },
];

/** The price of a recurring payment on `day`. */
export function priceOn(recurring: Recurring, day: string): number {
  let minor = recurring.prices[0]!.minor;
  for (const price of recurring.prices) if (price.from <= day) minor = price.minor;
  return minor;
}

export const EMPLOYERS = ["ACME LTD", "NORTHWIND TRADERS", "GLOBEX UK", "INITECH LTD", "STARK INDUSTRIES UK"];
export const LANDLORDS = ["FOXTONS LETTINGS", "J SMITH", "OPENRENT", "HAMPTONS LET", "M PATEL"];

function m(
  name: string,
  classification: [string, string],
  weight: number,
  minMinor: number,
  maxMinor: number,
  describe: (r: Rng) => string,
  options: { settlement?: Settlement; card?: boolean } = {},
): Merchant {
  return {
    name,
    classification,
    category: "PURCHASE",
    weight,
    minMinor,
    maxMinor,
    describe,
    settlement: options.settlement ?? { kind: "plain" },
    onCard: options.card ?? false,
  };
}

/** Picks a merchant by weight. */
export function pickMerchant(r: Rng, merchants: readonly Merchant[]): Merchant {
  const total = merchants.reduce((sum, x) => sum + x.weight, 0);
  let roll = r.next() * total;
  for (const merchant of merchants) {
    roll -= merchant.weight;
    if (roll < 0) return merchant;
  }
  return merchants[merchants.length - 1]!;
}
