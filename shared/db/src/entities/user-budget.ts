import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDateTime, nonNegativeMinor, timestamps, version } from "./common";

export const DEFAULT_BUDGET_THRESHOLDS = [50, 80, 100] as const;

/** `[start, end)` of one budget period. */
export const budgetPeriodSchema = z
  .object({ start: isoDateTime, end: isoDateTime })
  .refine((p) => Date.parse(p.start) < Date.parse(p.end), { message: "start must be before end", path: ["end"] });

export const userBudgetSchema = z.object({
  userId: id,
  budgetId: id,
  name: z.string().min(1).optional(),
  /** Primary category whose debits count (GSI3). */
  category: id,
  period: z.enum(["monthly", "weekly"]),
  currency,
  limitMinor: z.int().positive(),
  spentMinor: nonNegativeMinor.default(0),
  /** Percentages of the limit that raise an alert, once per period each. */
  thresholds: z
    .array(z.int().min(1).max(1000))
    .min(1)
    .default([...DEFAULT_BUDGET_THRESHOLDS]),
  currentPeriod: budgetPeriodSchema,
  history: z.array(z.object({ start: isoDateTime, end: isoDateTime, spentMinor: nonNegativeMinor, limitMinor: z.int().positive() })).default([]),
  version: version.default(1),
  ...timestamps,
});
export type UserBudget = z.output<typeof userBudgetSchema>;
export type UserBudgetInput = z.input<typeof userBudgetSchema>;

/** `USER#<id>` / `BUDGET#<budgetId>`. */
export const userBudgetEntity = defineEntity("UserBudget", userBudgetSchema, (b) => keys.budget(b.userId, b.budgetId));
