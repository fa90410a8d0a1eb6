import { ThrottledError } from "./errors";

/** Error names DynamoDB uses for "too fast": request rate, table/index capacity, account limits. */
const THROTTLE_NAMES = new Set(["ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "LimitExceededException"]);

export function errorName(err: unknown): string | undefined {
  return err && typeof err === "object" && "name" in err ? String((err as { name: unknown }).name) : undefined;
}

export function isConditionalCheckFailed(err: unknown): boolean {
  return errorName(err) === "ConditionalCheckFailedException";
}

/** Rethrows throttling as `ThrottledError` (one retry policy for all of them); anything else as is. */
export function rethrowAws(err: unknown, operation: string): never {
  if (THROTTLE_NAMES.has(errorName(err) ?? "")) throw new ThrottledError(`${operation} throttled by DynamoDB`, { cause: err });
  throw err;
}
