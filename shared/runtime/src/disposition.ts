import { PermanentFailure, RetryLater } from "./errors";

/** What a runtime does with a message once its handler has run. */
export type Disposition =
  | { kind: "done" }
  | { kind: "retry"; delaySeconds: number; code: string; reason: string }
  | { kind: "dead"; code: string; reason: string };

/** SQS caps a message's visibility timeout at 12 hours; we never back off past 15 minutes. */
const MAX_BACKOFF_SECONDS = 900;
const BASE_BACKOFF_SECONDS = 2;

/**
 * The one place that decides retry versus dead-letter, by the error's class:
 * - `permanent: true` on the error (PermanentFailure, zod's and the events package's
 *   validation errors mark themselves so) → dead-letter now, with the reason;
 * - everything else → retry with exponential backoff and full jitter on the receive count,
 *   or the error's own `delaySeconds` (Retry-After). SQS's redrive policy still moves a
 *   message that keeps failing to the DLQ after `maxReceiveCount` deliveries.
 */
export type FailureDisposition = Exclude<Disposition, { kind: "done" }>;

export function classifyFailure(error: unknown, receiveCount: number, random: () => number = Math.random): FailureDisposition {
  const code = errorCode(error);
  const reason = errorMessage(error);
  if (isPermanent(error)) return { kind: "dead", code, reason };
  // A Retry-After in the past, or unparsable, must not make ChangeMessageVisibility fail.
  const explicit = error instanceof RetryLater && Number.isFinite(error.delaySeconds) ? Math.max(0, error.delaySeconds as number) : undefined;
  const ceiling = Math.min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** Math.max(0, receiveCount - 1));
  const delaySeconds = explicit !== undefined ? Math.min(MAX_BACKOFF_SECONDS, Math.ceil(explicit)) : Math.floor(random() * ceiling);
  return { kind: "retry", delaySeconds, code, reason };
}

function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentFailure) return true;
  if (!error || typeof error !== "object") return false;
  // zod's error (classic "ZodError", zod/mini and core "$ZodError") and any error that declares
  // itself permanent (events.invalid_event, db.validation_failed, ...).
  const name = (error as Error).name;
  return (error as { permanent?: unknown }).permanent === true || name === "ZodError" || name === "$ZodError";
}

function errorCode(error: unknown): string {
  const code = error && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && code) return code;
  return error instanceof Error ? error.name : "unknown";
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // SQS message attributes hold up to 256 KiB, but a reason is for people: keep it short.
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}
