import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi4BudgetRollover, keys } from "../keys";
import { currency, id, isoDate, isoDateTime, minor, nonNegativeMinor, timestamps, version } from "./common";

export const DEFAULT_BUDGET_THRESHOLDS = [50, 80, 100] as const;

/** How a budget's periods are cut, in the user's time zone. */
export const BUDGET_PERIOD_KINDS = ["weekly", "monthly", "quarterly", "yearly", "custom"] as const;
export type BudgetPeriodKind = (typeof BUDGET_PERIOD_KINDS)[number];

/** `[start, end)` of one budget period, as instants (the user's local midnights). */
export const budgetPeriodSchema = z
  .object({ start: isoDateTime, end: isoDateTime })
  .refine((p) => Date.parse(p.start) < Date.parse(p.end), { message: "start must be before end", path: ["end"] });

/** One closed period, appended by the roll-over; a late transaction corrects it in place. */
export const budgetHistoryEntrySchema = z.object({
  /** Human id of the period: `2024-03`, `2024-W10`, `2024-Q1`, `2024`, or the local start date. */
  periodId: z.string().min(1),
  start: isoDateTime,
  end: isoDateTime,
  spentMinor: nonNegativeMinor,
  limitMinor: z.int().positive(),
  /** `limit − spent`: positive when the user stayed under. */
  varianceMinor: minor,
  /** Spent no more than the limit. */
  achieved: z.boolean(),
  closedAt: isoDateTime,
});
export type BudgetHistoryEntry = z.output<typeof budgetHistoryEntrySchema>;

const periodSpend = z.object({ periodId: z.string().min(1), spentMinor: nonNegativeMinor });

/** Figures over the closed periods (recomputed whenever `history` changes). */
export const budgetPerformanceSchema = z.object({
  periods: z.int().nonnegative(),
  /** Mean spend per closed period, rounded to the penny. */
  averageSpentMinor: nonNegativeMinor,
  trend: z.enum(["increasing", "decreasing", "stable"]),
  /** Share of closed periods within the limit, 0..1. */
  achievementRate: z.number().min(0).max(1),
  best: periodSpend,
  worst: periodSpend,
});
export type BudgetPerformance = z.output<typeof budgetPerformanceSchema>;

export const budgetRecommendationSchema = z.object({
  suggestedLimitMinor: z.int().positive(),
  confidence: z.number().min(0).max(1),
  reasoning: z.string().min(1),
  basedOnPeriods: z.int().positive(),
});
export type BudgetRecommendation = z.output<typeof budgetRecommendationSchema>;

export const userBudgetSchema = z
  .object({
    userId: id,
    budgetId: id,
    name: z.string().min(1).optional(),
    /** Primary category whose transactions count (GSI3). */
    category: id,
    /** When set, only these secondary categories (`primary/name`) of `category` count. */
    subcategories: z.array(z.string().min(1)).min(1).optional(),
    period: z.enum(BUDGET_PERIOD_KINDS),
    /** Monthly budgets that run payday to payday: the day a period starts (clamped to the month's last day). */
    monthStartDay: z.int().min(1).max(31).optional(),
    /** Custom period: local dates, both inclusive. */
    customRange: z.object({ startDate: isoDate, endDate: isoDate }).optional(),
    /** Starts the next period when one closes; a custom period never recurs. */
    isRecurring: z.boolean().default(true),
    currency,
    limitMinor: z.int().positive(),
    spentMinor: nonNegativeMinor.default(0),
    /** `limit − spent`; negative when overspent. */
    remainingMinor: minor.optional(),
    /** Of the limit, floored to 2 decimals (display only; decisions use the minor units). */
    percentage: z.number().nonnegative().optional(),
    /** `exceeded` when spent is above the limit; `closed` once a non-recurring period ended. */
    status: z.enum(["active", "exceeded", "closed"]).default("active"),
    /** Percentages of the limit that raise an alert, once per period each. */
    thresholds: z
      .array(z.int().min(1).max(1000))
      .min(1)
      .default([...DEFAULT_BUDGET_THRESHOLDS]),
    /** Thresholds already announced in `currentPeriod`: a refund below one does not re-arm it. */
    alertedThresholds: z.array(z.int().min(1).max(1000)).default([]),
    currentPeriod: budgetPeriodSchema,
    history: z.array(budgetHistoryEntrySchema).default([]),
    performance: budgetPerformanceSchema.optional(),
    aiRecommendations: budgetRecommendationSchema.optional(),
    lastRecalculatedAt: isoDateTime.optional(),
    version: version.default(1),
    ...timestamps,
  })
  .superRefine((b, ctx) => {
    if (b.period === "custom" && !b.customRange) ctx.addIssue({ code: "custom", path: ["customRange"], message: "a custom period needs customRange" });
    if (b.customRange && b.customRange.startDate > b.customRange.endDate) {
      ctx.addIssue({ code: "custom", path: ["customRange", "endDate"], message: "endDate must not be before startDate" });
    }
  });
export type UserBudget = z.output<typeof userBudgetSchema>;
export type UserBudgetInput = z.input<typeof userBudgetSchema>;

/** `USER#<id>` / `BUDGET#<budgetId>`; GSI4 (sparse) by the end of its open period, for the roll-over. */
export const userBudgetEntity = defineEntity("UserBudget", userBudgetSchema, (b) => ({
  ...keys.budget(b.userId, b.budgetId),
  ...(b.status === "closed" ? {} : gsi4BudgetRollover(b.userId, b.budgetId, b.currentPeriod.end)),
}));
