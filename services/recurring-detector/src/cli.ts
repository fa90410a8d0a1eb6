import { runMain } from "@expenzez/config";
import { reportMissedPayments } from "./missed";
import { refreshUpcomingBills } from "./predictions-store";
import { recurringDetector } from "./service";
import { recurringSummary } from "./summary";

const USAGE = "usage: recurring-detector missed | bills USER_ID | summary USER_ID";

/**
 * Ops entry: `missed` runs one missed-payment pass now; `bills USER_ID` rewrites a user's
 * upcoming bills (JSON); `summary USER_ID` prints a user's streams and upcoming bills.
 */
await runMain(async () => {
  const [command, userId] = process.argv.slice(2);
  const { deps } = await recurringDetector.createRuntime();
  if (command === "missed") process.stdout.write(`${JSON.stringify(await reportMissedPayments(deps))}\n`);
  else if (command === "bills" && userId) {
    await refreshUpcomingBills(deps, userId, new Date());
    process.stdout.write(`${JSON.stringify(await deps.repos.recurring.getPredictions(userId))}\n`);
  } else if (command === "summary" && userId) {
    for (const line of await recurringSummary(deps, userId)) process.stdout.write(`${line}\n`);
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  }
});
