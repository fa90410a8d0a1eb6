import { createHash } from "node:crypto";
import { canonicalContext, type EncryptionContext, type FieldEncryptor } from "@expenzez/crypto";

type Transform = (value: string, context: EncryptionContext, field: string) => Promise<string>;

/**
 * Sealed values this process opened or sealed, by a hash of (context, plaintext): writing back
 * a token that did not change reuses its ciphertext instead of asking KMS for a new data key.
 * Bounded; keyed by hash so no plaintext is held as a key.
 */
const SEALED_CACHE_SIZE = 2000;
const sealedCaches = new WeakMap<FieldEncryptor, Map<string, string>>();

function cacheOf(encryptor: FieldEncryptor): Map<string, string> {
  let cache = sealedCaches.get(encryptor);
  if (!cache) {
    cache = new Map();
    sealedCaches.set(encryptor, cache);
  }
  return cache;
}

function cacheKey(plaintext: string, context: EncryptionContext, field: string): string {
  return createHash("sha256").update(canonicalContext(context)).update("\u0000").update(field).update("\u0000").update(plaintext).digest("base64");
}

function remember(cache: Map<string, string>, key: string, sealed: string): void {
  cache.delete(key);
  cache.set(key, sealed);
  if (cache.size > SEALED_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
}

async function transformFields<T extends object>(value: T, fields: readonly string[], context: EncryptionContext, transform: Transform): Promise<T> {
  const out = { ...value } as Record<string, unknown>;
  await Promise.all(
    fields.map(async (field) => {
      const current = out[field];
      if (typeof current === "string") out[field] = await transform(current, context, field);
    }),
  );
  return out as T;
}

/**
 * Seals the named string fields of `value` under the record's `context`: one data key for the
 * record, each field bound to its name, so a ciphertext copied into another field, record or
 * user fails to open.
 */
export function sealFields<T extends object>(encryptor: FieldEncryptor, value: T, fields: readonly string[], context: EncryptionContext): Promise<T> {
  const cache = cacheOf(encryptor);
  return transformFields(value, fields, context, async (plaintext, ctx, field) => {
    const key = cacheKey(plaintext, ctx, field);
    const known = cache.get(key);
    if (known !== undefined) return known;
    const sealed = await encryptor.encrypt(plaintext, ctx, field);
    remember(cache, key, sealed);
    return sealed;
  });
}

/** Inverse of `sealFields`. */
export function openFields<T extends object>(encryptor: FieldEncryptor, value: T, fields: readonly string[], context: EncryptionContext): Promise<T> {
  const cache = cacheOf(encryptor);
  return transformFields(value, fields, context, async (sealed, ctx, field) => {
    const plaintext = await encryptor.decrypt(sealed, ctx, field);
    remember(cache, cacheKey(plaintext, ctx, field), sealed);
    return plaintext;
  });
}
