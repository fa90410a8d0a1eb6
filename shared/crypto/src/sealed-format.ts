import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { canonicalContext, type EncryptionContext } from "./context";
import { MalformedSealedValueError } from "./errors";

/**
 * `<version>.<keyId>.<encryptedDataKey>.<iv>.<ciphertext>.<tag>`, each part base64url.
 *
 * - `ezk2` (written): the data key belongs to a record (its KMS encryption context is the
 *   record's, e.g. `{ userId, accountId }`), so all fields of one record share one data key and
 *   one KMS call; each field has its own IV and its additional data binds the record and the
 *   field's name, so a ciphertext moved to another field or record fails to open.
 * - `ezk1` (read only): one data key per field, the field's name inside the KMS context as
 *   `purpose`; the additional data is that whole context.
 */
export const SEALED_PREFIX = "ezk2";
export const LEGACY_SEALED_PREFIX = "ezk1";
const PREFIXES = new Set([SEALED_PREFIX, LEGACY_SEALED_PREFIX]);
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** Everything needed to decrypt, parsed from one sealed string. */
export interface SealedParts {
  version: 1 | 2;
  keyId: string;
  encryptedDataKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The KMS encryption context of a value's data key: the record's (v2), or the record's plus `purpose: field` (v1). */
export function dataKeyContext(version: 1 | 2, context: EncryptionContext, field?: string): EncryptionContext {
  return version === 1 && field !== undefined ? { ...context, purpose: field } : context;
}

/** The AES-GCM additional data: format version, record context and (v2) field name. */
export function additionalData(version: 1 | 2, context: EncryptionContext, field?: string): Buffer {
  if (version === 1) return Buffer.from(`${LEGACY_SEALED_PREFIX}\n${canonicalContext(dataKeyContext(1, context, field))}`, "utf8");
  return Buffer.from(`${SEALED_PREFIX}\n${canonicalContext(context)}\n${field ?? ""}`, "utf8");
}

/**
 * AES-256-GCM under an already-known data key (the record's), in the current format; pure, no KMS.
 *
 * @example sealWithDataKey("12345678", key, { keyId, encryptedDataKey }, { userId: "u1", accountId: "a1" }, "accountNumber")
 */
export function sealWithDataKey(
  plaintext: string,
  dataKey: Buffer,
  header: { keyId: string; encryptedDataKey: Buffer },
  context: EncryptionContext,
  field?: string,
): string {
  if (dataKey.length !== KEY_BYTES) throw new RangeError(`data key must be ${KEY_BYTES} bytes`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(2, context, field));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return formatSealed({ version: 2, keyId: header.keyId, encryptedDataKey: header.encryptedDataKey, iv, ciphertext, tag: cipher.getAuthTag() });
}

/** Inverse of `sealWithDataKey` (either version); throws node's "Unsupported state or unable to authenticate data" on any mismatch. */
export function openWithDataKey(parts: SealedParts, dataKey: Buffer, context: EncryptionContext, field?: string): string {
  const decipher = createDecipheriv("aes-256-gcm", dataKey, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(parts.version, context, field));
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString("utf8");
}

export function formatSealed(parts: SealedParts): string {
  const b = (buf: Buffer) => buf.toString("base64url");
  const prefix = parts.version === 1 ? LEGACY_SEALED_PREFIX : SEALED_PREFIX;
  return [prefix, b(Buffer.from(parts.keyId, "utf8")), b(parts.encryptedDataKey), b(parts.iv), b(parts.ciphertext), b(parts.tag)].join(".");
}

/** True for strings shaped like a sealed value of either version; cheap, no KMS and no authentication. */
export function isSealedValue(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const parts = value.split(".");
  return parts.length === 6 && PREFIXES.has(parts[0] as string) && parts.slice(1).every((p) => B64URL.test(p));
}

export function parseSealed(value: string): SealedParts {
  if (!isSealedValue(value)) throw new MalformedSealedValueError(`expected "${SEALED_PREFIX}." or "${LEGACY_SEALED_PREFIX}." followed by five base64url parts`);
  const [prefix, ...rest] = value.split(".");
  const [keyId, edk, iv, ct, tag] = rest.map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  if (keyId.length === 0 || edk.length === 0) throw new MalformedSealedValueError("key id or encrypted data key is empty");
  if (iv.length !== IV_BYTES) throw new MalformedSealedValueError(`IV must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw new MalformedSealedValueError(`tag must be ${TAG_BYTES} bytes`);
  return { version: prefix === LEGACY_SEALED_PREFIX ? 1 : 2, keyId: keyId.toString("utf8"), encryptedDataKey: edk, iv, ciphertext: ct, tag };
}
