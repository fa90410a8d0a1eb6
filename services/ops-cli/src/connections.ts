import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { SK_PREFIX, userPk } from "@expenzez/db";
import type { OpsContext } from "./context";
import { OpsError } from "./errors";
import { allItems } from "./pages";

/** What the ops commands need of a connection: who, its status and PSD2 count; never its tokens. */
export interface ConnectionRef {
  userId: string;
  connectionId: string;
  status: string;
  unattendedRefreshes?: { day: string; count: number };
}

const PROJECTION = { ProjectionExpression: "userId, connectionId, #s, unattendedRefreshes", ExpressionAttributeNames: { "#s": "status" } };

async function ofUser(ctx: OpsContext, userId: string): Promise<ConnectionRef[]> {
  return allItems<ConnectionRef>((startKey) =>
    ctx.db.doc.send(
      new QueryCommand({
        TableName: ctx.db.tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :bank)",
        ExpressionAttributeValues: { ":pk": userPk(userId), ":bank": SK_PREFIX.connection },
        ...PROJECTION,
        ExclusiveStartKey: startKey,
      }),
    ),
  );
}

/** Connections have no index by id alone: a scan filtered to connection items (all of them without an id). */
async function scanConnections(ctx: OpsContext, connectionId?: string): Promise<ConnectionRef[]> {
  return allItems<ConnectionRef>((startKey) =>
    ctx.db.doc.send(
      new ScanCommand({
        TableName: ctx.db.tableName,
        FilterExpression: connectionId ? "begins_with(SK, :bank) AND connectionId = :c" : "begins_with(SK, :bank)",
        ExpressionAttributeValues: { ":bank": SK_PREFIX.connection, ...(connectionId ? { ":c": connectionId } : {}) },
        ...PROJECTION,
        ExclusiveStartKey: startKey,
      }),
    ),
  );
}

/**
 * The connections a command is aimed at: a user's, one (with or without its user), or with
 * `all`, every connection of the stage. Sorted by user and connection id, so a resumed command
 * walks them in the same order. Throws `<command>.not_found` when there is none.
 */
export async function findConnections(
  ctx: OpsContext,
  command: string,
  target: { userId?: string; connectionId?: string; all?: boolean },
): Promise<ConnectionRef[]> {
  let found = target.userId ? await ofUser(ctx, target.userId) : target.connectionId || target.all ? await scanConnections(ctx, target.connectionId) : [];
  if (target.connectionId) found = found.filter((c) => c.connectionId === target.connectionId);
  if (found.length === 0) {
    const what = [target.userId ? `user ${target.userId}` : "", target.connectionId ? `connection ${target.connectionId}` : ""].filter(Boolean).join(" ");
    throw new OpsError(`ops.${command}.not_found`, `no connection${what ? ` for ${what}` : " on this stage"}`);
  }
  return found.sort((a, b) => a.userId.localeCompare(b.userId) || a.connectionId.localeCompare(b.connectionId));
}
