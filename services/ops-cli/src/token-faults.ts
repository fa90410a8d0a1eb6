import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { SK_PREFIX, type TokenFault, userPk } from "@expenzez/db";
import type { OpsContext } from "./context";
import { OpsError } from "./errors";
import { allItems } from "./pages";

/** A connection whose sealed tokens could not be opened (ADR 0073), as `connection token-faults` lists it. */
export interface TokenFaultRow {
  userId: string;
  connectionId: string;
  status: string;
  /** Absent for a `record` fault: such a connection is out of the schedule. */
  nextSyncAt?: string;
  tokenFault: TokenFault;
}

const PROJECTION = {
  ProjectionExpression: "userId, connectionId, #s, nextSyncAt, tokenFault",
  ExpressionAttributeNames: { "#s": "status" },
};

/**
 * Connections with a token fault: one user's (a Query), else every connection of the stage (a
 * scan filtered to connection items with a fault; `connectionId` narrows either). Sorted by
 * user and connection. Raw items: the tokens are never read.
 */
export async function listTokenFaults(ctx: OpsContext, target: { userId?: string; connectionId?: string } = {}): Promise<TokenFaultRow[]> {
  const filter = `attribute_exists(tokenFault)${target.connectionId ? " AND connectionId = :c" : ""}`;
  const values = { ":bank": SK_PREFIX.connection, ...(target.connectionId ? { ":c": target.connectionId } : {}) };
  const rows = await allItems<TokenFaultRow>((startKey) =>
    ctx.db.doc.send(
      target.userId
        ? new QueryCommand({
            TableName: ctx.db.tableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :bank)",
            FilterExpression: filter,
            ExpressionAttributeValues: { ...values, ":pk": userPk(target.userId) },
            ...PROJECTION,
            ExclusiveStartKey: startKey,
          })
        : new ScanCommand({
            TableName: ctx.db.tableName,
            FilterExpression: `begins_with(SK, :bank) AND ${filter}`,
            ExpressionAttributeValues: values,
            ...PROJECTION,
            ExclusiveStartKey: startKey,
          }),
    ),
  );
  return rows.sort((a, b) => a.userId.localeCompare(b.userId) || a.connectionId.localeCompare(b.connectionId));
}

/**
 * `connection clear-token-fault`: forgets the connection's token fault and makes it due now, so
 * the scheduler queues it on its next tick. For after the cause is fixed (the record restored,
 * the key enabled again); a record still bad is parked again by its next sync.
 */
export async function clearTokenFault(
  ctx: OpsContext,
  target: { userId: string; connectionId: string },
  now = new Date(),
): Promise<{ userId: string; connectionId: string; cleared: TokenFault; dueAt: string }> {
  const cleared = await ctx.repos.connections.clearTokenFault(target.userId, target.connectionId, now.toISOString());
  if (!cleared) throw new OpsError("ops.token_fault.none", `connection ${target.connectionId} of user ${target.userId} has no token fault (or does not exist)`);
  ctx.log.info({ ...target, fault: cleared.fault, code: cleared.code }, "token fault cleared: the connection is due now");
  return { ...target, cleared, dueAt: now.toISOString() };
}
