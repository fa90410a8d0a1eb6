import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi1Email, keys } from "../keys";
import { id, timestamps, version } from "./common";

export const userProfileSchema = z.object({
  userId: id,
  email: z.email(),
  displayName: z.string().min(1).optional(),
  /** IANA zone for the user's local day (budgets, quiet hours). */
  timeZone: z.string().min(1).optional(),
  version: version.default(1),
  ...timestamps,
});
export type UserProfile = z.output<typeof userProfileSchema>;

/** `USER#<id>` / `PROFILE`; GSI1 email → user. */
export const userProfileEntity = defineEntity("UserProfile", userProfileSchema, (p) => ({
  ...keys.profile(p.userId),
  ...gsi1Email(p.email),
}));
