export * from "./context";
export * from "./errors";
export * from "./field-encryptor";
export { SEALED_PREFIX, isSealedValue, parseSealed, sealWithDataKey, openWithDataKey, type SealedParts } from "./sealed-format";
