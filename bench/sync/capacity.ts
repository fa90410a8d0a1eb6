import type { Seen } from "./proxy";

/**
 * DynamoDB capacity from the requests and answers a proxy saw, by the pricing rules: a write
 * unit per started 1 KB of item (2 inside TransactWriteItems), one more per GSI the item is
 * written to; a read unit per started 4 KB (half for eventually consistent reads; Query sums
 * the items of one answer before rounding). Sizes follow DynamoDB's item-size rules (UTF-8
 * name and value lengths; numbers about 1 byte per 2 digits + 1).
 */

type AttributeValue = { S?: string; N?: string; BOOL?: boolean; NULL?: boolean; M?: Record<string, AttributeValue>; L?: AttributeValue[]; SS?: string[] };
type ItemJson = Record<string, AttributeValue>;

const GSI_KEYS = ["GSI1PK", "GSI2PK", "GSI3PK", "GSI4PK"];

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S, "utf8");
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-/, "").replace(".", "").replace(/^0+/, "").length / 2) + 1;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.M) return 3 + Object.entries(v.M).reduce((n, [k, x]) => n + Buffer.byteLength(k, "utf8") + valueSize(x) + 1, 0);
  if (v.L) return 3 + v.L.reduce((n, x) => n + valueSize(x) + 1, 0);
  if (v.SS) return v.SS.reduce((n, s) => n + Buffer.byteLength(s, "utf8"), 0);
  return 0;
}

/** An item's size in bytes by DynamoDB's rules. */
export function itemSize(item: ItemJson): number {
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k, "utf8") + valueSize(v), 0);
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const gsis = (item: ItemJson) => GSI_KEYS.filter((k) => item[k] !== undefined).length;

export interface Capacity {
  wcu: number;
  rcu: number;
  /** Items of entityType Transaction written new (Put with attribute_not_exists), and their sizes. */
  transactionPuts: number;
  transactionBytes: number;
  /** Outbox records put (in transactions) and deleted (the relay's BatchWriteItem deletes). */
  outboxPuts: number;
  outboxDeletes: number;
  /** Actions in all TransactWriteItems calls (each holds at most 100). */
  transactActions: number;
}

/** Write and read units of every DynamoDB request seen. Updates and deletes count as 1 KB items (their size is not in the request). */
export function capacityOf(seen: readonly Seen[]): Capacity {
  const out: Capacity = { wcu: 0, rcu: 0, transactionPuts: 0, transactionBytes: 0, outboxPuts: 0, outboxDeletes: 0, transactActions: 0 };
  const isOutbox = (key: ItemJson | undefined) => key?.PK?.S?.startsWith("OUTBOX#") === true;
  const put = (item: ItemJson, factor: number) => {
    const units = kb(itemSize(item));
    out.wcu += units * factor + units * gsis(item);
    if (item.entityType?.S === "Transaction") {
      out.transactionPuts++;
      out.transactionBytes += itemSize(item);
    }
  };
  for (const s of seen) {
    if (!s.operation.startsWith("DynamoDB.")) continue;
    const op = s.operation.slice("DynamoDB.".length);
    const req = s.requestBody ? (JSON.parse(s.requestBody) as Record<string, unknown>) : {};
    const res = s.responseBody ? (JSON.parse(s.responseBody) as Record<string, unknown>) : {};
    if (op === "TransactWriteItems") {
      for (const a of (req.TransactItems ?? []) as Record<string, { Item?: ItemJson }>[]) {
        out.transactActions++;
        if (isOutbox(a.Put?.Item)) out.outboxPuts++;
        if (a.Put?.Item) put(a.Put.Item, 2);
        else if (a.Update || a.Delete) out.wcu += 2;
        else if (a.ConditionCheck) out.rcu += 1;
      }
    } else if (op === "BatchWriteItem") {
      for (const requests of Object.values(
        (req.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: ItemJson }; DeleteRequest?: { Key: ItemJson } }[]>,
      )) {
        for (const r of requests) {
          if (r.PutRequest) put(r.PutRequest.Item, 1);
          else out.wcu += 1;
          if (isOutbox(r.DeleteRequest?.Key)) out.outboxDeletes++;
        }
      }
    } else if (op === "PutItem") put(req.Item as ItemJson, 1);
    else if (op === "UpdateItem" || op === "DeleteItem") out.wcu += 1;
    else if (op === "Query" || op === "Scan") {
      const bytes = ((res.Items ?? []) as ItemJson[]).reduce((n, i) => n + itemSize(i), 0);
      out.rcu += Math.max(1, Math.ceil(bytes / 4096)) * (req.ConsistentRead ? 1 : 0.5);
    } else if (op === "GetItem") {
      out.rcu += Math.max(1, Math.ceil(itemSize((res.Item ?? {}) as ItemJson) / 4096)) * (req.ConsistentRead ? 1 : 0.5);
    } else if (op === "BatchGetItem") {
      for (const items of Object.values((res.Responses ?? {}) as Record<string, ItemJson[]>))
        for (const i of items) out.rcu += Math.max(1, Math.ceil(itemSize(i) / 4096));
    }
  }
  return out;
}
