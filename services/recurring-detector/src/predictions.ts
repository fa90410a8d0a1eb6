import type { AIAnalysisCacheInput, RecurringStream, UpcomingBill } from "@expenzez/db";
import { CADENCE_BY_FREQUENCY, dayOf, isoDay } from "@expenzez/recurring";

/** Upcoming bills look this far ahead. */
export const UPCOMING_DAYS = 30;
/** The cache outlives a day without syncs; the daily pass refreshes it before then. */
export const PREDICTIONS_TTL_DAYS = 3;

/**
 * The recurring outflows a user can expect from `today` for 30 days: each live stream's next
 * payment (still expected when it is late but within its window) and, for weekly to
 * four-weekly streams, the ones after it. Amounts are the streams' usual amounts, in pence.
 */
export function upcomingBills(userId: string, streams: readonly RecurringStream[], today: string, now: Date): AIAnalysisCacheInput {
  const from = dayOf(today);
  // Today and the 29 days after it.
  const to = from + UPCOMING_DAYS - 1;
  const bills: UpcomingBill[] = [];
  for (const s of streams) {
    if (s.direction !== "debit" || (s.status !== "early" && s.status !== "mature")) continue;
    const cadence = CADENCE_BY_FREQUENCY[s.frequency];
    const amountMinor = s.usualAmountMinor ?? s.lastAmountMinor;
    let next = dayOf(s.nextExpectedAt);
    if (s.windowTo !== undefined && dayOf(s.windowTo) < from) continue;
    let first = true;
    while (next <= to) {
      if (next >= from || first)
        bills.push({
          streamId: s.streamId,
          merchant: s.merchant,
          frequency: s.frequency,
          expectedOn: isoDay(Math.max(next, from)),
          amountMinor,
          currency: s.currency,
        });
      first = false;
      if (cadence.unit !== "days") break;
      next += cadence.step;
    }
  }
  bills.sort((a, b) => a.expectedOn.localeCompare(b.expectedOn) || a.merchant.localeCompare(b.merchant));
  const totalsMinor: Record<string, number> = {};
  for (const b of bills) totalsMinor[b.currency] = (totalsMinor[b.currency] ?? 0) + b.amountMinor;
  return {
    userId,
    analysisType: "predictions",
    from: isoDay(from),
    to: isoDay(to),
    upcomingBills: bills,
    totalsMinor,
    generatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + PREDICTIONS_TTL_DAYS * 86_400,
  };
}
