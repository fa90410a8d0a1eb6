import type { Primary, Secondary } from "./taxonomy";

/** TrueLayer's subclasses (Mint-style), lower case with `&` spelt `and`. Checked before the top class. */
export const CLASSIFICATION_SUBCLASSES: Record<string, Secondary> = {
  "auto insurance": "insurance/car",
  "auto payment": "transport/car_maintenance",
  "gas and fuel": "transport/fuel",
  parking: "transport/parking",
  "public transportation": "transport/public_transport",
  "public transport": "transport/public_transport",
  "service and parts": "transport/car_maintenance",
  taxi: "transport/taxis_and_rideshare",
  "home phone": "bills_and_utilities/broadband_and_tv",
  internet: "bills_and_utilities/broadband_and_tv",
  "mobile phone": "bills_and_utilities/mobile",
  television: "bills_and_utilities/broadband_and_tv",
  utilities: "bills_and_utilities/energy",
  "alcohol and bars": "food_and_drink/pubs_and_bars",
  "coffee shops": "food_and_drink/coffee_shops",
  "fast food": "food_and_drink/fast_food",
  restaurants: "food_and_drink/restaurants",
  "food delivery": "food_and_drink/takeaway_and_delivery",
  groceries: "groceries/supermarkets",
  arts: "entertainment/hobbies",
  amusement: "entertainment/cinema_and_events",
  "movies and dvds": "entertainment/cinema_and_events",
  music: "entertainment/music",
  "newspapers and magazines": "entertainment/hobbies",
  games: "entertainment/games",
  "atm fee": "fees_and_charges/bank_fees",
  "bank fee": "fees_and_charges/bank_fees",
  "finance charge": "fees_and_charges/interest_charges",
  "late fee": "fees_and_charges/late_fees",
  "service fee": "fees_and_charges/bank_fees",
  "trade commissions": "fees_and_charges/bank_fees",
  "foreign transaction fee": "fees_and_charges/foreign_exchange",
  charity: "gifts_and_donations/charity",
  gift: "gifts_and_donations/gifts",
  dentist: "health_and_fitness/dental",
  doctor: "health_and_fitness/medical",
  eyecare: "health_and_fitness/optical",
  gym: "health_and_fitness/gym_and_sport",
  "health insurance": "insurance/health",
  pharmacy: "health_and_fitness/pharmacy",
  sports: "health_and_fitness/gym_and_sport",
  furnishings: "shopping/home_and_garden",
  "home improvement": "housing/home_improvement",
  "home insurance": "insurance/home",
  "home services": "housing/maintenance",
  "home supplies": "shopping/home_and_garden",
  "lawn and garden": "shopping/home_and_garden",
  mortgage: "housing/mortgage",
  rent: "housing/rent",
  "life insurance": "insurance/life",
  insurance: "insurance/home",
  pension: "savings_and_investments/pension_contributions",
  "real-estate": "housing/mortgage",
  "real estate": "housing/mortgage",
  hair: "personal_care/hair_and_beauty",
  "hair and beauty": "personal_care/hair_and_beauty",
  "spa and massage": "personal_care/wellbeing",
  laundry: "personal_care/wellbeing",
  "pet food and supplies": "shopping/pets",
  pets: "shopping/pets",
  books: "shopping/books_and_stationery",
  clothing: "shopping/clothing",
  electronics: "shopping/electronics",
  "electronics and software": "shopping/electronics",
  hobbies: "entertainment/hobbies",
  "sporting goods": "shopping/general",
  general: "shopping/general",
  toys: "shopping/general",
  "federal tax": "taxes/income_tax",
  "state tax": "taxes/income_tax",
  "local tax": "bills_and_utilities/council_tax",
  "property tax": "bills_and_utilities/council_tax",
  "sales tax": "taxes/vat",
  "air travel": "travel/flights",
  hotel: "travel/hotels",
  "rental car and taxi": "travel/car_hire",
  vacation: "travel/holidays",
  tuition: "education/tuition",
  "student loan": "education/tuition",
  "books and supplies": "education/books_and_supplies",
  childcare: "education/childcare",
};

/** TrueLayer's top classes. `Uncategorized` and empty maps to nothing, so later steps run. */
export const CLASSIFICATION_CLASSES: Record<string, Secondary> = {
  "auto and transport": "transport/fuel",
  "bills and utilities": "bills_and_utilities/energy",
  "business services": "other/business_services",
  education: "education/courses",
  entertainment: "entertainment/hobbies",
  "fees and charges": "fees_and_charges/bank_fees",
  "food and dining": "food_and_drink/restaurants",
  gambling: "gambling/betting",
  "gifts and donations": "gifts_and_donations/gifts",
  "health and fitness": "health_and_fitness/medical",
  home: "housing/maintenance",
  investments: "savings_and_investments/investments",
  "pensions and insurances": "insurance/life",
  "personal care": "personal_care/hair_and_beauty",
  "personal services": "personal_care/wellbeing",
  shopping: "shopping/general",
  taxes: "taxes/other_tax",
  travel: "travel/holidays",
};

/**
 * The primaries each top class can stand for: "Shopping" is TrueLayer's top class for groceries
 * as well as for shops, "Food & Dining" for restaurants and for supermarkets. With a top class
 * alone, the model picks within these (see categorise.ts).
 */
const TOP_CLASS_PRIMARIES: Record<string, readonly Primary[]> = {
  shopping: ["shopping", "groceries", "personal_care", "health_and_fitness", "entertainment"],
  "food and dining": ["food_and_drink", "groceries"],
  "auto and transport": ["transport", "travel"],
  "bills and utilities": ["bills_and_utilities"],
  entertainment: ["entertainment"],
  "health and fitness": ["health_and_fitness"],
  "personal care": ["personal_care"],
  travel: ["travel", "transport"],
  home: ["housing", "shopping"],
};

/** The primaries a classification's top class allows, when the top class is all there is. */
export function topClassPrimaries(classification: unknown): readonly Primary[] {
  if (!Array.isArray(classification) || classification.length === 0) return [];
  return own(TOP_CLASS_PRIMARIES, key(classification[0])) ?? [];
}

/** A table's own entry: bank text such as "__proto__" or "constructor" never reaches Object.prototype. */
function own<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function key(text: unknown): string {
  return typeof text === "string"
    ? text
        .trim()
        .toLowerCase()
        .replace(/\s*&\s*/g, " and ")
    : "";
}

/**
 * Maps TrueLayer's `transaction_classification` (0–2 strings) to our taxonomy, or undefined when it
 * says nothing useful. Whether it is the subclass or only the top class that matched is returned
 * too, because their measured precision differs.
 *
 * @example mapClassification(["Shopping", "Groceries"]) // { secondary: "groceries/supermarkets", level: "sub" }
 */
export function mapClassification(classification: unknown): { secondary: Secondary; level: "sub" | "top" } | undefined {
  if (!Array.isArray(classification) || classification.length === 0) return undefined;
  const top = key(classification[0]);
  const sub = key(classification[1]);
  // "Groceries" under Food & Dining and under Shopping both mean groceries.
  const fromSub = sub ? own(CLASSIFICATION_SUBCLASSES, sub) : undefined;
  if (fromSub) return { secondary: fromSub, level: "sub" };
  const fromTop = own(CLASSIFICATION_CLASSES, top);
  return fromTop ? { secondary: fromTop, level: "top" } : undefined;
}
