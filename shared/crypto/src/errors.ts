import { ExpenzezError } from "@expenzez/common";

/**
 * Base of every error this package throws; `code` is stable and safe to log (never holds plaintext).
 * Permanent unless said otherwise: the same value, context or key fails the same way again, so a
 * queue dead-letters the message with its code instead of spending every receive (and a KMS call
 * each) on it. Only `KmsUnavailableError` and `KeyRefusedError` (our KMS configuration, ADR 0073)
 * are worth retrying.
 */
export class CryptoError extends ExpenzezError {
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

/**
 * The value is not something `encrypt` produced (wrong prefix, part count or encoding). The
 * value's own fault: it never parses, so trying again cannot help.
 */
export class MalformedSealedValueError extends CryptoError {
  constructor(reason: string) {
    super("crypto.malformed_sealed_value", `not a sealed value: ${reason}`);
    this.name = "MalformedSealedValueError";
  }
}

/**
 * This value cannot be opened, and it is the value's own fault (ADR 0073): its ciphertext failed
 * authentication under the data key KMS gave us (tampered bytes, or sealed for another context
 * or field), or KMS refused its data key while our key still seals and opens (its data key is
 * corrupt, bound to another context, or under a key that is gone). Not retryable.
 */
export class DecryptFailedError extends CryptoError {
  constructor(
    message: string,
    readonly context: Readonly<Record<string, string>>,
    options?: { cause?: unknown },
  ) {
    super("crypto.decrypt_failed", message, options);
    this.name = "DecryptFailedError";
  }
}

/**
 * KMS refuses our own key: our KMS configuration (key policy, grants, key state, region) is at
 * fault, shared by every sealed value (ADR 0073). From `decrypt`: KMS refused the value's data
 * key and a probe data key under our key too; from `encrypt`: KMS refused a data key under our
 * key. Retryable: it works again once the configuration is fixed.
 */
export class KeyRefusedError extends CryptoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("crypto.key_refused", `${message}: a KMS configuration fault, not the value's`, { ...options, retryable: true });
    this.name = "KeyRefusedError";
  }
}

/** Whose fault a value that cannot be opened is: the value's own, or our key configuration's. */
export type SealedValueFault = "record" | "key";

/**
 * The fault an error of `decrypt` names (ADR 0073), or undefined for any other error (KMS
 * unreachable or throttled: `KmsUnavailableError`, transient).
 *
 * @example sealedValueFault(err) === "record" // this record can never be opened: stop retrying it
 */
export function sealedValueFault(error: unknown): SealedValueFault | undefined {
  if (error instanceof DecryptFailedError || error instanceof MalformedSealedValueError) return "record";
  if (error instanceof KeyRefusedError) return "key";
  return undefined;
}

/** KMS answered a data key request without the key material. */
export class EncryptFailedError extends CryptoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("crypto.encrypt_failed", message, options);
    this.name = "EncryptFailedError";
  }
}

/** KMS was unreachable or throttled: worth retrying, unlike a decrypt failure. */
export class KmsUnavailableError extends CryptoError {
  constructor(operation: string, options?: { cause?: unknown }) {
    super("crypto.kms_unavailable", `KMS ${operation} failed; retry later`, { ...options, retryable: true });
    this.name = "KmsUnavailableError";
  }
}

/** An encryption context must name at least one non-empty pair, e.g. `{ purpose, userId }`. */
export class InvalidContextError extends CryptoError {
  constructor(message: string) {
    super("crypto.invalid_context", message);
    this.name = "InvalidContextError";
  }
}
