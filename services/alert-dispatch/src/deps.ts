import type { Db, Repositories } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { OutboxDeleteBatcher, RelayDeps } from "@expenzez/runtime";
import type { EmailSender } from "./email";
import type { FcmClient } from "./fcm";
import type { UserReadCache } from "./user-reads";

/** Everything the dispatcher touches, injected so tests, the worker, the Lambda and the deferred pass share one core. */
export interface DispatchDeps {
  db: Db;
  repos: Pick<Repositories, "profiles" | "notifications" | "budgetAlerts" | "budgets">;
  /** Publishes the NotificationDispatched outbox records right after their commit; the outbox sweep catches any it misses. */
  relay: RelayDeps;
  /** Absent: push is not configured here, and devices count as unreachable. */
  push?: FcmClient;
  /** Absent: email is not configured here. */
  email?: EmailSender;
  log: Logger;
  now?: () => Date;
  /** The process's short-lived cache of each user's preferences, profile and devices; absent: read per notification. */
  userReads?: UserReadCache;
  /** Gathers the relay's outbox deletes across notifications into full batches; absent: each relay deletes its own. */
  outboxDeletes?: OutboxDeleteBatcher;
  /** Notifications per user per clock hour before the rest fold into one summary (a user's `maxPerHour` wins). Default 5. */
  maxPerHour?: number;
  /** How long a dispatcher's claim on a send protects it; after that the deferred pass takes over. Default 2 minutes. */
  sendLeaseMs?: number;
  /** Delivery rounds per device or address before a retryable failure counts as final. Default 5. */
  maxRounds?: number;
}

export const DEFAULT_MAX_PER_HOUR = 5;
export const DEFAULT_SEND_LEASE_MS = 120_000;
export const DEFAULT_MAX_ROUNDS = 5;
/** The time zone when neither the preferences nor the profile name one. */
export const DEFAULT_TIME_ZONE = "Europe/London";
export const DEFAULT_LOCALE = "en-GB";
/** The user's currency when the profile names none: what `transactions.threshold` is set in. */
export const DEFAULT_CURRENCY = "GBP";
