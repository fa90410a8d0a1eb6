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
  /** Off when the user turned the device off, or the provider said the token is no longer valid. */
  enabled: z.boolean().default(true),
  /** Why the token was turned off by the dispatcher (the provider's answer, e.g. `UNREGISTERED`). */
  invalidReason: z.string().optional(),
  invalidatedAt: isoDateTime.optional(),
  /** Delivery counters, kept by the dispatcher with `ADD`. */
  totalNotificationsSent: z.int().nonnegative().default(0),
  successfulDeliveries: z.int().nonnegative().default(0),
  failedDeliveries: z.int().nonnegative().default(0),
  /** Last time a notification was sent to the device (the seed's `lastUsed`). */
  lastUsedAt: isoDateTime.optional(),
  ...timestamps,
});
export type NotificationToken = z.output<typeof notificationTokenSchema>;

/** `USER#<id>` / `NOTIFTOKEN#<tokenId>`. */
export const notificationTokenEntity = defineEntity("NotificationToken", notificationTokenSchema, (t) => keys.notificationToken(t.userId, t.tokenId));
