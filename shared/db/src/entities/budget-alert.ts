import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDateTime, nonNegativeMinor } from "./common";

export const budgetAlertSchema = z.object({
  userId: id,
  /** From `budgetAlertId(budgetId, periodStart, threshold)`: one alert per threshold per period. */
  alertId: id,
  budgetId: id,
  category: id,
  periodStart: isoDateTime,
  threshold: z.int().positive(),
  spentMinor: nonNegativeMinor,
  limitMinor: z.int().positive(),
  currency,
  status: z.enum(["pending", "dispatched", "suppressed"]).default("pending"),
  createdAt: isoDateTime,
});
export type BudgetAlert = z.output<typeof budgetAlertSchema>;

/** `USER#<id>` / `ALERT#<alertId>`. */
export const budgetAlertEntity = defineEntity("BudgetAlert", budgetAlertSchema, (a) => keys.budgetAlert(a.userId, a.alertId));
