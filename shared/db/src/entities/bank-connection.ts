import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi1Credentials, gsi4SyncDue, keys } from "../keys";
import { id, isoDate, isoDateTime, plaintextSecret, sealed, timestamps, utcDateTime, version } from "./common";

export const CONNECTION_STATUSES = ["active", "reconnect_required", "expired", "revoked"] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Fields encrypted at rest, under one data key per connection (context `{ userId, connectionId }`), each bound to its name (ADR 0061). */
export const CONNECTION_SEALED_FIELDS = ["accessToken", "refreshToken"] as const;

/**
 * The connection's sealed tokens could not be opened (ADR 0073). `record`: the sealed record
 * itself is bad (corrupt, tampered, its data key refused while our key works); the connection
 * is out of the sync schedule until an operator clears it. `key`: KMS refused our own key (a
 * configuration fault shared by every connection); the schedule retries it with back-off. Cleared
 * by the next run that opens the tokens and finishes.
 */
export const tokenFaultSchema = z.object({
  fault: z.enum(["record", "key"]),
  /** The crypto error's stable code (`crypto.decrypt_failed`, `crypto.key_refused`, ...). */
  code: z.string().min(1),
  /** For people: the error and the KMS error it came from (names and messages, never a value). */
  reason: z.string().min(1).max(512),
  /** First seen, and last seen, in this run of the same fault. */
  since: isoDateTime,
  at: isoDateTime,
  /** Runs in a row that met this fault. */
  attempts: z.int().positive(),
});
export type TokenFault = z.output<typeof tokenFaultSchema>;

const connectionFields = {
  userId: id,
  connectionId: id,
  providerId: z.string().min(1),
  providerName: z.string().min(1).optional(),
  status: z.enum(CONNECTION_STATUSES),
  tokenExpiresAt: isoDateTime,
  consentExpiresAt: isoDateTime,
  scopes: z.array(z.string().min(1)).optional(),
  version: version.default(1),
  /** Worker that holds the sync lease, until `leaseUntil`. */
  leaseOwner: z.string().min(1).optional(),
  leaseUntil: utcDateTime.optional(),
  lastSyncAt: isoDateTime.optional(),
  nextSyncAt: isoDateTime.optional(),
  /** PSD2: at most 4 unattended refreshes per day; `day` is the UTC date they count for. */
  unattendedRefreshes: z.object({ day: isoDate, count: z.int().nonnegative() }).optional(),
  syncStats: z
    .object({
      lastDurationMs: z.int().nonnegative().optional(),
      lastNew: z.int().nonnegative().optional(),
      lastChanged: z.int().nonnegative().optional(),
      lastRemoved: z.int().nonnegative().optional(),
      totalSyncs: z.int().nonnegative().default(0),
      consecutiveFailures: z.int().nonnegative().default(0),
      lastErrorCode: z.string().optional(),
      /** Transactions the last sync could not store (see `quarantine`). */
      lastQuarantined: z.int().nonnegative().optional(),
    })
    .optional(),
  /**
   * The latest transactions a sync could not store and why (newest last, at most 20): the rest
   * of the connection syncs; these wait for the bank to correct them.
   */
  quarantine: z
    .array(
      z.object({
        accountId: z.string().min(1),
        providerTransactionId: z.string().optional(),
        reason: z.string().min(1).max(512),
        at: isoDateTime,
      }),
    )
    .max(20)
    .optional(),
  /** Ids of the latest jobs that completed on this connection (newest last): a repeat is a no-op. */
  recentJobIds: z.array(z.string().min(1).max(128)).max(10).optional(),
  /** TrueLayer's credentials id: signed webhooks and async results name the connection by it (GSI1). */
  credentialsId: z.string().min(1).optional(),
  /** A "refresh now" job on the queue since `at`: the webhook coalesces further requests until a sync completes or `until`. */
  refreshQueued: z.object({ jobId: id, at: utcDateTime, until: utcDateTime }).optional(),
  /**
   * Whether the user has CategoryRules, so a sync can skip reading them: `false` only while the
   * user has none (a rule's creation sets it `true` on every connection of the user, after the
   * rule is stored, bumping the version); absent means unknown, and the sync reads them and
   * records what it found. See `ruleRepository.putNew` and `connections.create`.
   */
  hasRules: z.boolean().optional(),
  /** Consent-expiry warnings already announced for the consent ending at `consentExpiresAt` (once each). */
  consentWarnings: z.object({ consentExpiresAt: isoDateTime, sent: z.array(z.enum(["7d", "1d"])) }).optional(),
  tokenFault: tokenFaultSchema.optional(),
  ...timestamps,
};

/** A connection as callers hold it in memory: tokens in plaintext. Never written as is. */
export const bankConnectionSchema = z.object({
  ...connectionFields,
  accessToken: plaintextSecret,
  refreshToken: plaintextSecret,
});
export type BankConnection = z.output<typeof bankConnectionSchema>;
export type BankConnectionInput = z.input<typeof bankConnectionSchema>;

/**
 * A connection as stored: tokens sealed. Writing a plaintext token fails validation. A
 * disconnected (`revoked`) connection has none: disconnecting deletes them.
 */
export const storedBankConnectionSchema = z
  .object({
    ...connectionFields,
    accessToken: sealed.optional(),
    refreshToken: sealed.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.status === "revoked") return;
    for (const field of CONNECTION_SEALED_FIELDS)
      if (c[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `is required while ${c.status}` });
  });
export type StoredBankConnection = z.output<typeof storedBankConnectionSchema>;

/**
 * `USER#<id>` / `BANK#<connectionId>`; in GSI4 (sync due) only while active, scheduled and not
 * parked by a fault of its sealed record (`tokenFault`); in GSI1
 * under its TrueLayer credentials id when known. The
 * lease is taken and released without a version bump, so versioned puts are also conditional on it.
 */
export const bankConnectionEntity = defineEntity(
  "BankConnection",
  storedBankConnectionSchema,
  (c) => ({
    ...keys.connection(c.userId, c.connectionId),
    ...(c.status === "active" && c.nextSyncAt && c.tokenFault?.fault !== "record" ? gsi4SyncDue(c.connectionId, c.nextSyncAt) : {}),
    ...(c.credentialsId ? gsi1Credentials(c.credentialsId) : {}),
  }),
  { unversioned: ["leaseOwner", "leaseUntil"] },
);
