import { ExpenzezError } from "@expenzez/common";

/**
 * Base of every error this package throws; `code` is stable and safe to log (never holds plaintext).
 * Permanent unless said otherwise: the same value, context or key fails the same way again, so a
 * queue dead-letters the message with its code instead of spending every receive (and a KMS call
 * each) on it. Only `KmsUnavailableError` is worth retrying.
 */
export class CryptoError extends ExpenzezError {
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

/** The value is not something `encrypt` produced (wrong prefix, part count or encoding). */
export class MalformedSealedValueError extends CryptoError {
  constructor(reason: string) {
    super("crypto.malformed_sealed_value", `not a sealed value: ${reason}`);
    this.name = "MalformedSealedValueError";
  }
}

/** Authentication failed: wrong context (other user or field), tampered bytes, or a key KMS refuses. */
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

/** KMS could not produce a data key for encryption. */
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
