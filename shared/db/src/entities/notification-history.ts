import { TTL_ATTRIBUTE } from "@expenzez/infra";
import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { epochSeconds, id, isoDateTime } from "./common";

export const NOTIFICATION_HISTORY_TTL_DAYS = 90;

/** TTL (epoch seconds) of a history entry created at `createdAt`: 90 days later. */
export function notificationHistoryExpiry(createdAt: string): number {
  return Math.floor(Date.parse(createdAt) / 1000) + NOTIFICATION_HISTORY_TTL_DAYS * 86_400;
}

export const deliveryAttemptSchema = z.object({
  channel: z.enum(["push", "email"]),
  at: isoDateTime,
  outcome: z.enum(["delivered", "failed", "skipped"]),
  errorCode: z.string().optional(),
  providerMessageId: z.string().optional(),
});

export const notificationHistorySchema = z.object({
  userId: id,
  /** Deterministic from the alert it delivers, so the same alert is never recorded (or sent) twice. */
  notificationId: id,
  detailType: z.string().min(1),
  title: z.string(),
  body: z.string(),
  status: z.enum(["pending", "deferred", "delivered", "failed", "suppressed"]),
  deferredUntil: isoDateTime.optional(),
  attempts: z.array(deliveryAttemptSchema).default([]),
  createdAt: isoDateTime,
  deliveredAt: isoDateTime.optional(),
  /** Epoch seconds; copied to the table's TTL attribute. */
  expiresAt: epochSeconds,
});
export type NotificationHistory = z.output<typeof notificationHistorySchema>;

/** `USER#<id>` / `NOTIFICATION#<notificationId>`, expires after 90 days. */
export const notificationHistoryEntity = defineEntity("NotificationHistory", notificationHistorySchema, (n) => ({
  ...keys.notificationHistory(n.userId, n.notificationId),
  [TTL_ATTRIBUTE]: n.expiresAt,
}));
