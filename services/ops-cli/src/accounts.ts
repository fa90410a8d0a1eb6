import { randomUUID } from "node:crypto";
import { bankAccountEntity, getEntity, keys, MAX_TRANSACT_ACTIONS, softDeleteAction, type Transaction, txUpdateVersioned } from "@expenzez/db";
import { commitWithEvents } from "@expenzez/runtime";
import type { OpsContext } from "./context";
import { OpsError } from "./errors";

/** Each commit: its soft-deletes, the account's counters and the TransactionsSynced that announces them. */
const PER_COMMIT = MAX_TRANSACT_ACTIONS - 2;

export interface ForgetAccountResult {
  userId: string;
  accountId: string;
  dryRun: boolean;
  /** Transactions soft-deleted (or, dry run, that would be). */
  transactions: number;
  /** TransactionsSynced events committed with them (budgets and recurring streams recompute). */
  events: number;
}

async function visibleOfAccount(ctx: OpsContext, userId: string, accountId: string): Promise<Transaction[]> {
  const found: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.repos.transactions.listByUser(userId, { cursor, limit: 500 });
    found.push(...page.items.filter((t) => t.accountId === accountId));
    cursor = page.cursor;
  } while (cursor);
  return found;
}

const day = (t: Transaction) => new Date(Date.parse(t.timestamp)).toISOString().slice(0, 10);

/**
 * The user asked to forget a closed account: its transactions are soft-deleted (`deletedAt`,
 * reason `account_closed`; kept for the retention period, hidden from every read), the account's
 * counters go down by as many, and each commit announces them as a TransactionsSynced (removed),
 * so budgets and recurring streams are recomputed without them. Refuses an account the bank still
 * lists: the next sync would bring its transactions back.
 */
export async function forgetClosedAccount(
  ctx: OpsContext,
  input: { userId: string; accountId: string },
  options: { dryRun?: boolean; now?: Date } = {},
): Promise<ForgetAccountResult> {
  const now = options.now ?? new Date();
  const account = await getEntity(ctx.db, bankAccountEntity, keys.account(input.userId, input.accountId));
  if (!account) throw new OpsError("ops.account.not_found", `no account ${input.accountId} for user ${input.userId}`);
  if (!account.closed) {
    throw new OpsError(
      "ops.account.open",
      `account ${input.accountId} is open (the bank still lists it): disconnect the connection first, or wait for the bank to close it`,
    );
  }
  const transactions = await visibleOfAccount(ctx, input.userId, input.accountId);
  const result: ForgetAccountResult = { ...input, dryRun: options.dryRun === true, transactions: transactions.length, events: 0 };
  if (options.dryRun || transactions.length === 0) return result;

  let version = account.version;
  const forgetId = `ops-forget-${randomUUID()}`;
  for (let i = 0; i < transactions.length; i += PER_COMMIT) {
    const chunk = transactions.slice(i, i + PER_COMMIT);
    const pending = chunk.filter((t) => t.status === "pending").length;
    const days = chunk.map(day).sort();
    const counters = txUpdateVersioned(
      ctx.db,
      keys.account(input.userId, input.accountId),
      {
        set: { updatedAt: now.toISOString() },
        add: { "transactionSummary.totalTransactions": -chunk.length, "transactionSummary.pendingTransactions": -pending },
      },
      version,
    );
    await commitWithEvents(
      ctx,
      [...chunk.map((t) => softDeleteAction(ctx.db, t, "account_closed", now)), counters],
      [
        {
          detailType: "TransactionsSynced",
          input: {
            userId: input.userId,
            connectionId: account.connectionId,
            syncId: forgetId,
            correlationId: forgetId,
            accountIds: [input.accountId],
            counts: { added: 0, modified: 0, removed: chunk.length },
            categories: [...new Set(chunk.map((t) => t.category.primary))].sort(),
            merchants: [...new Set(chunk.flatMap((t) => (t.merchant?.name ? [t.merchant.name] : [])))].sort(),
            range: { from: days[0] as string, to: days[days.length - 1] as string },
          },
        },
      ],
      { now },
    );
    version++;
    result.events++;
  }
  return result;
}
