export * from "./context";
export * from "./errors";
export * from "./field-encryptor";
export { isSealedValue, LEGACY_SEALED_PREFIX, openWithDataKey, parseSealed, SEALED_PREFIX, type SealedParts, sealWithDataKey } from "./sealed-format";
