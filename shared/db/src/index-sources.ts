import { bankConnectionEntity } from "./entities/bank-connection";
import { notificationHistoryEntity } from "./entities/notification-history";
import { recurringStreamEntity } from "./entities/recurring-stream";
import { transactionEntity } from "./entities/transaction";
import { userBudgetEntity } from "./entities/user-budget";
import { userProfileEntity } from "./entities/user-profile";
import type { ItemLayout } from "./entity";

/** Which item type (by sort key) builds index keys or TTL from which of its attributes. */
export interface IndexKeySource {
  entityType: string;
  sk: (sk: string) => boolean;
  attributes: readonly string[];
}

/**
 * What an entity's layout builds its index keys and TTL from, read off the layout itself: the
 * layout runs once on `example` behind a proxy that records every attribute it reads, and the
 * attributes whose value is a segment of the primary key are dropped (an update cannot change
 * those anyway). `example` must take the layout's widest branch (a due connection with a
 * credentials id), so every attribute it can read is read.
 */
export function indexSourcesOf(entity: { entityType: string; layout: (value: never) => ItemLayout }, example: Record<string, unknown>): IndexKeySource {
  const read: string[] = [];
  const recording = new Proxy(example, {
    get(target, property, receiver) {
      if (typeof property === "string" && !read.includes(property)) read.push(property);
      return Reflect.get(target, property, receiver);
    },
  });
  const { PK, SK } = entity.layout(recording as never);
  const keySegments = new Set([...PK.split("#"), ...SK.split("#")]);
  const hash = SK.indexOf("#");
  const prefix = hash === -1 ? undefined : SK.slice(0, hash + 1);
  return {
    entityType: entity.entityType,
    sk: prefix === undefined ? (sk) => sk === SK : (sk) => sk.startsWith(prefix),
    attributes: read.filter((a) => !(typeof example[a] === "string" && keySegments.has(example[a] as string))),
  };
}

const at = "2026-01-02T03:04:05.000Z";

/**
 * Attributes that index keys (and TTL) are built from, per item type. A partial update cannot
 * rebuild them, so `txUpdateVersioned` refuses these: a category change must move GSI3, a
 * connection leaving `active` must drop GSI4. Change them with a full versioned put. Derived
 * from the entities' layouts (see `indexSourcesOf`), so a new index attribute is covered the
 * day the layout reads it. Examples use ids unlike any other value, so key segments are told apart.
 */
export const INDEX_KEY_SOURCES: readonly IndexKeySource[] = [
  indexSourcesOf(transactionEntity, { userId: "ex-user", transactionId: "ex-txn", timestamp: at, category: { primary: "groceries" } }),
  indexSourcesOf(bankConnectionEntity, { userId: "ex-user", connectionId: "ex-conn", status: "active", nextSyncAt: at, credentialsId: "ex-cred" }),
  indexSourcesOf(userProfileEntity, { userId: "ex-user", email: "ex@example.com" }),
  indexSourcesOf(userBudgetEntity, { userId: "ex-user", budgetId: "ex-budget", status: "active", currentPeriod: { start: at, end: at } }),
  indexSourcesOf(notificationHistoryEntity, { userId: "ex-user", notificationId: "ex-notif", status: "deferred", deferredUntil: at, expiresAt: 1 }),
  indexSourcesOf(recurringStreamEntity, { userId: "ex-user", streamId: "ex-stream", status: "mature", windowTo: "2026-01-10" }),
];
