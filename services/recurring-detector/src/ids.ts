import { createHash } from "node:crypto";

/**
 * Merchant ids are a hash of the merchant key: keys hold spaces and any letter, ids go into
 * sort keys. Stream ids start with their merchant's id so one Query reads one merchant's streams.
 */
export function merchantIdOf(merchantKey: string): string {
  return `m${createHash("sha256").update(merchantKey, "utf8").digest("hex").slice(0, 20)}`;
}

/** The merchant id a stored stream id starts with. */
export function merchantIdOfStream(streamId: string): string {
  return streamId.slice(0, streamId.indexOf("."));
}

export function storedStreamId(merchantId: string, detectorId: string): string {
  return detectorId.startsWith(`${merchantId}.`) ? detectorId : `${merchantId}.${detectorId}`;
}

/**
 * A name-based UUID (version 5 layout over sha-1) for an event that must go out once per
 * occurrence: two evaluations of the same occurrence build the same event id, and consumers
 * deduplicate on it. Six lines, so no dependency.
 */
export function eventIdFor(...parts: string[]): string {
  const hash = createHash("sha1")
    .update(`expenzez.recurring\u0000${parts.join("\u0000")}`, "utf8")
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
