import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { ianaTimeZone, id, isoDateTime, nonNegativeMinor, version } from "./common";

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");

/** A window of local clock time, `start` inclusive and `end` exclusive; `end <= start` runs across midnight. */
export const clockWindowSchema = z.object({ start: clock, end: clock });

/** The categories a user can switch; alert-dispatch maps every event it handles to one of them. */
export const NOTIFICATION_CATEGORIES = ["budgets", "transactions", "security", "insights", "marketing"] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/**
 * One user-written rule. `field` names a fact of the alert (amount in minor units, compared by
 * absolute value; category, merchant and frequency compared case-insensitively). The evaluation
 * order is alert-dispatch's: see docs/alerts.md.
 */
export const customRuleSchema = z.object({
  ruleId: id,
  name: z.string().optional(),
  field: z.enum(["amount", "category", "merchant", "frequency"]),
  operator: z.enum(["greater_than", "less_than", "equals", "contains"]),
  /** Minor units (an integer) for `amount`; text for the others. */
  value: z.union([z.int(), z.string().min(1)]),
  action: z.enum(["notify", "dont_notify"]),
  /** Higher first. */
  priority: z.int().default(0),
  enabled: z.boolean().default(true),
});
export type CustomRule = z.output<typeof customRuleSchema>;

const switchOnly = (enabled: boolean) => z.object({ enabled: z.boolean().default(enabled) }).prefault({});

export const notificationPreferencesSchema = z.object({
  userId: id,
  /** Global switch: off means nothing is sent. */
  globalEnabled: z.boolean().default(true),
  channels: z.object({ push: z.boolean(), email: z.boolean() }).default({ push: true, email: false }),
  categories: z
    .object({
      budgets: z
        .object({
          enabled: z.boolean().default(true),
          /** Lowest threshold (percent of the limit) that warns; thresholds below it are not sent. */
          warningThreshold: z.int().min(1).max(1000).default(80),
          /** Whether a threshold of 100% or more (the budget exceeded) is sent. */
          exceededAlert: z.boolean().default(true),
        })
        .prefault({}),
      transactions: z
        .object({
          enabled: z.boolean().default(true),
          /** Minimum absolute amount, minor units. */
          threshold: nonNegativeMinor.default(0),
          includeDeposits: z.boolean().default(false),
          includeWithdrawals: z.boolean().default(true),
        })
        .prefault({}),
      security: switchOnly(true),
      insights: switchOnly(true),
      /** Never sent by the event pipeline, whatever this says. */
      marketing: switchOnly(false),
    })
    .prefault({}),
  customRules: z.array(customRuleSchema).default([]),
  /** Alerts due inside quiet hours are delivered when they end, in `timeZone`. */
  quietHours: clockWindowSchema
    .extend({
      enabled: z.boolean().default(true),
      timeZone: ianaTimeZone,
      /** Security alerts that cannot wait (see docs/alerts.md) are sent inside quiet hours too. */
      allowUrgentSecurity: z.boolean().default(true),
    })
    .optional(),
  /** Notifications per user per clock hour before the rest are folded into one summary. */
  maxPerHour: z.int().min(1).max(100).optional(),
  version: version.default(1),
  updatedAt: isoDateTime,
});
export type NotificationPreferences = z.output<typeof notificationPreferencesSchema>;
export type NotificationPreferencesInput = z.input<typeof notificationPreferencesSchema>;

/** `USER#<id>` / `NOTIFPREFS`. */
export const notificationPreferencesEntity = defineEntity("NotificationPreferences", notificationPreferencesSchema, (p) =>
  keys.notificationPreferences(p.userId),
);
