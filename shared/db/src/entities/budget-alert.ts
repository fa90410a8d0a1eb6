import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDateTime, nonNegativeMinor } from "./common";
import { clockWindowSchema } from "./notification-preferences";

/** Extra conditions a user can put on a budget alert; alert-dispatch evaluates them (docs/alerts.md). */
export const budgetAlertConditionsSchema = z.object({
  /** Local clock window in which the alert may be delivered; outside it, it waits for the next window. */
  timeOfDay: clockWindowSchema.optional(),
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which it may be delivered. */
  daysOfWeek: z.array(z.int().min(1).max(7)).min(1).optional(),
  /** Spending (minor units) below which the alert is not sent. */
  minimumAmount: nonNegativeMinor.optional(),
  /** Sent only when spending is still past the threshold this many local days after it was crossed (1 = at once). */
  consecutiveDays: z.int().min(1).max(31).optional(),
});
export type BudgetAlertConditions = z.output<typeof budgetAlertConditionsSchema>;

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
  /** The user's settings for this alert; absent ones mean "on, every channel, no conditions". */
  isActive: z.boolean().default(true),
  deliveryMethods: z.array(z.enum(["push", "email"])).optional(),
  priority: z.enum(["low", "normal", "high", "critical"]).default("normal"),
  conditions: budgetAlertConditionsSchema.optional(),
  /** `{placeholders}` as in docs/alerts.md; replaces the built-in text. */
  template: z.object({ title: z.string().min(1), body: z.string().min(1) }).optional(),
  /** Kept by alert-dispatch: when a notification for it was last delivered, and how many times. */
  lastTriggered: isoDateTime.optional(),
  triggerCount: z.int().nonnegative().default(0),
  createdAt: isoDateTime,
});
export type BudgetAlert = z.output<typeof budgetAlertSchema>;

/** `USER#<id>` / `ALERT#<alertId>`. */
export const budgetAlertEntity = defineEntity("BudgetAlert", budgetAlertSchema, (a) => keys.budgetAlert(a.userId, a.alertId));
