import { recurringMissed } from "./service";

/** Invoked daily by a schedule: one locked missed-payment pass. */
export const handler = await recurringMissed.lambdaHandler();
