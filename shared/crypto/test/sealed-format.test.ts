import { randomBytes } from "node:crypto";
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
    expect(sealed.startsWith("ezk1.")).toBe(true);
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
    expect(isSealedValue(42)).toBe(false);
    expect(() => parseSealed("plain-token")).toThrow(MalformedSealedValueError);
    const parts = sealed.split(".");
    parts[3] = Buffer.alloc(5).toString("base64url");
    expect(() => parseSealed(parts.join("."))).toThrow(/IV must be 12 bytes/);
  });
});
