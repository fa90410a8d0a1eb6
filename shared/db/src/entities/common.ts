import { isSealedValue } from "@expenzez/crypto";
import { z } from "zod";

/** An id that is safe as a key segment. */
export const id = z
  .string()
  .min(1)
  .max(256)
  .refine((v) => !v.includes("#"), { message: 'must not contain "#"' });

/** ISO 8601 with an explicit offset; keys normalise it to UTC. */
export const isoDateTime = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

/** An ISO timestamp stored as UTC, for attributes that condition expressions compare as strings. */
export const utcDateTime = isoDateTime.transform((t) => new Date(Date.parse(t)).toISOString());

/** Integer minor units (pence): every sum and counter. */
export const minor = z.int();
export const nonNegativeMinor = z.int().nonnegative();

export const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code");

/**
 * Whether Intl (and so luxon) can read a clock in `zone`: an IANA zone or alias (`Europe/London`,
 * `Asia/Calcutta`, `UTC`); a city (`London`) or an offset is refused. Not
 * `Intl.supportedValuesOf("timeZone")`: it leaves out `UTC` and other aliases that Intl reads.
 */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether Intl can write with `locale`, a BCP 47 tag (`en-GB`); Android's `en_GB` is refused. */
export function isKnownLocale(locale: string): boolean {
  try {
    Intl.getCanonicalLocales(locale);
    return true;
  } catch {
    return false;
  }
}

export const ianaTimeZone = z.string().min(1).refine(isKnownTimeZone, { message: "must be an IANA time zone such as Europe/London" });
export const bcp47Locale = z.string().min(2).refine(isKnownLocale, { message: "must be a BCP 47 locale such as en-GB" });

/** Optimistic-lock counter: starts at 1, only grows. */
export const version = z.int().positive();

/** Epoch seconds, as DynamoDB TTL wants. */
export const epochSeconds = z.int().positive();

/** A value sealed by @expenzez/crypto; rejects plaintext so it can never be stored by mistake. */
export const sealed = z.string().refine(isSealedValue, { message: "must be a sealed (encrypted) value, never plaintext" });

/** A secret in plaintext, about to be sealed: a value sealed already would be sealed twice and open to ciphertext. */
export const plaintextSecret = z
  .string()
  .min(1)
  .refine((v) => !isSealedValue(v), { message: "is sealed already; pass the plaintext" });

export const timestamps = {
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
};
