import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDateTime, minor, plaintextSecret, sealed, timestamps, version } from "./common";

/** Fields encrypted at rest, under one data key per account (context `{ userId, accountId }`), each bound to its name (ADR 0061). */
export const ACCOUNT_SEALED_FIELDS = ["accountNumber", "sortCode", "iban"] as const;

export const balanceSchema = z.object({
  currentMinor: minor,
  availableMinor: minor.optional(),
  overdraftMinor: minor.optional(),
  /** Decimals for the app; the `*Minor` fields are the truth. */
  current: z.number(),
  available: z.number().optional(),
  overdraft: z.number().optional(),
  updatedAt: isoDateTime,
});

const accountFields = {
  userId: id,
  accountId: id,
  connectionId: id,
  providerAccountId: z.string().min(1).optional(),
  kind: z.enum(["account", "card"]).default("account"),
  /** TrueLayer `account_type` / `card_type`, e.g. TRANSACTION, SAVINGS, CREDIT. */
  type: z.string().min(1),
  displayName: z.string().min(1),
  currency,
  swiftBic: z.string().optional(),
  balance: balanceSchema.optional(),
  transactionSummary: z
    .object({
      totalTransactions: z.int().nonnegative(),
      pendingTransactions: z.int().nonnegative().default(0),
      lastTransactionAt: isoDateTime.optional(),
      /**
       * Timestamp of the oldest stored pending transaction (null: none; absent: not tracked yet): a
       * sync reaches back to it, so the booked copy of a late hold is fetched before the
       * pending one is removed.
       */
      oldestPendingAt: isoDateTime.nullable().optional(),
    })
    .default({ totalTransactions: 0, pendingTransactions: 0 }),
  closed: z.boolean().default(false),
  version: version.default(1),
  ...timestamps,
};

/** An account as callers hold it in memory: account number, sort code and IBAN in plaintext. */
export const bankAccountSchema = z.object({
  ...accountFields,
  accountNumber: plaintextSecret.optional(),
  sortCode: plaintextSecret.optional(),
  iban: plaintextSecret.optional(),
});
export type BankAccount = z.output<typeof bankAccountSchema>;
export type BankAccountInput = z.input<typeof bankAccountSchema>;

/** An account as stored: identifiers sealed. */
export const storedBankAccountSchema = z.object({
  ...accountFields,
  accountNumber: sealed.optional(),
  sortCode: sealed.optional(),
  iban: sealed.optional(),
});
export type StoredBankAccount = z.output<typeof storedBankAccountSchema>;

/** `USER#<id>` / `ACCOUNT#<accountId>`. */
export const bankAccountEntity = defineEntity("BankAccount", storedBankAccountSchema, (a) => keys.account(a.userId, a.accountId));
