/**
 * The review of the compiled brand table: names dropped (with why), names that match only as the
 * whole merchant name, and categories corrected where the OSM tag misleads for a bank statement.
 * The evaluation merchants (data/generalisation-source.txt) must never be added here.
 */
import type { Secondary } from "../src/taxonomy";

export const BRAND_REVIEW: {
  drop: { name: string; why: string }[];
  wholeOnly: string[];
  recategorise: { name: string; secondary: Secondary; why: string }[];
} = {
  drop: [
    { name: "Payzone", why: "a bill-payment network: a PayZone top-up says nothing about what was paid" },
    { name: "PayPoint", why: "a bill-payment network, as Payzone" },
    { name: "Amazon Locker", why: "parcel lockers: the purchase is Amazon's, found by the dictionary" },
    { name: "InPost", why: "parcel lockers" },
    { name: "Card Factory", why: "normalises to FACTORY (CARD is a bank prefix); the dictionary has it" },
  ],
  wholeOnly: ["WORKS", "RANGE", "ENTERPRISE", "GENERAL", "CENTRAL", "NATIONAL", "ROYAL", "UNITED", "STAR", "EXPRESS", "CITY"],
  recategorise: [
    { name: "Post Office", secondary: "other/government", why: "as the dictionary files it" },
    { name: "Holland & Barrett", secondary: "health_and_fitness/pharmacy", why: "as the dictionary files it" },
  ],
};
