import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi1Email, keys } from "../keys";
import { currency, id, timestamps, version } from "./common";

export const userProfileSchema = z.object({
  userId: id,
  email: z.email(),
  /** Only a verified address receives email. */
  emailVerified: z.boolean().default(false),
  displayName: z.string().min(1).optional(),
  /** IANA zone for the user's local day (budgets, quiet hours). */
  timeZone: z.string().min(1).optional(),
  preferences: z
    .object({
      /** BCP 47, e.g. `en-GB`: how amounts and dates are written to the user. */
      locale: z.string().min(2).optional(),
      currency: currency.optional(),
      /** The app's own switches per channel; off wins over NotificationPreferences. */
      notifications: z.object({ push: z.boolean().default(true), email: z.boolean().default(true) }).prefault({}),
    })
    .prefault({}),
  version: version.default(1),
  ...timestamps,
});
export type UserProfile = z.output<typeof userProfileSchema>;

/** `USER#<id>` / `PROFILE`; GSI1 email → user. */
export const userProfileEntity = defineEntity("UserProfile", userProfileSchema, (p) => ({
  ...keys.profile(p.userId),
  ...gsi1Email(p.email),
}));
