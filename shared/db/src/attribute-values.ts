import type { AttributeValue, TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { convertToAttr, type marshallOptions } from "@aws-sdk/util-dynamodb";
import type { TransactAction } from "./transact";

/** The document client's options in `@expenzez/aws`: what `marshall` must match. */
const OPTIONS: marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false };

/**
 * A value as a DynamoDB AttributeValue: the same result as `@aws-sdk/util-dynamodb`'s
 * `convertToAttr` with the document client's options, built directly for the plain JSON values
 * our items hold (strings, safe numbers, booleans, null, arrays, plain objects). Anything else
 * (sets, binary, bigint, NumberValue, an unsafe or special number, a class instance) goes to the
 * library, which converts or refuses it as the document client would. Measured: the library's
 * generic walk was a tenth of the sync worker's CPU (ADR 0063).
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
      break;
    }
  }
  return convertToAttr(value, OPTIONS);
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

/** One document-client action (native values) as the low-level TransactWriteItem the wire carries. */
export function toTransactWriteItem(action: TransactAction): TransactWriteItem {
  const { Put, Update, Delete, ConditionCheck } = action;
  const values = (v: Record<string, unknown> | undefined) => (v === undefined ? {} : { ExpressionAttributeValues: toAttributeMap(v) });
  if (Put) return { Put: { ...Put, Item: toAttributeMap(Put.Item as Record<string, unknown>), ...values(Put.ExpressionAttributeValues) } };
  if (Update) return { Update: { ...Update, Key: toAttributeMap(Update.Key as Record<string, unknown>), ...values(Update.ExpressionAttributeValues) } };
  if (Delete) return { Delete: { ...Delete, Key: toAttributeMap(Delete.Key as Record<string, unknown>), ...values(Delete.ExpressionAttributeValues) } };
  if (ConditionCheck) {
    return {
      ConditionCheck: {
        ...ConditionCheck,
        Key: toAttributeMap(ConditionCheck.Key as Record<string, unknown>),
        ...values(ConditionCheck.ExpressionAttributeValues),
      },
    };
  }
  throw new TypeError("a transaction action needs one of Put, Update, Delete, ConditionCheck");
}
