/**
 * The category tree. Primaries are fixed (the app's budgets and the seed data use them);
 * secondaries refine them and always read `<primary>/<name>`.
 */
export const TAXONOMY = {
  income: ["salary", "benefits", "pension", "interest", "refunds", "other_income"],
  transfers: ["own_accounts", "to_people", "from_people", "credit_card_payment"],
  // `council_tax` under housing is kept valid for stored choices and rules made before council tax
  // moved to bills_and_utilities (as UK money apps file it); the categoriser no longer gives it.
  housing: ["rent", "mortgage", "council_tax", "maintenance", "home_improvement"],
  bills_and_utilities: ["energy", "water", "council_tax", "mobile", "broadband_and_tv", "tv_licence", "subscriptions"],
  groceries: ["supermarkets", "convenience", "specialist_food"],
  food_and_drink: ["restaurants", "takeaway_and_delivery", "coffee_shops", "pubs_and_bars", "fast_food"],
  transport: ["fuel", "public_transport", "taxis_and_rideshare", "parking", "car_maintenance", "tolls_and_charges"],
  shopping: ["general", "online_marketplaces", "clothing", "electronics", "home_and_garden", "books_and_stationery", "pets"],
  entertainment: ["streaming", "music", "cinema_and_events", "games", "hobbies"],
  health_and_fitness: ["pharmacy", "gym_and_sport", "medical", "dental", "optical"],
  personal_care: ["hair_and_beauty", "toiletries", "wellbeing"],
  travel: ["flights", "hotels", "rail", "car_hire", "holidays", "foreign_spend"],
  cash: ["atm", "cashback", "deposits"],
  fees_and_charges: ["bank_fees", "interest_charges", "late_fees", "foreign_exchange"],
  insurance: ["car", "home", "life", "health", "travel", "pet"],
  education: ["tuition", "courses", "books_and_supplies", "childcare"],
  gifts_and_donations: ["charity", "gifts"],
  gambling: ["betting", "lottery", "casino"],
  savings_and_investments: ["savings", "investments", "pension_contributions", "crypto"],
  taxes: ["income_tax", "vat", "other_tax"],
  other: ["uncategorised", "government", "business_services"],
} as const;

export type Primary = keyof typeof TAXONOMY;
export type Secondary = { [P in Primary]: `${P}/${(typeof TAXONOMY)[P][number]}` }[Primary];

/** The 21 primaries in their documented order. @example PRIMARIES.includes("groceries") // true */
export const PRIMARIES = Object.keys(TAXONOMY) as Primary[];

/** Every secondary, `primary/name` form. @example SECONDARIES.includes("transport/fuel") // true */
export const SECONDARIES = PRIMARIES.flatMap((p) => TAXONOMY[p].map((s) => `${p}/${s}` as Secondary));

const primarySet = new Set<string>(PRIMARIES);
const secondarySet = new Set<string>(SECONDARIES);
/** A plain prototype-free object, not a Map: the lookup runs several times per transaction and this is the faster probe. */
const PRIMARY_OF: Record<string, Primary | undefined> = Object.assign(
  Object.create(null) as Record<string, Primary>,
  Object.fromEntries(SECONDARIES.map((s) => [s, s.slice(0, s.indexOf("/")) as Primary])),
);

/** @example isPrimary("groceries") // true */
export function isPrimary(value: unknown): value is Primary {
  return typeof value === "string" && primarySet.has(value);
}

/** @example isSecondary("transport/fuel") // true */
export function isSecondary(value: unknown): value is Secondary {
  return typeof value === "string" && secondarySet.has(value);
}

/** The primary a secondary belongs to. @example primaryOf("transport/fuel") // "transport" */
export function primaryOf(secondary: Secondary): Primary {
  return PRIMARY_OF[secondary] ?? (secondary.slice(0, secondary.indexOf("/")) as Primary);
}
