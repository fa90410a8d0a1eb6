import { KMSClient } from "@aws-sdk/client-kms";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createFieldEncryptor, DecryptFailedError, KeyRefusedError, sealedValueFault } from "../src";
import { countingKms } from "./counting-kms";

// Whose fault a value that cannot be opened is (ADR 0073), on moto's KMS: its errors for a
// corrupt data key, a key that does not exist and a key in another region are real ones.

let stack: LocalStack;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
});

/** A sealed value with part `index` (1 key id, 2 data key, 4 ciphertext) replaced by `change` of its bytes. */
function withPart(sealed: string, index: number, change: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split(".");
  parts[index] = change(Buffer.from(parts[index] as string, "base64url")).toString("base64url");
  return parts.join(".");
}

function flipFirstByte(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out[0] = (out[0] ?? 0) ^ 0xff;
  return out;
}

/** The same emulator seen from another region: a worker deployed with the wrong KMS region. */
function otherRegionKms(): KMSClient {
  return new KMSClient({ region: "us-east-1", endpoint: emulatorEndpoint(), credentials: { accessKeyId: "test", secretAccessKey: "test" } });
}

const record = { userId: "user-f1", connectionId: "conn-f1" };

describe("a value that cannot be opened: whose fault", () => {
  it("a data key KMS refuses while our key seals and opens is the value's fault: DecryptFailedError, not retryable", async () => {
    // Prepare
    const sealed = await createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }).encrypt("rt_value", record, "refreshToken");
    const corruptDataKey = withPart(sealed, 2, flipFirstByte);
    const kms = countingKms(stack.aws.kms);
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId });
    // Act
    const err = await fields.decrypt(corruptDataKey, record, "refreshToken").catch((e: unknown) => e);
    // Assess: KMS refused the data key, then the probe sealed and opened one under our key.
    expect(err).toBeInstanceOf(DecryptFailedError);
    expect(err).toMatchObject({ code: "crypto.decrypt_failed", retryable: false });
    expect((err as Error).cause).toMatchObject({ name: "InvalidCiphertextException" });
    expect(sealedValueFault(err)).toBe("record");
    expect(kms.count("GenerateDataKeyCommand")).toBe(1);
    expect(kms.count("DecryptCommand")).toBe(2);
  });

  it("a value naming a key that does not exist, while ours works, is the value's fault", async () => {
    // Prepare
    const fields = createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });
    const sealed = await fields.encrypt("at_value", record, "accessToken");
    fields.clearCache();
    const gone = withPart(sealed, 1, (arn) => Buffer.from(arn.toString("utf8").replace(/key\/.*$/, "key/00000000-0000-4000-8000-000000000000")));
    // Act
    const err = await fields.decrypt(gone, record, "accessToken").catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(DecryptFailedError);
    expect((err as Error).cause).toMatchObject({ name: "NotFoundException" });
    expect(sealedValueFault(err)).toBe("record");
  });

  it("a refusal while our own key is refused too is our configuration's fault: KeyRefusedError, retryable, one probe per interval", async () => {
    // Prepare: sealed in the stack's region, opened by an encryptor whose KMS is another region's.
    const sealed = await createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }).encrypt("rt_value", record, "refreshToken");
    let now = 0;
    const kms = countingKms(otherRegionKms());
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId, probeFailureTtlMs: 10_000, now: () => now });
    // Act: two refusals within the probe's interval, one after it.
    const first = await fields.decrypt(sealed, record, "refreshToken").catch((e: unknown) => e);
    const second = await fields.decrypt(sealed, record, "refreshToken").catch((e: unknown) => e);
    const probesWithin = kms.count("GenerateDataKeyCommand");
    now += 10_001;
    const third = await fields.decrypt(sealed, record, "refreshToken").catch((e: unknown) => e);
    // Assess
    for (const err of [first, second, third]) {
      expect(err).toBeInstanceOf(KeyRefusedError);
      expect(err).toMatchObject({ code: "crypto.key_refused", retryable: true });
      expect(sealedValueFault(err)).toBe("key");
    }
    expect((first as Error).cause).toMatchObject({ name: "NotFoundException" });
    expect(probesWithin).toBe(1);
    expect(kms.count("GenerateDataKeyCommand")).toBe(2);
  });

  it("a ciphertext that fails authentication under the data key KMS gave is the value's fault, with no probe", async () => {
    // Prepare
    const sealed = await createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }).encrypt("at_value", record, "accessToken");
    const kms = countingKms(stack.aws.kms);
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId });
    // Act
    const tampered = await fields.decrypt(withPart(sealed, 4, flipFirstByte), record, "accessToken").catch((e: unknown) => e);
    const malformed = await fields.decrypt(sealed.split(".").slice(0, 4).join("."), record, "accessToken").catch((e: unknown) => e);
    // Assess
    expect(tampered).toMatchObject({ code: "crypto.decrypt_failed", retryable: false });
    expect(malformed).toMatchObject({ code: "crypto.malformed_sealed_value", retryable: false });
    expect([sealedValueFault(tampered), sealedValueFault(malformed)]).toEqual(["record", "record"]);
    expect(kms.count("GenerateDataKeyCommand")).toBe(0);
  });

  it("sealing under a key KMS refuses is our configuration's fault: KeyRefusedError, retryable, also from ensureDataKey", async () => {
    // Prepare: an encryptor configured with a key that does not exist (it still opens what names its own key)
    const misconfigured = createFieldEncryptor({ kms: stack.aws.kms, keyId: "alias/expenzez-no-such-key" });
    // Act
    const sealing = await misconfigured.encrypt("rt_value", record, "refreshToken").catch((e: unknown) => e);
    const ensuring = await misconfigured.ensureDataKey(record).catch((e: unknown) => e);
    // Assess
    for (const err of [sealing, ensuring]) {
      expect(err).toBeInstanceOf(KeyRefusedError);
      expect(err).toMatchObject({ code: "crypto.key_refused", retryable: true });
      expect((err as Error).cause).toMatchObject({ name: "NotFoundException" });
    }
  });

  it("ensureDataKey leaves a data key at hand without spending a use: the encryptions after it ask KMS nothing", async () => {
    // Prepare
    const kms = countingKms(stack.aws.kms);
    const fields = createFieldEncryptor({ kms: kms.client, keyId: stack.handles.keyId, maxUses: 2 });
    // Act
    await fields.ensureDataKey(record);
    await fields.ensureDataKey(record);
    const afterEnsure = kms.count("GenerateDataKeyCommand");
    const sealed = [await fields.encrypt("a", record, "accessToken"), await fields.encrypt("r", record, "refreshToken")];
    // Assess: one data key, and it sealed both values (maxUses 2: no use went to the ensures)
    expect(afterEnsure).toBe(1);
    expect(kms.count("GenerateDataKeyCommand")).toBe(1);
    expect(new Set(sealed.map((v) => v.split(".")[2])).size).toBe(1);
  });

  it("an error that is not about the value (KMS unreachable) names no fault", async () => {
    // Prepare: a port nothing listens on.
    const sealed = await createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }).encrypt("at_value", record, "accessToken");
    const unreachable = new KMSClient({
      region: "eu-west-2",
      endpoint: "http://127.0.0.1:9",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    // Act
    const err = await createFieldEncryptor({ kms: unreachable, keyId: stack.handles.keyId })
      .decrypt(sealed, record, "accessToken")
      .catch((e: unknown) => e);
    // Assess
    expect(err).toMatchObject({ code: "crypto.kms_unavailable", retryable: true });
    expect(sealedValueFault(err)).toBeUndefined();
  });
});
