import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import type { TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { toTransactWriteItem } from "./attribute-values";
import { errorName, rethrowAws } from "./aws-errors";
import {
  type CancelledAction,
  DbError,
  type ItemKey,
  ThrottledError,
  TransactionCanceledError,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  TransactionTooLargeError,
} from "./errors";
import { chunk } from "./retry";
import type { DocClient } from "./table";
import { TRANSACT_WRITE_SERIALIZER, transactWriteSerializer } from "./transact-body";

/** One Put / Update / Delete / ConditionCheck of a TransactWriteItems call. */
export type TransactAction = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** DynamoDB's limit of actions per TransactWriteItems call. */
export const MAX_TRANSACT_ACTIONS = 100;

const THROTTLE_REASONS = new Set(["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"]);

/**
 * Splits actions into transactions of at most 100, for callers whose writes may commit in
 * parts (each part is still all-or-nothing).
 */
export function chunkTransactions(actions: readonly TransactAction[], size = MAX_TRANSACT_ACTIONS): TransactAction[][] {
  if (size > MAX_TRANSACT_ACTIONS) throw new TransactionTooLargeError(size, MAX_TRANSACT_ACTIONS);
  return chunk(actions, size);
}

/**
 * All-or-nothing write of up to 100 actions. A cancellation becomes a typed error that names
 * the failed actions by index: `TransactionConditionalCheckFailedError`, `TransactionConflictError`,
 * `ThrottledError`, or `TransactionCanceledError`. Callers re-read and re-diff; this never retries.
 *
 * @example
 * await transactWrite(aws.doc, [txPutNew(db, transactionEntity, tx), txUpdateVersioned(db, accountKey, { add }, v), txPutNew(db, outboxRecordEntity, event)],
 *   { clientRequestToken: syncRunId });
 */
export async function transactWrite(doc: DocClient, actions: readonly TransactAction[], options: { clientRequestToken?: string } = {}): Promise<void> {
  if (actions.length === 0) return;
  if (actions.length > MAX_TRANSACT_ACTIONS) throw new TransactionTooLargeError(actions.length, MAX_TRANSACT_ACTIONS);
  try {
    // Marshalled here (ADR 0063), sent as the low-level command: the document client shares the
    // base client's config and middleware stack, and only its own commands marshal. Its body is
    // one JSON.stringify of the marshalled input, not the SDK's schema serializer (ADR 0066).
    const command = new TransactWriteItemsCommand({
      TransactItems: actions.map(toTransactWriteItem),
      ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
    });
    command.middlewareStack.add(transactWriteSerializer, TRANSACT_WRITE_SERIALIZER);
    await doc.send(command as unknown as Parameters<DocClient["send"]>[0]);
  } catch (err) {
    throw transactionError(err, actions);
  }
}

/** Maps a TransactWriteItems failure to this package's errors (exported for unit tests and TransactGet callers). */
export function transactionError(err: unknown, actions: readonly TransactAction[]): unknown {
  const name = errorName(err);
  if (name === "TransactionCanceledException") {
    const reasons = cancellationReasons(err, actions);
    const codes = new Set(reasons.map((r) => r.code));
    if (codes.has("ConditionalCheckFailed")) return new TransactionConditionalCheckFailedError(reasons, { cause: err });
    if (codes.has("TransactionConflict")) return new TransactionConflictError(reasons, { cause: err });
    if ([...codes].some((c) => THROTTLE_REASONS.has(c))) return new ThrottledError(`transaction throttled: ${[...codes].join(", ")}`, { cause: err });
    return new TransactionCanceledError(reasons, undefined, undefined, { cause: err });
  }
  if (name === "TransactionInProgressException")
    return new DbError("db.transaction_in_progress", "a transaction with this client request token is still running", { cause: err });
  if (name === "IdempotentParameterMismatchException") {
    return new DbError("db.idempotency_mismatch", "client request token reused with different actions", { cause: err });
  }
  try {
    rethrowAws(err, "TransactWriteItems");
  } catch (mapped) {
    return mapped;
  }
}

function cancellationReasons(err: unknown, actions: readonly TransactAction[]): CancelledAction[] {
  const given = (err as { CancellationReasons?: { Code?: string; Message?: string }[] }).CancellationReasons;
  // Some emulators only list the codes in the message: "... reasons [ConditionalCheckFailed, None]".
  const codes =
    given?.map((r) => r.Code ?? "None") ??
    /\[([^\]]*)\]/
      .exec(String((err as Error).message))?.[1]
      ?.split(",")
      .map((c) => c.trim()) ??
    [];
  return codes.map((code, index) => ({ index, code, key: actionKey(actions[index]), message: given?.[index]?.Message }));
}

/** The key an action touches, for error messages. */
export function actionKey(action: TransactAction | undefined): ItemKey | undefined {
  if (!action) return undefined;
  const raw = action.Put?.Item ?? action.Update?.Key ?? action.Delete?.Key ?? action.ConditionCheck?.Key;
  if (!raw) return undefined;
  return { PK: String(raw.PK), SK: String(raw.SK) };
}
