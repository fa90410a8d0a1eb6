/**
 * What a bank would send alongside a labelled example: a TrueLayer classification and an MCC
 * consistent with the label. Used to measure the classification and MCC steps and to build the
 * evaluation set; the noise rates are assumptions, documented in docs/categories.md.
 */
import { CLASSIFICATION_SUBCLASSES } from "../src/classification";
import { mapMcc } from "../src/mcc";
import { type Primary, primaryOf, type Secondary } from "../src/taxonomy";
import { chance, pick, type Rand } from "./prng";

const TOP_NAME: Partial<Record<Primary, string>> = {
  transport: "Auto & Transport",
  bills_and_utilities: "Bills and Utilities",
  food_and_drink: "Food & Dining",
  groceries: "Shopping",
  shopping: "Shopping",
  entertainment: "Entertainment",
  health_and_fitness: "Health & Fitness",
  personal_care: "Personal Care",
  travel: "Travel",
  fees_and_charges: "Fees & Charges",
  insurance: "Pensions and insurances",
  education: "Education",
  gifts_and_donations: "Gifts & Donations",
  gambling: "Gambling",
  savings_and_investments: "Investments",
  taxes: "Taxes",
  housing: "Home",
};

const title = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase()).replace(/ And /g, " & ");

/** A TrueLayer-style classification for a label, or undefined where TrueLayer gives none. */
export function classificationFor(rand: Rand, label: Secondary, noise: number): string[] | undefined {
  const primary = primaryOf(label);
  if (label === "other/business_services") return ["Business Services"];
  const top = TOP_NAME[primary];
  if (!top) return undefined;
  if (chance(rand, noise)) {
    // A neighbour's class: providers confuse e.g. a pub with a restaurant, a pharmacy with a shop.
    const other = pick(rand, Object.keys(CLASSIFICATION_SUBCLASSES));
    return [pick(rand, Object.values(TOP_NAME)), title(other)];
  }
  const subs = Object.entries(CLASSIFICATION_SUBCLASSES).filter(([, s]) => s === label);
  if (subs.length > 0 && !chance(rand, 0.2)) return [top, title(pick(rand, subs)[0])];
  return [top];
}

const MCC_BY_LABEL = new Map<Secondary, number[]>();
for (let code = 0; code <= 9999; code++) {
  const s = mapMcc(code);
  if (!s) continue;
  const list = MCC_BY_LABEL.get(s) ?? [];
  list.push(code);
  MCC_BY_LABEL.set(s, list);
}

/** A merchant category code for a label, with an occasional wrong code as acquirers set them. */
export function mccFor(rand: Rand, label: Secondary, noise: number): number | undefined {
  const codes = MCC_BY_LABEL.get(label);
  if (!codes) return undefined;
  if (chance(rand, noise)) return pick(rand, [5999, 7399, 5812, 5411, 4121, 8999, 5311]);
  return pick(rand, codes.slice(0, 3));
}
