import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { id, isoDateTime, nonNegativeMinor, version } from "./common";

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm");

export const ianaTimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Europe/London" },
);

export const notificationPreferencesSchema = z.object({
  userId: id,
  /** Global switch: off means nothing is sent. */
  enabled: z.boolean().default(true),
  channels: z.object({ push: z.boolean(), email: z.boolean() }).default({ push: true, email: false }),
  /** Per primary category: on/off and its own thresholds (percent of budget). */
  categories: z.record(z.string(), z.object({ enabled: z.boolean(), thresholds: z.array(z.int().min(1).max(1000)).optional() })).default({}),
  customRules: z
    .array(
      z.object({
        ruleId: id,
        kind: z.enum(["large_transaction", "merchant", "category_spend"]),
        minAmountMinor: nonNegativeMinor.optional(),
        merchant: z.string().min(1).optional(),
        category: z.string().min(1).optional(),
        enabled: z.boolean().default(true),
      }),
    )
    .default([]),
  /** Alerts due inside quiet hours are delivered when they end, in the user's zone. */
  quietHours: z.object({ start: clock, end: clock, timeZone: ianaTimeZone }).optional(),
  version: version.default(1),
  updatedAt: isoDateTime,
});
export type NotificationPreferences = z.output<typeof notificationPreferencesSchema>;

/** `USER#<id>` / `NOTIFPREFS`. */
export const notificationPreferencesEntity = defineEntity("NotificationPreferences", notificationPreferencesSchema, (p) =>
  keys.notificationPreferences(p.userId),
);
