import { aiAnalysisCacheEntity, putItem } from "@expenzez/db";
import type { RecurringDeps } from "./deps";
import { stableJson } from "./plan";
import { upcomingBills } from "./predictions";

/** Rewrites the user's upcoming bills (AIAnalysisCache `predictions`) when they differ from the stored ones. */
export async function refreshUpcomingBills(deps: RecurringDeps, userId: string, now: Date): Promise<boolean> {
  // A stream that fails its schema is logged by the evaluation; the bills are the readable ones'.
  const [{ streams }, stored] = await Promise.all([deps.repos.recurring.listAllByUserChecked(userId), deps.repos.recurring.getPredictions(userId)]);
  const next = upcomingBills(userId, streams, now.toISOString().slice(0, 10), now);
  const content = (p: { from: string; to: string; upcomingBills: unknown; totalsMinor: unknown }) => stableJson([p.from, p.to, p.upcomingBills, p.totalsMinor]);
  // Unchanged bills only need their TTL pushed on once the cache is past half its life.
  if (stored && content(stored) === content(next) && stored.expiresAt - next.expiresAt > -86_400) return false;
  await putItem(deps.db, aiAnalysisCacheEntity, { ...next, version: (stored?.version ?? 0) + 1 });
  return true;
}
