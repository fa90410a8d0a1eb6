import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { id, isoDateTime, timestamps } from "./common";

export const notificationTokenSchema = z.object({
  userId: id,
  tokenId: id,
  platform: z.enum(["ios", "android", "web"]),
  provider: z.enum(["fcm", "apns"]),
  /** Device push token; not a credential to the user's bank. */
  token: z.string().min(1),
  enabled: z.boolean().default(true),
  lastUsedAt: isoDateTime.optional(),
  ...timestamps,
});
export type NotificationToken = z.output<typeof notificationTokenSchema>;

/** `USER#<id>` / `NOTIFTOKEN#<tokenId>`. */
export const notificationTokenEntity = defineEntity("NotificationToken", notificationTokenSchema, (t) => keys.notificationToken(t.userId, t.tokenId));
