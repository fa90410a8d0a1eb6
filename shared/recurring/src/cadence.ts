/** Every cadence the detector knows, shortest first. */
export const FREQUENCIES = ["weekly", "fortnightly", "four_weekly", "monthly", "quarterly", "six_monthly", "yearly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Cadence {
  frequency: Frequency;
  /** Day-based cadences repeat every `step` days; month-based ones every `step` calendar months. */
  unit: "days" | "months";
  step: number;
  /**
   * How far (days) a payment may land from its schedule and still be the same stream. Covers
   * weekend and bank-holiday moves (Easter and Christmas move a date by up to 4 days) and banks
   * that book a day late; `nextExpected ± tolerance` is the window a payment is expected in.
   */
  toleranceDays: number;
  /** Occurrences before a stream is reported at all (`early`). */
  minOccurrences: number;
  /** Occurrences before a stream is `mature` (and announced). */
  matureOccurrences: number;
}

export const CADENCES: readonly Cadence[] = [
  // Two payments a week apart are common among one-off purchases: a weekly stream needs three.
  { frequency: "weekly", unit: "days", step: 7, toleranceDays: 2, minOccurrences: 3, matureOccurrences: 3 },
  { frequency: "fortnightly", unit: "days", step: 14, toleranceDays: 3, minOccurrences: 2, matureOccurrences: 3 },
  { frequency: "four_weekly", unit: "days", step: 28, toleranceDays: 3, minOccurrences: 2, matureOccurrences: 3 },
  { frequency: "monthly", unit: "months", step: 1, toleranceDays: 4, minOccurrences: 2, matureOccurrences: 3 },
  { frequency: "quarterly", unit: "months", step: 3, toleranceDays: 7, minOccurrences: 2, matureOccurrences: 3 },
  { frequency: "six_monthly", unit: "months", step: 6, toleranceDays: 10, minOccurrences: 2, matureOccurrences: 3 },
  { frequency: "yearly", unit: "months", step: 12, toleranceDays: 14, minOccurrences: 2, matureOccurrences: 2 },
];

export const CADENCE_BY_FREQUENCY: Readonly<Record<Frequency, Cadence>> = Object.fromEntries(CADENCES.map((c) => [c.frequency, c])) as Record<
  Frequency,
  Cadence
>;

/** How far back the detector looks: a yearly stream needs two occurrences to be seen. */
export const LOOKBACK_DAYS = 400;
