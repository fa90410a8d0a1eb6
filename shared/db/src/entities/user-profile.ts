import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi1Email, keys } from "../keys";
import { bcp47Locale, currency, ianaTimeZone, id, timestamps, version } from "./common";

function profileSchemaWith(timeZone: z.ZodType<string>, locale: z.ZodType<string>) {
  return z.object({
    userId: id,
    email: z.email(),
    /** Only a verified address receives email. */
    emailVerified: z.boolean().default(false),
    displayName: z.string().min(1).optional(),
    /** IANA zone for the user's local day (budgets, quiet hours). */
    timeZone: timeZone.optional(),
    preferences: z
      .object({
        /** BCP 47, e.g. `en-GB`: how amounts and dates are written to the user. */
        locale: locale.optional(),
        currency: currency.optional(),
        /** The app's own switches per channel; off wins over NotificationPreferences. */
        notifications: z.object({ push: z.boolean().default(true), email: z.boolean().default(true) }).prefault({}),
      })
      .prefault({}),
    version: version.default(1),
    ...timestamps,
  });
}

/** A profile as written: its `timeZone` and `locale` are ones Intl reads (`Europe/London`, `en-GB`). */
export const userProfileSchema = profileSchemaWith(ianaTimeZone, bcp47Locale);
/**
 * A profile as read: items written before the write rule may hold any text there (`London`,
 * `en_GB`), and every reader falls back on London and en-GB for them (docs/data-model.md).
 */
export const storedUserProfileSchema = profileSchemaWith(z.string().min(1), z.string().min(2));
export type UserProfile = z.output<typeof userProfileSchema>;

/** `USER#<id>` / `PROFILE`; GSI1 email → user. */
export const userProfileEntity = defineEntity(
  "UserProfile",
  userProfileSchema,
  (p) => ({
    ...keys.profile(p.userId),
    ...gsi1Email(p.email),
  }),
  { readSchema: storedUserProfileSchema },
);
