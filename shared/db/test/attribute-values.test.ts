import { marshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import { aTransaction } from "../../fixtures/src/entities";
import {
  softDeleteAction,
  toAttributeMap,
  toAttributeValue,
  toTransactWriteItem,
  transactionEntity,
  txDelete,
  txPutNewParsed,
  txUpdateVersioned,
} from "../src";

/** The document client's marshalling (`@expenzez/aws`): the reference the direct builder must equal. */
const OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false };
const db = { doc: {} as never, tableName: "t" };

describe("toAttributeMap builds what the document client's marshall builds", () => {
  it("for transaction items of every shape the sync writes", () => {
    const shapes = [
      aTransaction(),
      aTransaction({ pence: 4_200_000, description: "", merchant: undefined, isHidden: true, transactionType: "credit" }),
      aTransaction({
        pence: -1,
        status: "pending",
        providerClassification: ["Shopping", "Groceries"],
        providerCategory: "PURCHASE",
        runningBalanceMinor: -99_999_999,
        category: { primary: "groceries", secondary: "supermarket", confidence: 0.123456789, reason: "rule:r1", ruleId: "r1", userModified: true },
        aiInsights: { isRecurring: true, recurringFrequency: "monthly", note: 'café ☕ \u2028 "quoted" \\' },
        deletedAt: "2024-03-11T00:00:00Z",
        deletedReason: "vanished",
      }),
    ];
    for (const input of shapes) {
      const item = transactionEntity.toItem(input);
      expect(toAttributeMap(item)).toEqual(marshall(item, OPTIONS));
    }
  });

  it("for odd plain values: empty strings and lists, null, nested undefined, decimals, negative zero", () => {
    const value = {
      empty: "",
      list: [1, undefined, "a", [true, null], { x: undefined, y: 2.5 }],
      none: null,
      gone: undefined,
      nested: { deeper: { n: -0, big: Number.MAX_SAFE_INTEGER, small: -Number.MAX_SAFE_INTEGER, f: 1e-7 } },
      emptyMap: {},
      nullProto: Object.assign(Object.create(null) as object, { k: "v" }),
    };
    expect(toAttributeMap(value)).toEqual(marshall(value, OPTIONS));
  });

  it("hands sets to the library, and refuses what the library refuses", () => {
    const value = { ss: new Set(["a", "b"]), ns: new Set([1, 2]) };
    expect(toAttributeMap(value)).toEqual(marshall(value, OPTIONS));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2, new Date(0)]) {
      expect(() => marshall({ bad }, OPTIONS)).toThrow();
      expect(() => toAttributeValue(bad)).toThrow();
    }
  });

  it("refuses binary, which a JSON body cannot carry (ADR 0066)", () => {
    for (const bin of [new Uint8Array([1, 2, 3]), Buffer.from("x"), new ArrayBuffer(2), new Set([new Uint8Array([1])])]) {
      expect(() => toAttributeMap({ bin })).toThrow(/binary attribute values are not written/);
    }
  });
});

describe("toTransactWriteItem", () => {
  it("marshals the item, key and expression values of each kind of action, and leaves the rest as it is", () => {
    const t = transactionEntity.parse(aTransaction());
    const put = txPutNewParsed(db, transactionEntity, t);
    expect(toTransactWriteItem(put)).toEqual({
      Put: { TableName: "t", ConditionExpression: "attribute_not_exists(PK)", Item: marshall(put.Put?.Item, OPTIONS) },
    });
    const update = txUpdateVersioned(db, { PK: "USER#u", SK: "ACCOUNT#a" }, { set: { closed: false }, add: { "transactionSummary.totalTransactions": 3 } }, 4);
    expect(toTransactWriteItem(update)).toEqual({
      Update: {
        ...update.Update,
        Key: { PK: { S: "USER#u" }, SK: { S: "ACCOUNT#a" } },
        ExpressionAttributeValues: marshall(update.Update?.ExpressionAttributeValues, OPTIONS),
      },
    });
    const del = txDelete(db, { PK: "USER#u", SK: "TRANSACTION#x" }, 2);
    expect(toTransactWriteItem(del).Delete?.ExpressionAttributeValues).toEqual(marshall(del.Delete?.ExpressionAttributeValues, OPTIONS));
    const soft = softDeleteAction(db, t, "vanished", new Date("2024-03-12T00:00:00Z"));
    const low = toTransactWriteItem(soft);
    expect(Object.keys(low)).toEqual(Object.keys(soft));
  });
});
