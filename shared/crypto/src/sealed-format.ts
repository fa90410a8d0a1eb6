import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { canonicalContext, type EncryptionContext } from "./context";
import { MalformedSealedValueError } from "./errors";

/** Format version 1: `ezk1.<keyId>.<encryptedDataKey>.<iv>.<ciphertext>.<tag>`, each part base64url. */
export const SEALED_PREFIX = "ezk1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]*$/;

/** Everything needed to decrypt, parsed from one sealed string. */
export interface SealedParts {
  keyId: string;
  encryptedDataKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The context and format version as AES-GCM additional data: moving a value to another user/field breaks the tag. */
export function additionalData(context: EncryptionContext): Buffer {
  return Buffer.from(`${SEALED_PREFIX}\n${canonicalContext(context)}`, "utf8");
}

/**
 * AES-256-GCM under an already-known data key; pure, no KMS.
 *
 * @example sealWithDataKey("secret", key, { keyId, encryptedDataKey }, { purpose: "iban", userId: "u1" })
 */
export function sealWithDataKey(plaintext: string, dataKey: Buffer, header: { keyId: string; encryptedDataKey: Buffer }, context: EncryptionContext): string {
  if (dataKey.length !== KEY_BYTES) throw new RangeError(`data key must be ${KEY_BYTES} bytes`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return formatSealed({ keyId: header.keyId, encryptedDataKey: header.encryptedDataKey, iv, ciphertext, tag: cipher.getAuthTag() });
}

/** Inverse of `sealWithDataKey`; throws node's "Unsupported state or unable to authenticate data" on any mismatch. */
export function openWithDataKey(parts: SealedParts, dataKey: Buffer, context: EncryptionContext): string {
  const decipher = createDecipheriv("aes-256-gcm", dataKey, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(context));
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString("utf8");
}

export function formatSealed(parts: SealedParts): string {
  const b = (buf: Buffer) => buf.toString("base64url");
  return [SEALED_PREFIX, b(Buffer.from(parts.keyId, "utf8")), b(parts.encryptedDataKey), b(parts.iv), b(parts.ciphertext), b(parts.tag)].join(".");
}

/** True for strings shaped like a sealed value; cheap, no KMS and no authentication. */
export function isSealedValue(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const parts = value.split(".");
  return parts.length === 6 && parts[0] === SEALED_PREFIX && parts.slice(1).every((p) => B64URL.test(p));
}

export function parseSealed(value: string): SealedParts {
  if (!isSealedValue(value)) throw new MalformedSealedValueError(`expected "${SEALED_PREFIX}." followed by five base64url parts`);
  const [, keyId, edk, iv, ct, tag] = value.split(".").map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  if (keyId.length === 0 || edk.length === 0) throw new MalformedSealedValueError("key id or encrypted data key is empty");
  if (iv.length !== IV_BYTES) throw new MalformedSealedValueError(`IV must be ${IV_BYTES} bytes`);
  if (tag.length !== TAG_BYTES) throw new MalformedSealedValueError(`tag must be ${TAG_BYTES} bytes`);
  return { keyId: keyId.toString("utf8"), encryptedDataKey: edk, iv, ciphertext: ct, tag };
}
