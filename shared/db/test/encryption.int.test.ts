import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor, DecryptFailedError } from "@expenzez/crypto";
import type { LocalStack } from "@expenzez/infra";
import { beforeAll, describe, expect, it } from "vitest";
import { aConnection, anAccount } from "../../fixtures/src/entities";
import {
  accountRepository,
  bankAccountEntity,
  bankConnectionEntity,
  connectionRepository,
  type Db,
  EntityValidationError,
  getEntity,
  keys,
  putNew,
} from "../src";
import { freshTable } from "./local-table";

let stack: LocalStack;
let db: Db;

beforeAll(async () => {
  ({ stack, db } = await freshTable());
});

const fields = () => createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId });

/** The item exactly as DynamoDB holds it, through the low-level client (no unmarshalling of ours). */
async function rawJson(key: { PK: string; SK: string }): Promise<string> {
  const out = await stack.aws.dynamo.send(new GetItemCommand({ TableName: db.tableName, Key: { PK: { S: key.PK }, SK: { S: key.SK } }, ConsistentRead: true }));
  expect(out.Item).toBeDefined();
  return JSON.stringify(out.Item);
}

describe("secrets at rest", () => {
  it("stores no plaintext token of a connection; the repository opens them again", async () => {
    // Prepare
    const connections = connectionRepository(db, fields());
    const plain = aConnection({ userId: "user-e", connectionId: "conn-e" });
    // Act
    await connections.putNew(plain);
    const raw = await rawJson(keys.connection("user-e", "conn-e"));
    const opened = await connectionRepository(db, fields()).get("user-e", "conn-e");
    // Assess
    expect(raw).not.toContain("PLAINTEXT");
    expect(raw).not.toContain(plain.accessToken);
    expect(raw).not.toContain(plain.refreshToken);
    expect(raw).toContain('"ezk2.');
    expect(opened).toMatchObject({ accessToken: plain.accessToken, refreshToken: plain.refreshToken });
  });

  it("seals an account's three fields under one data key: one KMS call for the record", async () => {
    // Prepare
    const generated: string[] = [];
    const kms = {
      send: ((command: { constructor: { name: string } }) => {
        generated.push(command.constructor.name);
        return (stack.aws.kms.send as (c: unknown) => Promise<unknown>)(command);
      }) as typeof stack.aws.kms.send,
    };
    const accounts = accountRepository(db, createFieldEncryptor({ kms, keyId: stack.handles.keyId }));
    const plain = anAccount({ userId: "user-k", accountId: "acc-k" });
    // Act
    await accounts.putNew(plain);
    const stored = await getEntity(db, bankAccountEntity, keys.account("user-k", "acc-k"));
    // Assess
    expect(generated.filter((c) => c === "GenerateDataKeyCommand")).toHaveLength(1);
    const dataKeys = new Set(["accountNumber", "sortCode", "iban"].map((f) => String((stored as Record<string, unknown>)[f]).split(".")[2]));
    expect(dataKeys.size).toBe(1);
    expect(await accounts.get("user-k", "acc-k")).toMatchObject({ accountNumber: plain.accountNumber, sortCode: plain.sortCode, iban: plain.iban });
  });

  it("stores no plaintext account number, sort code or IBAN", async () => {
    // Prepare
    const accounts = accountRepository(db, fields());
    const plain = anAccount({ userId: "user-e", accountId: "acc-e" });
    // Act
    await accounts.putNew(plain);
    const raw = await rawJson(keys.account("user-e", "acc-e"));
    const opened = await accounts.get("user-e", "acc-e");
    // Assess
    for (const secret of ["31926819", "60-16-13", "601613", "GB29NWBK60161331926819", "NWBK"]) expect(raw).not.toContain(secret);
    expect(opened).toMatchObject({ accountNumber: "31926819", sortCode: "60-16-13", iban: "GB29NWBK60161331926819" });
  });

  it("fails to open a sealed token copied into another field or another user's connection", async () => {
    // Prepare
    const connections = connectionRepository(db, fields());
    await connections.putNew(aConnection({ userId: "user-f", connectionId: "conn-f" }));
    await connections.putNew(aConnection({ userId: "user-g", connectionId: "conn-g", accessToken: "at_user_g_token" }));
    const f = await stack.aws.dynamo.send(new GetItemCommand({ TableName: db.tableName, Key: { PK: { S: "USER#user-f" }, SK: { S: "BANK#conn-f" } } }));
    const sealedAccess = f.Item?.accessToken?.S;
    // Act: an attacker with table access swaps ciphertexts around.
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.connection("user-f", "conn-f"),
        UpdateExpression: "SET refreshToken = :v",
        ExpressionAttributeValues: { ":v": sealedAccess },
      }),
    );
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.connection("user-g", "conn-g"),
        UpdateExpression: "SET accessToken = :v",
        ExpressionAttributeValues: { ":v": sealedAccess },
      }),
    );
    const otherField = await connectionRepository(db, fields())
      .get("user-f", "conn-f")
      .catch((e: unknown) => e);
    const otherUser = await connectionRepository(db, fields())
      .get("user-g", "conn-g")
      .catch((e: unknown) => e);
    // Assess
    expect(otherField).toBeInstanceOf(DecryptFailedError);
    expect(otherUser).toBeInstanceOf(DecryptFailedError);
  });

  it("refuses to write a connection whose tokens were not sealed", async () => {
    const err = await putNew(db, bankConnectionEntity, aConnection({ userId: "user-h", connectionId: "conn-h" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityValidationError);
    expect((err as EntityValidationError).field).toBe("accessToken");
  });

  it("refuses to seal a value that is sealed already (it would open to ciphertext, not the token)", async () => {
    // Prepare: the stored shape, read past the repository.
    const connections = connectionRepository(db, fields());
    const plain = await connections.putNew(aConnection({ userId: "user-i", connectionId: "conn-i" }));
    const stored = await connections.seal(plain);
    // Act
    const err = await connections.updateVersioned({ ...plain, refreshToken: stored.refreshToken as string }, plain.version).catch((e: unknown) => e);
    // Assess: nothing written; the token still opens to itself.
    expect(err).toBeInstanceOf(EntityValidationError);
    expect((err as EntityValidationError).field).toBe("refreshToken");
    expect(await connections.get("user-i", "conn-i")).toMatchObject({ refreshToken: plain.refreshToken, version: 1 });
  });
});
