import { createCipheriv, randomBytes } from "node:crypto";
import { GenerateDataKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { isPermanentError } from "@expenzez/common";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { canonicalContext, createFieldEncryptor, DecryptFailedError, KmsUnavailableError, MalformedSealedValueError } from "../src";
import { countingKms } from "./counting-kms";

let stack: LocalStack;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
});

describe("field encryptor on moto KMS", () => {
  it("round-trips a token; the sealed string holds no plaintext", async () => {
    // Prepare
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });
    const ctx = { purpose: "refreshToken", userId: "user-1" };
    // Act
    const sealed = await fields.encrypt("rt_super_secret_value", ctx);
    fields.clearCache();
    const opened = await fields.decrypt(sealed, ctx);
    // Assess
    expect(fields.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("rt_super_secret_value");
    expect(opened).toBe("rt_super_secret_value");
  });

  it("decrypts with a fresh encryptor (new process): the sealed value is self-describing", async () => {
    const ctx = { purpose: "iban", userId: "user-1" };
    const sealed = await createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }).encrypt("GB29NWBK60161331926819", ctx);
    const other = createFieldEncryptor({ kms: stack.aws.kms, keyId: "alias/does-not-matter-for-decrypt" });
    expect(await other.decrypt(sealed, ctx)).toBe("GB29NWBK60161331926819");
  });

  it("rejects a value moved to another user or field with DecryptFailedError (KMS checks the context)", async () => {
    // Prepare
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });
    const sealed = await fields.encrypt("12345678", { purpose: "accountNumber", userId: "user-1" });
    fields.clearCache();
    // Act
    const otherUser = await fields.decrypt(sealed, { purpose: "accountNumber", userId: "user-2" }).catch((e: unknown) => e);
    const otherField = await fields.decrypt(sealed, { purpose: "sortCode", userId: "user-1" }).catch((e: unknown) => e);
    // Assess
    expect(otherUser).toBeInstanceOf(DecryptFailedError);
    expect(otherField).toMatchObject({ code: "crypto.decrypt_failed" });
    expect((otherField as Error).cause).toMatchObject({ name: "InvalidCiphertextException" });
  });

  it("seals a record's fields with one data key: one GenerateDataKey to seal them, one Decrypt to open them all", async () => {
    // Prepare
    const kms = countingKms(stack.aws.kms);
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId });
    const record = { userId: "user-r1", accountId: "acc-1" };
    const values = { accountNumber: "12345678", sortCode: "60-16-13", iban: "GB29NWBK60161331926819" };
    // Act
    const sealed = await Promise.all(Object.entries(values).map(([field, v]) => fields.encrypt(v, record, field)));
    fields.clearCache();
    const opened = await Promise.all(Object.keys(values).map((field, i) => fields.decrypt(sealed[i]!, record, field)));
    const moved = await fields.decrypt(sealed[0]!, record, "sortCode").catch((e: unknown) => e);
    const calls = [...kms.calls];
    const otherRecord = await fields.decrypt(sealed[0]!, { ...record, accountId: "acc-2" }, "accountNumber").catch((e: unknown) => e);
    // Assess
    expect(opened).toEqual(Object.values(values));
    expect(calls.filter((c) => c === "GenerateDataKeyCommand")).toHaveLength(1);
    expect(calls.filter((c) => c === "DecryptCommand")).toHaveLength(1);
    // The other record's refused data key: its Decrypt, then the key probe's GenerateDataKey and Decrypt (ADR 0073).
    expect(kms.calls.slice(calls.length)).toEqual(["DecryptCommand", "GenerateDataKeyCommand", "DecryptCommand"]);
    expect(moved).toBeInstanceOf(DecryptFailedError);
    expect(otherRecord).toBeInstanceOf(DecryptFailedError);
  });

  it("opens a value sealed in the earlier ezk1 format: a data key per field, its name in the KMS context", async () => {
    // Prepare: written as ezk1 was, under a data key for { ...record, purpose: field }
    const record = { userId: "user-l1", connectionId: "conn-1" };
    const keyContext = { ...record, purpose: "refreshToken" };
    const dk = await stack.aws.kms.send(new GenerateDataKeyCommand({ KeyId: stack.handles.keyId, KeySpec: "AES_256", EncryptionContext: keyContext }));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", Buffer.from(dk.Plaintext!), iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`ezk1\n${canonicalContext(keyContext)}`, "utf8"));
    const ct = Buffer.concat([cipher.update("rt_from_before", "utf8"), cipher.final()]);
    const b = (buf: Uint8Array) => Buffer.from(buf).toString("base64url");
    const legacy = ["ezk1", b(Buffer.from(dk.KeyId!)), b(dk.CiphertextBlob!), b(iv), b(ct), b(cipher.getAuthTag())].join(".");
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });
    // Act
    const opened = await fields.decrypt(legacy, record, "refreshToken");
    const wrongField = await fields.decrypt(legacy, record, "accessToken").catch((e: unknown) => e);
    // Assess
    expect(opened).toBe("rt_from_before");
    expect(wrongField).toBeInstanceOf(DecryptFailedError);
  });

  it("rejects a tampered ciphertext with DecryptFailedError, also when the data key is cached", async () => {
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });
    const ctx = { purpose: "accessToken", userId: "user-3" };
    const sealed = await fields.encrypt("at_value", ctx);
    const parts = sealed.split(".");
    const ct = Buffer.from(parts[4]!, "base64url");
    ct[0] = (ct[0] ?? 0) ^ 0xff;
    parts[4] = ct.toString("base64url");
    const tampered = parts.join(".");
    await expect(fields.decrypt(tampered, ctx)).rejects.toBeInstanceOf(DecryptFailedError);
    fields.clearCache();
    await expect(fields.decrypt(tampered, ctx)).rejects.toBeInstanceOf(DecryptFailedError);
    await expect(fields.decrypt("not-sealed", ctx)).rejects.toBeInstanceOf(MalformedSealedValueError);
  });

  it("a value that can never open fails permanently (the queue dead-letters it with its code at once); KMS unavailable stays retryable", async () => {
    // Prepare: KMS throttles the first Decrypt only
    let throttles = 1;
    const kms = {
      send: ((command: { constructor: { name: string } }) => {
        if (command.constructor.name === "DecryptCommand" && throttles-- > 0)
          return Promise.reject(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
        return (stack.aws.kms.send as (c: unknown) => Promise<unknown>)(command);
      }) as unknown as KMSClient["send"],
    };
    const fields = createFieldEncryptor({ kms, keyId: stack.handles.keyId });
    const record = { userId: "user-6", connectionId: "conn-6" };
    const sealed = await fields.encrypt("rt_value", record, "refreshToken");
    fields.clearCache();
    // Act
    const throttled = await fields.decrypt(sealed, record, "refreshToken").catch((e: unknown) => e);
    const otherRecord = await fields.decrypt(sealed, { ...record, connectionId: "conn-7" }, "refreshToken").catch((e: unknown) => e);
    const otherField = await fields.decrypt(sealed, record, "accessToken").catch((e: unknown) => e);
    const malformed = await fields.decrypt("plain-token", record, "refreshToken").catch((e: unknown) => e);
    const noContext = await fields.encrypt("rt_value", {}, "refreshToken").catch((e: unknown) => e);
    // Assess
    expect(throttled).toBeInstanceOf(KmsUnavailableError);
    expect(throttled).toMatchObject({ code: "crypto.kms_unavailable", retryable: true });
    expect(otherRecord).toMatchObject({ code: "crypto.decrypt_failed", retryable: false });
    expect(otherField).toMatchObject({ code: "crypto.decrypt_failed", retryable: false });
    expect(malformed).toMatchObject({ code: "crypto.malformed_sealed_value", retryable: false });
    expect(noContext).toMatchObject({ code: "crypto.invalid_context", retryable: false });
    for (const err of [otherRecord, otherField, malformed, noContext]) expect(isPermanentError(err)).toBe(true);
    expect(await fields.decrypt(sealed, record, "refreshToken")).toBe("rt_value");
  });

  it("reuses a data key per context within maxUses and ttl, then asks KMS again", async () => {
    // Prepare
    let now = 0;
    const kms = countingKms(stack.aws.kms);
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId, maxUses: 3, cacheTtlMs: 1_000, now: () => now });
    const ctx = { purpose: "accessToken", userId: "user-4" };
    // Act: 3 uses of one key, the 4th needs a new key; a second context needs its own.
    const sealed = await Promise.all([1, 2, 3].map((i) => fields.encrypt(`t${i}`, ctx)));
    const afterThree = kms.calls.filter((c) => c === "GenerateDataKeyCommand").length;
    // Opening what we sealed needs no KMS call while the key is cached.
    const plain = await Promise.all(sealed.map((s) => fields.decrypt(s, ctx)));
    const decryptsWarm = kms.calls.filter((c) => c === "DecryptCommand").length;
    await fields.encrypt("t4", ctx);
    await fields.encrypt("other", { purpose: "accessToken", userId: "user-5" });
    now += 1_001;
    await fields.encrypt("t5", { purpose: "accessToken", userId: "user-5" });
    const generated = kms.calls.filter((c) => c === "GenerateDataKeyCommand").length;
    // A cleared cache needs exactly one KMS Decrypt per data key, also for concurrent opens.
    fields.clearCache();
    const reopened = await Promise.all(sealed.map((s) => fields.decrypt(s, ctx)));
    const decryptsCold = kms.calls.filter((c) => c === "DecryptCommand").length;
    // Assess
    expect(afterThree).toBe(1);
    expect(generated).toBe(4);
    expect(plain).toEqual(["t1", "t2", "t3"]);
    expect(decryptsWarm).toBe(0);
    expect(decryptsCold).toBe(1);
    expect(reopened).toEqual(["t1", "t2", "t3"]);
  });

  it("counts concurrent encryptions that waited for one data key against its maxUses", async () => {
    // Prepare
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId, maxUses: 2 });
    const ctx = { purpose: "accessToken", userId: "user-6" };
    // Act: five at once on a cold cache.
    const sealed = await Promise.all([1, 2, 3, 4, 5].map((i) => fields.encrypt(`t${i}`, ctx)));
    // Assess: no data key sealed more than two values; all open.
    const perKey = new Map<string, number>();
    for (const s of sealed) perKey.set(s.split(".")[2]!, (perKey.get(s.split(".")[2]!) ?? 0) + 1);
    expect(Math.max(...perKey.values())).toBeLessThanOrEqual(2);
    expect(perKey.size).toBe(3);
    fields.clearCache();
    expect(await Promise.all(sealed.map((s) => fields.decrypt(s, ctx)))).toEqual(["t1", "t2", "t3", "t4", "t5"]);
    expect(() => createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId, maxEntries: 0 })).toThrow(RangeError);
  });

  it("opens many values at once even when the cache is smaller than the set (evicted keys are zeroed, copies are not)", async () => {
    // Prepare
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId, maxEntries: 1 });
    const contexts = Array.from({ length: 6 }, (_, i) => ({ purpose: "sortCode", userId: `user-${i}` }));
    const sealed = await Promise.all(contexts.map((ctx, i) => fields.encrypt(`60-00-0${i}`, ctx)));
    // Act
    const opened = await Promise.all(sealed.map((s, i) => fields.decrypt(s, contexts[i]!)));
    // Assess
    expect(opened).toEqual(contexts.map((_, i) => `60-00-0${i}`));
  });
});
