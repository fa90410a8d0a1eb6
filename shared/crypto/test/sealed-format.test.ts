import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalContext, InvalidContextError, isSealedValue, MalformedSealedValueError, openWithDataKey, parseSealed, sealWithDataKey } from "../src";

const header = { keyId: "arn:aws:kms:eu-west-2:123456789012:key/abc", encryptedDataKey: randomBytes(40) };
const ctx = { purpose: "accessToken", userId: "u1" };

describe("sealed format", () => {
  it("round-trips and carries key id and encrypted data key in the one string", () => {
    // Prepare
    const key = randomBytes(32);
    // Act
    const sealed = sealWithDataKey("tok_123", key, header, ctx);
    const parts = parseSealed(sealed);
    // Assess
    expect(sealed.startsWith("ezk2.")).toBe(true);
    expect(parts.version).toBe(2);
    expect(sealed).not.toContain("tok_123");
    expect(parts.keyId).toBe(header.keyId);
    expect(parts.encryptedDataKey.equals(header.encryptedDataKey)).toBe(true);
    expect(parts.iv).toHaveLength(12);
    expect(parts.tag).toHaveLength(16);
    expect(openWithDataKey(parts, key, ctx)).toBe("tok_123");
  });

  it("uses a fresh IV each time, so equal plaintexts give different ciphertexts", () => {
    const key = randomBytes(32);
    const a = sealWithDataKey("same", key, header, ctx);
    const b = sealWithDataKey("same", key, header, ctx);
    expect(a).not.toBe(b);
  });

  it("fails authentication when the context (AAD) differs: another user or another field", () => {
    const key = randomBytes(32);
    const parts = parseSealed(sealWithDataKey("12345678", key, header, { purpose: "accountNumber", userId: "u1" }));
    expect(() => openWithDataKey(parts, key, { purpose: "accountNumber", userId: "u2" })).toThrow();
    expect(() => openWithDataKey(parts, key, { purpose: "sortCode", userId: "u1" })).toThrow();
  });

  it("seals a record's fields under one data key, each with its own IV, bound to its field name and record", () => {
    // Prepare
    const key = randomBytes(32);
    const record = { userId: "u1", accountId: "a1" };
    // Act
    const number = parseSealed(sealWithDataKey("12345678", key, header, record, "accountNumber"));
    const sort = parseSealed(sealWithDataKey("60-16-13", key, header, record, "sortCode"));
    // Assess
    expect(number.encryptedDataKey.equals(sort.encryptedDataKey)).toBe(true);
    expect(number.iv.equals(sort.iv)).toBe(false);
    expect(openWithDataKey(number, key, record, "accountNumber")).toBe("12345678");
    expect(openWithDataKey(sort, key, record, "sortCode")).toBe("60-16-13");
    expect(() => openWithDataKey(number, key, record, "sortCode")).toThrow();
    expect(() => openWithDataKey(number, key, { userId: "u1", accountId: "a2" }, "accountNumber")).toThrow();
    expect(() => openWithDataKey(number, key, record)).toThrow();
  });

  it("opens a value sealed in the earlier ezk1 format (its field inside the context as purpose)", () => {
    // Prepare: ezk1 as it was written, AAD = "ezk1\n" + the canonical { ...record, purpose } context
    const key = randomBytes(32);
    const record = { userId: "u1", connectionId: "c1" };
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`ezk1\n${canonicalContext({ ...record, purpose: "refreshToken" })}`, "utf8"));
    const ct = Buffer.concat([cipher.update("rt_legacy", "utf8"), cipher.final()]);
    const b = (buf: Buffer) => buf.toString("base64url");
    const legacy = ["ezk1", b(Buffer.from(header.keyId)), b(header.encryptedDataKey), b(iv), b(ct), b(cipher.getAuthTag())].join(".");
    // Act
    const parts = parseSealed(legacy);
    // Assess
    expect(isSealedValue(legacy)).toBe(true);
    expect(parts.version).toBe(1);
    expect(openWithDataKey(parts, key, record, "refreshToken")).toBe("rt_legacy");
    expect(() => openWithDataKey(parts, key, record, "accessToken")).toThrow();
  });

  it("fails authentication when a ciphertext or tag byte is flipped", () => {
    const key = randomBytes(32);
    const parts = parseSealed(sealWithDataKey("GB29NWBK60161331926819", key, header, ctx));
    const flippedCt = { ...parts, ciphertext: Buffer.from(parts.ciphertext) };
    flippedCt.ciphertext[0] = (flippedCt.ciphertext[0] ?? 0) ^ 1;
    const flippedTag = { ...parts, tag: Buffer.from(parts.tag) };
    flippedTag.tag[15] = (flippedTag.tag[15] ?? 0) ^ 1;
    expect(() => openWithDataKey(flippedCt, key, ctx)).toThrow();
    expect(() => openWithDataKey(flippedTag, key, ctx)).toThrow();
  });

  it("orders context keys canonically, so key order does not matter", () => {
    expect(canonicalContext({ userId: "u1", purpose: "iban" })).toBe(canonicalContext({ purpose: "iban", userId: "u1" }));
    expect(() => canonicalContext({})).toThrow(InvalidContextError);
    expect(() => canonicalContext({ purpose: "" })).toThrow(InvalidContextError);
  });

  it("tells sealed values from plaintext and rejects malformed ones with a typed error", () => {
    const sealed = sealWithDataKey("x", randomBytes(32), header, ctx);
    expect(isSealedValue(sealed)).toBe(true);
    expect(isSealedValue("12345678")).toBe(false);
    expect(isSealedValue("ezk1.a.b")).toBe(false);
    expect(isSealedValue(sealed.replace(/^ezk2/, "ezk3"))).toBe(false);
    expect(isSealedValue(42)).toBe(false);
    expect(() => parseSealed("plain-token")).toThrow(MalformedSealedValueError);
    const parts = sealed.split(".");
    parts[3] = Buffer.alloc(5).toString("base64url");
    expect(() => parseSealed(parts.join("."))).toThrow(/IV must be 12 bytes/);
  });
});
