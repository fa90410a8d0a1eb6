import type { AttributeValue, TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { convertToAttr, type marshallOptions } from "@aws-sdk/util-dynamodb";
import type { TransactAction } from "./transact";

/** The document client's options in `@expenzez/aws`: what `marshall` must match. */
const OPTIONS: marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };

/**
 * A value as a DynamoDB AttributeValue: the same result as `@aws-sdk/util-dynamodb`'s
 * `convertToAttr` with the document client's options, built directly for the plain JSON values
 * our items hold (strings, safe numbers, booleans, null, arrays, plain objects). Anything else
 * (sets, bigint, NumberValue, an unsafe or special number, a class instance) goes to the
 * library, which converts or refuses it as the document client would. Binary is refused: the
 * result is sent as JSON text (ADR 0066), which has no bytes. Measured: the library's generic
 * walk was a tenth of the sync worker's CPU (ADR 0063).
 */
export function toAttributeValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case "string":
      return { S: value };
    case "boolean":
      return { BOOL: value };
    case "number":
      if (Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return { N: String(value) };
      break;
    case "object": {
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        const L: AttributeValue[] = [];
        for (const v of value) if (v !== undefined && typeof v !== "function") L.push(toAttributeValue(v));
        return { L };
      }
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return { M: toAttributeMap(value as Record<string, unknown>) };
      if (isBinary(value) || (value instanceof Set && isBinary(value.values().next().value))) {
        throw new TypeError("binary attribute values are not written: TransactWriteItems bodies are JSON text (ADR 0066), and no item holds binary");
      }
      break;
    }
  }
  return convertToAttr(value, OPTIONS);
}

/** What the SDK would send base64-encoded as `B` (a set of them as `BS`). */
function isBinary(value: unknown): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (typeof Blob !== "undefined" && value instanceof Blob);
}

/** A plain object (an item, a key, expression values) as an attribute map; undefined members are left out. */
export function toAttributeMap(value: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const k in value) {
    const v = value[k];
    if (v !== undefined && typeof v !== "function") out[k] = toAttributeValue(v);
  }
  return out;
}

/**
 * One document-client action (native values) as the low-level TransactWriteItem the wire carries,
 * members in the model's order (the order the SDK's serializer writes them), so the JSON body of
 * ADR 0066 is the SDK's byte for byte.
 */
export function toTransactWriteItem(action: TransactAction): TransactWriteItem {
  const { Put, Update, Delete, ConditionCheck } = action;
  const values = (v: Record<string, unknown> | undefined) => (v === undefined ? undefined : toAttributeMap(v));
  if (Put) {
    const { Item, TableName, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = Put;
    return {
      Put: {
        Item: toAttributeMap(Item as Record<string, unknown>),
        TableName,
        ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues: values(ExpressionAttributeValues),
        ...rest,
      },
    };
  }
  if (Update) {
    const { Key, UpdateExpression, TableName, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = Update;
    return {
      Update: {
        Key: toAttributeMap(Key as Record<string, unknown>),
        UpdateExpression,
        TableName,
        ConditionExpression,
        ExpressionAttributeNames,
        ExpressionAttributeValues: values(ExpressionAttributeValues),
        ...rest,
      },
    };
  }
  const check = Delete ?? ConditionCheck;
  if (check) {
    const { Key, TableName, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues, ...rest } = check;
    const low = {
      Key: toAttributeMap(Key as Record<string, unknown>),
      TableName,
      ConditionExpression,
      ExpressionAttributeNames,
      ExpressionAttributeValues: values(ExpressionAttributeValues),
      ...rest,
    };
    return Delete ? { Delete: low } : { ConditionCheck: low as NonNullable<TransactWriteItem["ConditionCheck"]> };
  }
  throw new TypeError("a transaction action needs one of Put, Update, Delete, ConditionCheck");
}
