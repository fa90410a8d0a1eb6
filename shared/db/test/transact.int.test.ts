import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import type { LocalStack } from "@expenzez/infra";
import { beforeAll, describe, expect, it } from "vitest";
import { anAccount, aTransaction, NOW } from "../../fixtures/src/entities";
import {
  accountRepository,
  bankAccountEntity,
  type Db,
  keys,
  newOutboxRecord,
  outboxRecordEntity,
  TransactionConditionalCheckFailedError,
  TransactionTooLargeError,
  transactionEntity,
  transactWrite,
  txCheckVersion,
  txPutNew,
  txPutVersioned,
  txUpdateVersioned,
} from "../src";
import { freshTable } from "./local-table";

let stack: LocalStack;
let db: Db;

beforeAll(async () => {
  ({ stack, db } = await freshTable());
});

async function allKeys(): Promise<string[]> {
  const out = await stack.aws.doc.send(new ScanCommand({ TableName: db.tableName, ProjectionExpression: "PK, SK" }));
  return (out.Items ?? []).map((i) => `${i.PK} ${i.SK}`).sort();
}

describe("transactWrite on moto", () => {
  it("commits transactions, account counters (ADD on minor units) and the outbox event together", async () => {
    // Prepare
    const accounts = accountRepository(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
    const account = await accounts.putNew(anAccount({ userId: "user-x", accountId: "acc-x" }));
    const txs = [
      aTransaction({ userId: "user-x", accountId: "acc-x", pence: -250 }),
      aTransaction({ userId: "user-x", accountId: "acc-x", pence: -1000, status: "pending" }),
    ];
    const event = newOutboxRecord({ eventId: "evt-x", detailType: "TransactionsSynced", source: "expenzez.sync", detail: { version: 1 }, createdAt: NOW });
    // Act
    await transactWrite(
      db.doc,
      [
        ...txs.map((t) => txPutNew(db, transactionEntity, t)),
        txUpdateVersioned(
          db,
          keys.account("user-x", "acc-x"),
          {
            set: { "balance.currentMinor": 122206, "balance.current": 1222.06 },
            add: { "transactionSummary.totalTransactions": 2, "transactionSummary.pendingTransactions": 1 },
          },
          account.version,
        ),
        txPutNew(db, outboxRecordEntity, event),
      ],
      { clientRequestToken: "sync-run-1" },
    );
    // Assess
    const stored = await accounts.get("user-x", "acc-x");
    expect(stored).toMatchObject({ version: 2, transactionSummary: { totalTransactions: 2, pendingTransactions: 1 }, balance: { currentMinor: 122206 } });
    expect(await allKeys()).toEqual(
      [...txs.map((t) => `USER#user-x TRANSACTION#${t.transactionId}`), "USER#user-x ACCOUNT#acc-x", `OUTBOX#${event.shard} ${NOW}#evt-x`].sort(),
    );
  });

  it("writes nothing when one condition fails, and names the failed action", async () => {
    // Prepare: an existing transaction and an account at version 1.
    const existing = aTransaction({ userId: "user-y", transactionId: "txn_existing" });
    await transactWrite(db.doc, [
      txPutNew(db, transactionEntity, existing),
      txPutNew(
        db,
        bankAccountEntity,
        bankAccountEntity.parse({ ...anAccount({ userId: "user-y", accountId: "acc-y" }), accountNumber: undefined, sortCode: undefined, iban: undefined }),
      ),
    ]);
    const before = await allKeys();
    const fresh = aTransaction({ userId: "user-y", transactionId: "txn_fresh" });
    const event = newOutboxRecord({ eventId: "evt-y", detailType: "TransactionsSynced", source: "expenzez.sync", detail: { version: 1 }, createdAt: NOW });
    // Act: action #1 re-inserts an existing transaction; action #2 carries a stale account version.
    const err = await transactWrite(db.doc, [
      txPutNew(db, transactionEntity, fresh),
      txPutNew(db, transactionEntity, existing),
      txCheckVersion(db, keys.account("user-y", "acc-y"), 7),
      txPutNew(db, outboxRecordEntity, event),
    ]).catch((e: unknown) => e);
    // Assess
    expect(err).toBeInstanceOf(TransactionConditionalCheckFailedError);
    const typed = err as TransactionConditionalCheckFailedError;
    expect(typed.code).toBe("db.transaction_condition_failed");
    expect(typed.failedIndexes).toEqual([1, 2]);
    expect(typed.failed.map((f) => f.key)).toEqual([keys.transaction("user-y", "txn_existing"), keys.account("user-y", "acc-y")]);
    expect(typed.reasons.map((r) => r.code)).toEqual(["None", "ConditionalCheckFailed", "ConditionalCheckFailed", "None"]);
    expect(await allKeys()).toEqual(before);
  });

  it("replaces an item at the expected version and rejects the stale writer", async () => {
    const tx = aTransaction({ userId: "user-z", transactionId: "txn_z" });
    await transactWrite(db.doc, [txPutNew(db, transactionEntity, tx)]);
    const recategorised = { ...tx, category: { primary: "eating_out", confidence: 1, reason: "user", userModified: true } };
    await transactWrite(db.doc, [txPutVersioned(db, transactionEntity, recategorised, 1)]);
    const stale = await transactWrite(db.doc, [txPutVersioned(db, transactionEntity, { ...tx, description: "stale" }, 1)]).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TransactionConditionalCheckFailedError);
    const raw = (await stack.aws.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.transaction("user-z", "txn_z") }))).Item;
    expect(raw).toMatchObject({ version: 2, GSI3SK: "CATEGORY#eating_out#2024-03-10T09:00:00.000Z", category: { userModified: true } });
  });

  it("refuses 101 actions before sending anything", async () => {
    const before = await allKeys();
    const many = Array.from({ length: 101 }, (_, i) => txPutNew(db, transactionEntity, aTransaction({ userId: "user-big", transactionId: `txn_${i}` })));
    await expect(transactWrite(db.doc, many)).rejects.toBeInstanceOf(TransactionTooLargeError);
    expect(await allKeys()).toEqual(before);
  });
});
