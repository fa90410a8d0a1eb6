/** How sure the categoriser is, in words an app can show (the cut-offs follow Plaid's bands). */
export type ConfidenceBand = "very_high" | "high" | "medium" | "low";

/** Below this calibrated confidence the app should ask the user to confirm the category. */
export const ASK_USER_BELOW = 0.7;

/**
 * The band of a calibrated confidence: very high above 0.98, high above 0.90, medium from 0.70,
 * low below; and whether the app should ask the user (below 0.7: wrong about a third of the time
 * or more, by calibration).
 *
 * @example confidenceBand(0.93) // { band: "high", askUser: false }
 */
export function confidenceBand(confidence: number): { band: ConfidenceBand; askUser: boolean } {
  const c = Number.isFinite(confidence) ? confidence : 0;
  const band: ConfidenceBand = c > 0.98 ? "very_high" : c > 0.9 ? "high" : c >= ASK_USER_BELOW ? "medium" : "low";
  return { band, askUser: c < ASK_USER_BELOW };
}
