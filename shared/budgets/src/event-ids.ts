import { createHash } from "node:crypto";

/**
 * A UUID (RFC 9562 version 8) derived from its parts: the same threshold of the same budget
 * period always gets the same event id, so however often it is announced (a replay, a race lost
 * after publishing) consumers see one event.
 *
 * @example stableEventId("threshold", "u1", "b1", "2024-03-01T00:00:00.000Z", "80") // "…-8…-…"
 */
export function stableEventId(...parts: string[]): string {
  const hex = createHash("sha256").update(JSON.stringify(parts), "utf8").digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
