import { recurringStreamEntity, txPutVersioned } from "@expenzez/db";
import { commitWithEvents, isTransactionConflict } from "@expenzez/runtime";
import type { RecurringDeps } from "./deps";
import { missedEvent } from "./plan";
import { refreshUpcomingBills } from "./predictions-store";

/**
 * The scheduled pass: streams whose next payment's window has closed without it (read from the
 * sparse due index, not by waiting for a sync that may never come) become `tombstoned`; a
 * mature one announces `RecurringPaymentMissed` once for that expected day, in the same
 * transaction. A stream a re-evaluation changed meanwhile is left to the next pass.
 *
 * @example await reportMissedPayments(deps) // from the scheduled task, daily
 */
export async function reportMissedPayments(deps: RecurringDeps): Promise<{ tombstoned: number; missed: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const nowIso = now.toISOString();
  const today = nowIso.slice(0, 10);
  const users = new Set<string>();
  let tombstoned = 0;
  let missed = 0;
  for (let shard = 0; shard < deps.repos.recurring.dueShards; shard++) {
    let cursor: string | undefined;
    do {
      const page = await deps.repos.recurring.listOverdue(shard, today, { cursor });
      for (const bad of page.invalid)
        deps.log.error({ key: bad.key, code: bad.error.code, field: bad.error.field }, "stream item does not parse; not checked for a missed payment");
      for (const s of page.items) {
        const expectedOn = s.nextExpectedAt.slice(0, 10);
        const announce = s.status === "mature" && s.announced.missedFor !== expectedOn;
        const events = announce
          ? [missedEvent(s.userId, s.streamId, s.merchant, s.frequency, s.currency, expectedOn, s.usualAmountMinor ?? s.lastAmountMinor, nowIso)]
          : [];
        const item = { ...s, status: "tombstoned" as const, announced: { ...s.announced, ...(announce ? { missedFor: expectedOn } : {}) }, updatedAt: nowIso };
        try {
          await commitWithEvents(deps, [txPutVersioned(deps.db, recurringStreamEntity, item, s.version)], events, { now });
        } catch (err) {
          if (!isTransactionConflict(err)) throw err;
          continue;
        }
        tombstoned++;
        missed += events.length;
        users.add(s.userId);
      }
      cursor = page.cursor;
    } while (cursor);
  }
  for (const userId of users) await refreshUpcomingBills(deps, userId, now);
  return { tombstoned, missed };
}
