import { budgetRollover } from "./service";

/** Invoked every 15 minutes by a schedule: one locked roll-over pass. */
export const handler = await budgetRollover.lambdaHandler();
