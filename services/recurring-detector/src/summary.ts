import { formatMoney } from "@expenzez/money";
import type { RecurringDeps } from "./deps";

/**
 * A user's streams and upcoming bills as lines for people (the demo's summary, the ops CLI).
 *
 * @example (await recurringSummary(deps, "john")).forEach((l) => console.log(l))
 */
export async function recurringSummary(deps: Pick<RecurringDeps, "repos">, userId: string): Promise<string[]> {
  const [streams, predictions] = await Promise.all([deps.repos.recurring.listAllByUser(userId), deps.repos.recurring.getPredictions(userId)]);
  // Ended streams (no longer found) are history, not news.
  const shown = streams.filter((s) => s.status !== "ended");
  const ended = streams.length - shown.length;
  const lines = [`recurring streams of ${userId}: ${shown.length}${ended ? ` (and ${ended} ended)` : ""}`];
  for (const s of [...shown].sort((a, b) => a.merchant.localeCompare(b.merchant))) {
    const amount = formatMoney(s.usualAmountMinor ?? s.lastAmountMinor, s.currency);
    lines.push(
      `  ${s.direction === "credit" ? "in " : "out"} ${s.merchant.padEnd(24)} ${s.frequency.padEnd(11)} ${amount.padStart(10)}  ${s.status.padEnd(10)} next ${s.nextExpectedAt.slice(0, 10)}`,
    );
  }
  if (predictions) {
    const total = Object.entries(predictions.totalsMinor)
      .map(([currency, minor]) => formatMoney(minor, currency))
      .join(" + ");
    lines.push(`upcoming bills ${predictions.from} to ${predictions.to}: ${predictions.upcomingBills.length}, ${total || "nothing"}`);
    for (const b of predictions.upcomingBills) lines.push(`  ${b.expectedOn} ${b.merchant.padEnd(24)} ${formatMoney(b.amountMinor, b.currency).padStart(10)}`);
  }
  return lines;
}
