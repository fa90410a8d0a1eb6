import type { EncryptionContext, FieldEncryptor } from "@expenzez/crypto";

/**
 * Seals the named string fields of `value`, each under `{ ...context, purpose: <field> }`, so
 * a ciphertext copied into another field, record or user fails to open.
 */
export async function sealFields<T extends object>(
  encryptor: FieldEncryptor,
  value: T,
  fields: readonly string[],
  context: EncryptionContext,
): Promise<T> {
  const out = { ...value } as Record<string, unknown>;
  await Promise.all(
    fields.map(async (field) => {
      const plain = out[field];
      if (typeof plain === "string") out[field] = await encryptor.encrypt(plain, { ...context, purpose: field });
    }),
  );
  return out as T;
}

/** Inverse of `sealFields`. */
export async function openFields<T extends object>(
  encryptor: FieldEncryptor,
  value: T,
  fields: readonly string[],
  context: EncryptionContext,
): Promise<T> {
  const out = { ...value } as Record<string, unknown>;
  await Promise.all(
    fields.map(async (field) => {
      const sealedValue = out[field];
      if (typeof sealedValue === "string") out[field] = await encryptor.decrypt(sealedValue, { ...context, purpose: field });
    }),
  );
  return out as T;
}
