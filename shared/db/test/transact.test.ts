import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { aTransaction } from "../../fixtures/src/entities";
import {
  bankConnectionEntity,
  chunkTransactions,
  type DocClient,
  INDEX_KEY_SOURCES,
  keys,
  MAX_TRANSACT_ACTIONS,
  ThrottledError,
  type TransactAction,
  TransactionCanceledError,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  TransactionTooLargeError,
  transactionEntity,
  transactionError,
  transactWrite,
  txCheckVersion,
  txDelete,
  txUpdateVersioned,
  versionedUpdateExpression,
} from "../src";

const db = { doc: {} as DocClient, tableName: "t" };
const actions: TransactAction[] = [
  { Put: { TableName: "t", Item: { PK: "USER#u1", SK: "TRANSACTION#a" } } },
  txUpdateVersioned(db, { PK: "USER#u1", SK: "ACCOUNT#a1" }, { add: { "transactionSummary.totalTransactions": 1 } }, 3),
  txDelete(db, { PK: "USER#u1", SK: "TRANSACTION#b" }),
];

function cancelled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    $metadata: {},
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
    CancellationReasons: codes.map((Code) => ({ Code, ...(Code === "None" ? {} : { Message: `${Code} happened` }) })),
  });
}

describe("transaction error mapping", () => {
  it("maps ConditionalCheckFailed to a typed error naming the failed action and key", () => {
    const err = transactionError(cancelled(["None", "ConditionalCheckFailed", "None"]), actions);
    expect(err).toBeInstanceOf(TransactionConditionalCheckFailedError);
    const typed = err as TransactionConditionalCheckFailedError;
    expect(typed.code).toBe("db.transaction_condition_failed");
    expect(typed.failedIndexes).toEqual([1]);
    expect(typed.failed).toEqual([
      { index: 1, code: "ConditionalCheckFailed", key: { PK: "USER#u1", SK: "ACCOUNT#a1" }, message: "ConditionalCheckFailed happened" },
    ]);
    expect(typed.message).toContain("#1 USER#u1 / ACCOUNT#a1");
  });

  it("maps TransactionConflict, throttling reasons and anything else", () => {
    expect(transactionError(cancelled(["TransactionConflict", "None", "None"]), actions)).toBeInstanceOf(TransactionConflictError);
    for (const code of ["ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"]) {
      expect(transactionError(cancelled(["None", code, "None"]), actions)).toBeInstanceOf(ThrottledError);
    }
    const other = transactionError(cancelled(["EntityValidationError", "None", "None"]), actions);
    expect(other).toBeInstanceOf(TransactionCanceledError);
    expect(other).toMatchObject({ code: "db.transaction_canceled" });
  });

  it("reads the codes from the message when an emulator sends no CancellationReasons", () => {
    const bare = Object.assign(
      new Error("Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]"),
      {
        name: "TransactionCanceledException",
      },
    );
    expect((transactionError(bare, actions) as TransactionConditionalCheckFailedError).failedIndexes).toEqual([2]);
  });

  it("passes unrelated errors through and maps request-level throttling", () => {
    const boom = new Error("network");
    expect(transactionError(boom, actions)).toBe(boom);
    expect(transactionError(Object.assign(new Error("x"), { name: "ThrottlingException" }), actions)).toBeInstanceOf(ThrottledError);
  });
});

describe("transactWrite limits", () => {
  it("refuses more than 100 actions without calling DynamoDB", async () => {
    let calls = 0;
    const doc = { send: async () => void calls++ } as unknown as DocClient;
    const many = Array.from({ length: 101 }, (_, i) => txCheckVersion(db, { PK: `P#${i}`, SK: "S" }, 1));
    await expect(transactWrite(doc, many)).rejects.toBeInstanceOf(TransactionTooLargeError);
    expect(calls).toBe(0);
    expect(chunkTransactions(many).map((c) => c.length)).toEqual([100, 1]);
    expect(() => chunkTransactions(many, 101)).toThrow(TransactionTooLargeError);
    expect(MAX_TRANSACT_ACTIONS).toBe(100);
  });

  it("passes the client request token for idempotent retries", async () => {
    const inputs: unknown[] = [];
    const doc = { send: async (c: { input: unknown }) => void inputs.push(c.input) } as unknown as DocClient;
    await transactWrite(doc, actions.slice(0, 1), { clientRequestToken: "sync-run-42" });
    expect(inputs[0]).toMatchObject({
      ClientRequestToken: "sync-run-42",
      TransactItems: [{ Put: { TableName: "t", Item: { PK: { S: "USER#u1" }, SK: { S: "TRANSACTION#a" } } } }],
    });
  });
});

describe("versionedUpdateExpression", () => {
  it("bumps the version, SETs values and ADDs integer deltas (nested ones atomically via SET)", () => {
    const expr = versionedUpdateExpression({ set: { "balance.currentMinor": 500 }, add: { spentMinor: 250, "transactionSummary.totalTransactions": 2 } }, 7);
    expect(expr.ConditionExpression).toBe("#version = :expected");
    expect(expr.ExpressionAttributeValues).toMatchObject({ ":expected": 7, ":next": 8, ":s0": 500, ":a0": 250, ":a1": 2 });
    expect(expr.UpdateExpression).toBe("SET #version = :next, #n1.#n2 = :s0, #n4.#n5 = if_not_exists(#n4.#n5, :zero) + :a1 ADD #n3 :a0");
    expect(expr.ExpressionAttributeNames).toMatchObject({
      "#n1": "balance",
      "#n2": "currentMinor",
      "#n3": "spentMinor",
      "#n4": "transactionSummary",
      "#n5": "totalTransactions",
    });
    expect(() => versionedUpdateExpression({ add: { spentMinor: 0.5 } }, 1)).toThrow(/safe integer/);
  });
});

describe("txUpdateVersioned and index keys", () => {
  it("refuses a partial update of what GSI keys derive from, which would leave the old GSI3/GSI4 keys in place", () => {
    const tx = keys.transaction("u1", "txn_1");
    const conn = keys.connection("u1", "c1");
    expect(() => txUpdateVersioned(db, tx, { set: { category: { primary: "transport" } } }, 1)).toThrow(/index key/);
    expect(() => txUpdateVersioned(db, tx, { set: { "category.primary": "transport" } }, 1)).toThrow(/index key/);
    expect(() => txUpdateVersioned(db, tx, { set: { timestamp: "2024-03-02T00:00:00Z" } }, 1)).toThrow(/index key/);
    expect(() => txUpdateVersioned(db, conn, { set: { status: "reconnect_required" } }, 1)).toThrow(/index key/);
    expect(() => txUpdateVersioned(db, conn, { set: { nextSyncAt: "2024-03-02T00:00:00Z" } }, 1)).toThrow(/index key/);
    expect(() => txUpdateVersioned(db, keys.profile("u1"), { set: { email: "b@example.com" } }, 1)).toThrow(/index key/);
    // Layout attributes and the version itself are never set by hand.
    expect(() => txUpdateVersioned(db, tx, { set: { GSI3SK: "CATEGORY#x#y" } }, 1)).toThrow(/partial update/);
    expect(() => txUpdateVersioned(db, tx, { add: { version: 1 } }, 1)).toThrow(/partial update/);
    // What does not feed a key stays allowed.
    expect(txUpdateVersioned(db, tx, { set: { description: "x" } }, 1).Update?.UpdateExpression).toContain("SET");
    expect(txUpdateVersioned(db, conn, { set: { syncStats: { totalSyncs: 1 } } }, 1).Update).toBeDefined();
  });

  it("lists attributes that really do move the entities' index keys", () => {
    // Guards the list against drift from the entity layouts.
    const t = transactionEntity.parse(aTransaction());
    const moved = transactionEntity.toItem({ ...t, category: { ...t.category, primary: "transport" }, timestamp: "2024-03-11T09:00:00Z" });
    expect(moved.GSI3SK).not.toBe(transactionEntity.toItem(t).GSI3SK);
    expect(moved.GSI2SK).not.toBe(transactionEntity.toItem(t).GSI2SK);
    const sealedLike = "ezk1.a2V5.ZWRr.AAAAAAAAAAAAAAAA.Y3Q.AAAAAAAAAAAAAAAAAAAAAA";
    const c = {
      userId: "u1",
      connectionId: "c1",
      providerId: "p",
      status: "active" as const,
      tokenExpiresAt: "2024-03-15T13:00:00Z",
      consentExpiresAt: "2024-06-13T12:00:00Z",
      nextSyncAt: "2024-03-15T11:00:00Z",
      accessToken: sealedLike,
      refreshToken: sealedLike,
      createdAt: "2024-03-15T12:00:00Z",
      updatedAt: "2024-03-15T12:00:00Z",
    };
    expect(bankConnectionEntity.toItem(c).GSI4SK).toBeDefined();
    expect(bankConnectionEntity.toItem({ ...c, status: "reconnect_required" }).GSI4SK).toBeUndefined();
    expect(bankConnectionEntity.toItem({ ...c, nextSyncAt: "2024-03-16T11:00:00Z" }).GSI4SK).not.toBe(bankConnectionEntity.toItem(c).GSI4SK);
    expect(bankConnectionEntity.toItem({ ...c, credentialsId: "cred-1" }).GSI1PK).toBe("CREDENTIALS#cred-1");
    // A fault of the sealed record parks the connection (out of GSI4); our key's fault does not (ADR 0073).
    const fault = (kind: "record" | "key") => ({ fault: kind, code: "crypto.x", reason: "x", since: c.updatedAt, at: c.updatedAt, attempts: 1 });
    expect(bankConnectionEntity.toItem({ ...c, tokenFault: fault("record") }).GSI4SK).toBeUndefined();
    expect(bankConnectionEntity.toItem({ ...c, tokenFault: fault("key") }).GSI4SK).toBe(bankConnectionEntity.toItem(c).GSI4SK);
    expect(INDEX_KEY_SOURCES.find((s) => s.sk(keys.transaction("u", "t").SK))?.attributes).toEqual(["timestamp", "category"]);
    expect(INDEX_KEY_SOURCES.find((s) => s.sk(keys.connection("u", "c").SK))?.attributes).toEqual(["status", "nextSyncAt", "tokenFault", "credentialsId"]);
  });
});
