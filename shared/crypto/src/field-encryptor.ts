import { DecryptCommand, type DecryptCommandOutput, GenerateDataKeyCommand, type GenerateDataKeyCommandOutput, type KMSClient } from "@aws-sdk/client-kms";
import { canonicalContext, type EncryptionContext } from "./context";
import { DecryptFailedError, EncryptFailedError, KeyRefusedError, KmsUnavailableError } from "./errors";
import { DataKeyCache } from "./key-cache";
import { dataKeyContext, isSealedValue, openWithDataKey, parseSealed, sealWithDataKey } from "./sealed-format";

export interface FieldEncryptorOptions {
  kms: Pick<KMSClient, "send">;
  /** KMS key id, ARN or alias used for new data keys. Decrypt reads the key id from the sealed value. */
  keyId: string;
  /** How long a plaintext data key may be reused. Default 5 minutes. */
  cacheTtlMs?: number;
  /** Encryptions per data key before a new one is generated. Default 1000. */
  maxUses?: number;
  /** Distinct contexts (encrypt) and encrypted keys (decrypt) kept. Default 500 each. */
  maxEntries?: number;
  /** How long a failed key probe stands before another refusal probes again. Default 10 seconds. */
  probeFailureTtlMs?: number;
  now?: () => number;
}

export interface FieldEncryptor {
  /**
   * Seals `plaintext` into one self-describing string bound to the record's `context` and to
   * `field`: every field of one record (one context) is sealed under the same data key.
   */
  encrypt(plaintext: string, context: EncryptionContext, field?: string): Promise<string>;
  /**
   * Makes sure a data key to seal under `context` is at hand (one GenerateDataKey when none is
   * cached), so that an `encrypt` under it within the cache's time needs no KMS call. For a
   * caller that must know it can seal before it asks for what it will seal (a refresh token
   * rotated by the provider is lost if it cannot be stored). Throws `KeyRefusedError` when KMS
   * refuses our key, `KmsUnavailableError` when it cannot be reached.
   */
  ensureDataKey(context: EncryptionContext): Promise<void>;
  /**
   * Opens a sealed string of either format (ezk1: sealed under `{ ...context, purpose: field }`).
   * Throws, by whose fault it is (ADR 0073, `sealedValueFault`): `DecryptFailedError` or
   * `MalformedSealedValueError` when the value itself is bad (the context, the field or any byte
   * differs, its data key is refused while our key works), not retryable; `KeyRefusedError` when
   * KMS refuses our own key too (our configuration); `KmsUnavailableError` when KMS cannot be reached.
   */
  decrypt(sealed: string, context: EncryptionContext, field?: string): Promise<string>;
  /** Shape check only (no KMS): tells sealed values from plaintext. */
  isSealed(value: unknown): value is string;
  /** Drops and zeroes every cached plaintext data key. */
  clearCache(): void;
}

interface DataKeyHeader {
  keyId: string;
  encryptedDataKey: Buffer;
}

/** KMS errors that mean "this ciphertext or context is wrong", as opposed to "try again later". */
const REJECTIONS = new Set([
  "InvalidCiphertextException",
  "IncorrectKeyException",
  "NotFoundException",
  "DisabledException",
  "AccessDeniedException",
  "KMSInvalidStateException",
]);

/** The KMS encryption context of the key probe's data key: no record's, so it opens nothing else. */
const PROBE_CONTEXT = { purpose: "expenzez-key-probe" };

/**
 * Field-level envelope encryption: one KMS data key (AES-256) per record context, shared by the
 * record's fields and reused within bounded time and uses, then AES-256-GCM with a random IV per
 * field and the context and field name as additional data (ADR 0061).
 *
 * @example
 * const fields = createFieldEncryptor({ kms: aws.kms, keyId: handles.keyId });
 * const sealed = await fields.encrypt(token, { userId, connectionId }, "accessToken");
 * const token2 = await fields.decrypt(sealed, { userId, connectionId }, "accessToken");
 */
export function createFieldEncryptor(options: FieldEncryptorOptions): FieldEncryptor {
  const now = options.now ?? Date.now;
  const ttlMs = options.cacheTtlMs ?? 5 * 60_000;
  const maxEntries = options.maxEntries ?? 500;
  const maxUses = options.maxUses ?? 1000;
  // Below 1, nothing could ever be taken from the cache that encrypt and decrypt wait on.
  if (!(maxEntries >= 1 && maxUses >= 1)) throw new RangeError(`maxEntries and maxUses must be at least 1, got ${maxEntries} and ${maxUses}`);
  const encryptKeys = new DataKeyCache<DataKeyHeader>({ ttlMs, maxUses, maxEntries }, now);
  const decryptKeys = new DataKeyCache<null>({ ttlMs, maxUses: Number.POSITIVE_INFINITY, maxEntries }, now);
  // Concurrent encrypts for one context share one GenerateDataKey call.
  const pending = new Map<string, Promise<void>>();
  const pendingDecrypts = new Map<string, Promise<void>>();
  const probeFailureTtlMs = options.probeFailureTtlMs ?? 10_000;
  let probeFailedUntil = Number.NEGATIVE_INFINITY;
  let probing: Promise<boolean> | undefined;

  /**
   * Whether our key still seals and opens a data key with this process's credentials: asked
   * after KMS refused a value's data key, to tell the value's fault from our configuration's
   * (ADR 0073). A success is never reused (a configuration that just broke must not blame the
   * next values); a failure stands for `probeFailureTtlMs`, so an outage of our key costs one
   * probe per interval, not one per value. Refusals at once share one probe.
   */
  function ourKeyWorks(): Promise<boolean> {
    if (now() < probeFailedUntil) return Promise.resolve(false);
    probing ??= (async () => {
      try {
        const made = await options.kms.send(new GenerateDataKeyCommand({ KeyId: options.keyId, KeySpec: "AES_256", EncryptionContext: PROBE_CONTEXT }));
        made.Plaintext?.fill(0);
        const opened = await options.kms.send(new DecryptCommand({ KeyId: made.KeyId, CiphertextBlob: made.CiphertextBlob, EncryptionContext: PROBE_CONTEXT }));
        const works = opened.Plaintext !== undefined && opened.Plaintext.length > 0;
        opened.Plaintext?.fill(0);
        return works;
      } catch {
        // Whatever stopped the probe (refused, throttled, unreachable), our key is not shown to work.
        return false;
      }
    })()
      .then((works) => {
        if (!works) probeFailedUntil = now() + probeFailureTtlMs;
        return works;
      })
      .finally(() => {
        probing = undefined;
      });
    return probing;
  }

  /** Puts a new data key for `slot` in both caches; the only plaintext copies are the cached ones. */
  async function generate(slot: string, context: EncryptionContext): Promise<void> {
    let out: GenerateDataKeyCommandOutput;
    try {
      out = await options.kms.send(new GenerateDataKeyCommand({ KeyId: options.keyId, KeySpec: "AES_256", EncryptionContext: { ...context } }));
    } catch (err) {
      // We chose the key and the context: a refusal here is always our configuration's.
      if (REJECTIONS.has((err as Error).name)) throw new KeyRefusedError(`KMS refused a data key under ${options.keyId}`, { cause: err });
      throw new KmsUnavailableError("GenerateDataKey", { cause: err });
    }
    if (!out.Plaintext || !out.CiphertextBlob || !out.KeyId) throw new EncryptFailedError("GenerateDataKey returned no key material");
    const header = { keyId: out.KeyId, encryptedDataKey: Buffer.from(out.CiphertextBlob) };
    const key = Buffer.from(out.Plaintext);
    out.Plaintext.fill(0);
    encryptKeys.put(slot, header, Buffer.from(key), 0);
    // The same key opens what it sealed without another KMS round trip.
    decryptKeys.put(decryptSlot(header.encryptedDataKey, slot), null, Buffer.from(key), 0);
    key.fill(0);
  }

  async function encrypt(plaintext: string, context: EncryptionContext, field?: string): Promise<string> {
    if (field !== undefined && field.length === 0) throw new RangeError("a field name must not be empty");
    const slot = canonicalContext(context);
    // Every use is counted against the cached key, also by callers that waited for it: past
    // maxUses, they wait for the next key (waiters resume before any other KMS reply can evict it).
    for (;;) {
      const cached = encryptKeys.take(slot, true);
      if (cached) return sealWithDataKey(plaintext, cached.plaintextKey, cached.value, context, field);
      await generateShared(slot, context);
    }
  }

  /** A data key to seal under `context` at hand, without counting a use: what `ensureDataKey` promises. */
  async function ensureDataKey(context: EncryptionContext): Promise<void> {
    const slot = canonicalContext(context);
    while (!encryptKeys.take(slot, false)) await generateShared(slot, context);
  }

  /** The GenerateDataKey for `slot` in flight, or a new one: concurrent callers share one call. */
  function generateShared(slot: string, context: EncryptionContext): Promise<void> {
    let inFlight = pending.get(slot);
    if (!inFlight) {
      inFlight = generate(slot, context).finally(() => pending.delete(slot));
      pending.set(slot, inFlight);
    }
    return inFlight;
  }

  async function dataKeyFor(parts: ReturnType<typeof parseSealed>, context: EncryptionContext, slot: string): Promise<Buffer> {
    const cacheKey = decryptSlot(parts.encryptedDataKey, slot);
    for (;;) {
      // Callers get their own copy: a concurrent eviction zeroes the cached buffer.
      const cached = decryptKeys.take(cacheKey, false);
      if (cached) return Buffer.from(cached.plaintextKey);
      // Opening many values sealed under one data key at once costs one KMS call, not one each.
      let inFlight = pendingDecrypts.get(cacheKey);
      if (!inFlight) {
        inFlight = unwrap(parts, context, cacheKey).finally(() => pendingDecrypts.delete(cacheKey));
        pendingDecrypts.set(cacheKey, inFlight);
      }
      await inFlight;
    }
  }

  async function unwrap(parts: ReturnType<typeof parseSealed>, context: EncryptionContext, cacheKey: string): Promise<void> {
    let out: DecryptCommandOutput;
    try {
      out = await options.kms.send(new DecryptCommand({ KeyId: parts.keyId, CiphertextBlob: parts.encryptedDataKey, EncryptionContext: { ...context } }));
    } catch (err) {
      if (!REJECTIONS.has((err as Error).name)) throw new KmsUnavailableError("Decrypt", { cause: err });
      // One refusal cannot say whose fault it is: the same AccessDenied comes from a bad record
      // and from a key policy that refuses everyone. Our key working says it is the record's.
      if (await ourKeyWorks()) throw new DecryptFailedError("KMS refused this value's data key while our key seals and opens", context, { cause: err });
      throw new KeyRefusedError("KMS refused this value's data key and a probe data key under our key", { cause: err });
    }
    if (!out.Plaintext) throw new KmsUnavailableError("Decrypt (no plaintext in the answer)");
    const key = Buffer.from(out.Plaintext);
    out.Plaintext.fill(0);
    decryptKeys.put(cacheKey, null, Buffer.from(key), 0);
    key.fill(0);
  }

  async function decrypt(sealed: string, context: EncryptionContext, field?: string): Promise<string> {
    const parts = parseSealed(sealed);
    // The data key's own context: the record's (ezk2), or the record's and the field's (ezk1).
    const keyContext = dataKeyContext(parts.version, context, field);
    const key = await dataKeyFor(parts, keyContext, canonicalContext(keyContext));
    try {
      return openWithDataKey(parts, key, context, field);
    } catch (err) {
      throw new DecryptFailedError("ciphertext failed authentication (tampered, or sealed for another context or field)", dataKeyContext(1, context, field), {
        cause: err,
      });
    } finally {
      key.fill(0);
    }
  }

  return {
    encrypt,
    ensureDataKey,
    decrypt,
    isSealed: isSealedValue,
    clearCache() {
      encryptKeys.clear();
      decryptKeys.clear();
    },
  };
}

/** Decrypt cache slot: encrypted key bytes plus context, so a wrong context never hits the cache. */
function decryptSlot(encryptedDataKey: Buffer, contextSlot: string): string {
  return `${encryptedDataKey.toString("base64")}|${contextSlot}`;
}
