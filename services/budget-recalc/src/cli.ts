import { parseArgs } from "node:util";
import { runMain } from "@expenzez/config";
import { recalculateBudgets } from "./recalc";
import { rollOverEndedPeriods } from "./rollover";
import { budgetRecalc } from "./service";

const USAGE = "usage: budget-recalc recalc --user ID [--budget ID] | rollover";

/**
 * Ops entry: `recalc --user ID [--budget ID]` recomputes a user's open periods (what the app
 * would ask after creating or editing a budget); `rollover` runs one roll-over pass now.
 * Prints the summary as JSON.
 */
await runMain(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { user: { type: "string" }, budget: { type: "string" } },
  });
  const [command] = positionals;
  if (!((command === "recalc" && values.user) || command === "rollover")) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { deps } = await budgetRecalc.createRuntime();
  const summary =
    command === "rollover"
      ? await rollOverEndedPeriods(deps)
      : await recalculateBudgets(deps, { userId: values.user as string, range: "all-open", ...(values.budget ? { budgetId: values.budget } : {}) });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
});
