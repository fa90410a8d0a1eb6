import { TTL_ATTRIBUTE } from "@expenzez/resources";
import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi4NotificationDue, keys } from "../keys";
import { epochSeconds, id, isoDateTime } from "./common";

export const NOTIFICATION_HISTORY_TTL_DAYS = 90;

/** TTL (epoch seconds) of a history entry created at `createdAt`: 90 days later. */
export function notificationHistoryExpiry(createdAt: string): number {
  return Math.floor(Date.parse(createdAt) / 1000) + NOTIFICATION_HISTORY_TTL_DAYS * 86_400;
}

export const notificationChannelSchema = z.enum(["push", "email"]);
export type NotificationChannel = z.output<typeof notificationChannelSchema>;

export const deliveryAttemptSchema = z.object({
  channel: notificationChannelSchema,
  /** The device's `tokenId` for push, `email` for email. */
  target: z.string().optional(),
  at: isoDateTime,
  outcome: z.enum(["delivered", "failed", "skipped"]),
  /** Provider round trips this attempt took (retries included). */
  tries: z.int().positive().optional(),
  errorCode: z.string().optional(),
  providerMessageId: z.string().optional(),
});
export type DeliveryAttempt = z.output<typeof deliveryAttemptSchema>;

/** One decision about a notification: why it was sent, deferred (until when) or not sent. */
export const notificationDecisionSchema = z.object({
  at: isoDateTime,
  outcome: z.enum(["send", "defer", "suppress", "fold"]),
  /** Stable code of the setting or rule that decided, e.g. `quiet_hours`, `category_disabled:budgets`. */
  reason: z.string().min(1),
  until: isoDateTime.optional(),
});
export type NotificationDecision = z.output<typeof notificationDecisionSchema>;

export const notificationHistorySchema = z.object({
  userId: id,
  /** Deterministic from the alert it delivers, so the same alert is never recorded (or sent) twice. */
  notificationId: id,
  detailType: z.string().min(1),
  title: z.string(),
  body: z.string(),
  /**
   * `sending`: decided to send, deliveries under way; `deferred`: waits until `deferredUntil`.
   * Both sit in the due index, so the deferred pass finds a send whose dispatcher died (after
   * `deferredUntil`, the dispatcher's lease) as it finds a deferred one.
   */
  status: z.enum(["pending", "sending", "deferred", "delivered", "failed", "suppressed", "folded"]),
  /** The eventId of the event that raised it (absent on a summary). */
  sourceEventId: z.string().optional(),
  /** The event's occurredAt: delivery latency is measured from it. */
  occurredAt: isoDateTime.optional(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  priority: z.enum(["low", "normal", "high", "critical"]).optional(),
  deepLink: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  /** Channels it is to be delivered on, decided once. */
  channels: z.array(notificationChannelSchema).optional(),
  /** The latest decision's reason, and every decision in order. */
  reason: z.string().optional(),
  decisions: z.array(notificationDecisionSchema).default([]),
  deferredUntil: isoDateTime.optional(),
  /** `<channel>:<target>` → when a dispatcher claimed that delivery (claim before send), or `done` once its attempt is recorded. */
  claims: z.record(z.string(), z.string()).default({}),
  /** The event it came from, as JSON `{ detailType, detail }`: the deferred pass decides again from it. */
  sourceEvent: z.string().optional(),
  attempts: z.array(deliveryAttemptSchema).default([]),
  /** Claims found without a recorded attempt after their lease and sent again: possible duplicates. */
  reclaimed: z.int().nonnegative().default(0),
  /** On a summary: how many notifications it stands for. */
  foldedCount: z.int().nonnegative().optional(),
  createdAt: isoDateTime,
  deliveredAt: isoDateTime.optional(),
  /** Epoch seconds; copied to the table's TTL attribute. */
  expiresAt: epochSeconds,
});
export type NotificationHistory = z.output<typeof notificationHistorySchema>;
export type NotificationHistoryInput = z.input<typeof notificationHistorySchema>;

/**
 * `USER#<id>` / `NOTIFICATION#<notificationId>`, expires after 90 days. A deferred or sending entry is also in
 * the sparse due index (GSI4 `NOTIFDUE#<shard>` / `deferredUntil`) that the deferred pass reads.
 */
export const notificationHistoryEntity = defineEntity("NotificationHistory", notificationHistorySchema, (n) => ({
  ...keys.notificationHistory(n.userId, n.notificationId),
  ...((n.status === "deferred" || n.status === "sending") && n.deferredUntil ? gsi4NotificationDue(n.notificationId, n.deferredUntil) : {}),
  [TTL_ATTRIBUTE]: n.expiresAt,
}));
