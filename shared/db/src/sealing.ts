import type { EncryptionContext, FieldEncryptor } from "@expenzez/crypto";

type Transform = (value: string, context: EncryptionContext) => Promise<string>;

async function transformFields<T extends object>(value: T, fields: readonly string[], context: EncryptionContext, transform: Transform): Promise<T> {
  const out = { ...value } as Record<string, unknown>;
  await Promise.all(
    fields.map(async (field) => {
      const current = out[field];
      if (typeof current === "string") out[field] = await transform(current, { ...context, purpose: field });
    }),
  );
  return out as T;
}

/**
 * Seals the named string fields of `value`, each under `{ ...context, purpose: <field> }`, so
 * a ciphertext copied into another field, record or user fails to open.
 */
export function sealFields<T extends object>(encryptor: FieldEncryptor, value: T, fields: readonly string[], context: EncryptionContext): Promise<T> {
  return transformFields(value, fields, context, encryptor.encrypt);
}

/** Inverse of `sealFields`. */
export function openFields<T extends object>(encryptor: FieldEncryptor, value: T, fields: readonly string[], context: EncryptionContext): Promise<T> {
  return transformFields(value, fields, context, encryptor.decrypt);
}
