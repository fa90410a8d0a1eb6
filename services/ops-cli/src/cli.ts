import { ConfigError } from "@expenzez/config";
import type { QueueId } from "@expenzez/resources";
import type { TrueLayerClient } from "@expenzez/truelayer";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { forgetClosedAccount } from "./accounts";
import { type BackfillProgress, backfill } from "./backfill";
import { recalcBudgets } from "./budgets";
import { type OpsContext, resolveQueue } from "./context";
import { disconnectConnection, trueLayerFromEnv } from "./disconnect";
import { inspectDeadLetter, listDeadLetters, MOVED_BY_SQS, redriveDeadLetters } from "./dlq";
import { OpsError } from "./errors";
import { replayOutbox } from "./outbox";
import { age, table } from "./render";
import { resync } from "./resync";
import { collectStatus } from "./status";
import { clearTokenFault, listTokenFaults } from "./token-faults";
import { eraseUser, exportUser } from "./users";

export interface CliIo {
  /** Builds the context lazily: `--help` and usage errors need no configuration. */
  context: () => OpsContext;
  out: (text: string) => void;
  err: (text: string) => void;
  /** The TrueLayer client for `connection disconnect` (default: from TRUELAYER_* variables, as the sync worker). */
  truelayer?: () => TrueLayerClient;
  /** A progress display for long commands (a bar on a terminal); none in tests and pipes. */
  progress?: (total: number, label: string) => { update(p: BackfillProgress): void; stop(): void };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a whole number of at least 1");
  return n;
}

/** The `expenzez` command tree. Every command prints a table, or JSON with `--json`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("expenzez")
    .description("operate an expenzez stage: queues and dead letters, the outbox, users (STAGE, AWS_REGION, AWS_ENDPOINT_URL as the services)")
    .option("--json", "print JSON for scripts instead of tables")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const emit = (cmd: Command, data: unknown, human: () => string) => {
    io.out(cmd.optsWithGlobals().json ? JSON.stringify(data, null, 2) : human());
  };
  const queueOf = (name: string): QueueId => resolveQueue(io.context().def, name).id;

  const dlq = program.command("dlq").description("dead-letter queues: list, inspect, redrive");
  dlq
    .command("list")
    .description("depth of each DLQ and its messages with failure_code/failure_reason (peeked, not consumed)")
    .option("--queue <id>", "one queue (syncJobs, budgetRecalc, recurring, alertDispatch)")
    .option("--limit <n>", "messages to show per DLQ", positiveInt, 10)
    .action(async (opts: { queue?: string; limit: number }, cmd: Command) => {
      const ctx = io.context();
      const summaries = await listDeadLetters(ctx, { ...(opts.queue ? { queue: queueOf(opts.queue) } : {}), limit: opts.limit });
      emit(cmd, summaries, () =>
        [
          table(
            ["queue", "dlq", "depth"],
            summaries.map((s) => [s.queue, s.dlqName, s.depth]),
          ),
          ...summaries
            .filter((s) => s.messages.length)
            .map((s) =>
              table(
                ["queue", "message id", "failure code", "reason", "sent"],
                s.messages.map((m) => [s.queue, m.messageId, m.failureCode ?? "-", m.failureReason ?? MOVED_BY_SQS, m.sentAt]),
              ),
            ),
        ].join("\n"),
      );
    });
  dlq
    .command("inspect <queue> <messageId>")
    .description("one dead letter in full: body and attributes")
    .action(async (queue: string, messageId: string, _opts: unknown, cmd: Command) => {
      const m = await inspectDeadLetter(io.context(), queueOf(queue), messageId);
      emit(cmd, m, () =>
        [
          table(
            ["field", "value"],
            [
              ["message id", m.messageId],
              ["original message id", m.originalMessageId],
              ["failure code", m.failureCode ?? "-"],
              ["failure reason", m.failureReason ?? MOVED_BY_SQS],
              ["receive count", m.receiveCount],
              ["sent", m.sentAt],
              ...Object.entries(m.attributes).map(([k, v]) => [`attribute ${k}`, v]),
            ],
            200,
          ),
          m.body,
        ].join("\n"),
      );
    });
  dlq
    .command("redrive <queue>")
    .description("move a DLQ's messages back to its source queue (deleted from the DLQ only after the send succeeded)")
    .option("--dry-run", "list what would move, move nothing")
    .option("--max <n>", "move at most n messages", positiveInt)
    .action(async (queue: string, opts: { dryRun?: boolean; max?: number }, cmd: Command) => {
      const r = await redriveDeadLetters(io.context(), queueOf(queue), { dryRun: opts.dryRun === true, ...(opts.max ? { max: opts.max } : {}) });
      emit(cmd, r, () =>
        [
          table(
            ["message id", "failure code", "new message id"],
            r.messages.map((m) => [m.messageId, m.failureCode, m.newMessageId ?? (r.dryRun ? "(dry run)" : "-")]),
          ),
          r.dryRun
            ? `dry run: ${r.messages.length} message(s) would move to ${r.queue}`
            : `moved ${r.moved} message(s) to ${r.queue}; ${r.failed.length} failed` +
              (r.leftNewer ? `; ${r.leftNewer} dead-lettered since this run started left in the DLQ (failing again? see dlq list)` : ""),
        ].join("\n"),
      );
      if (r.failed.length) throw new OpsError("ops.dlq.redrive_partial", `${r.failed.length} message(s) could not be moved and stay in the DLQ`);
    });

  program
    .command("status")
    .description("queue and DLQ depths, oldest dead letter, outbox backlog, connections by status")
    .action(async (_opts: unknown, cmd: Command) => {
      const s = await collectStatus(io.context());
      emit(cmd, s, () =>
        [
          `stage ${s.stage}`,
          table(
            ["queue", "depth", "in flight", "dlq depth", "oldest dead letter"],
            s.queues.map((q) => [q.queue, q.depth, q.inFlight, q.dlqDepth, age(q.dlqOldestAgeSeconds)]),
          ),
          table(["outbox backlog", "oldest record"], [[s.outbox.backlog, s.outbox.oldestAt]]),
          table(
            ["connections", ...Object.keys(s.connections.byStatus), "failing", "last sync", "next sync", "last error", "token faults (record/key)"],
            [
              [
                "",
                ...Object.values(s.connections.byStatus),
                s.connections.failing,
                s.connections.lastSyncAt,
                s.connections.nextSyncAt,
                s.connections.lastErrorCode,
                `${s.connections.tokenFaults.record}/${s.connections.tokenFaults.key}`,
              ],
            ],
          ),
        ].join("\n"),
      );
    });

  program
    .command("resync")
    .description("queue a sync job for a user's active connections, or one connection (counts as unattended for PSD2)")
    .option("--user <id>", "every active connection of this user")
    .option("--connection <id>", "one connection (with --user, of that user)")
    .action(async (opts: { user?: string; connection?: string }, cmd: Command) => {
      const r = await resync(io.context(), { ...(opts.user ? { userId: opts.user } : {}), ...(opts.connection ? { connectionId: opts.connection } : {}) });
      emit(cmd, r, () =>
        [
          table(
            ["user", "connection", "job id / status"],
            [...r.queued.map((q) => [q.userId, q.connectionId, q.jobId]), ...r.skipped.map((s) => [s.userId, s.connectionId, `skipped: ${s.status}`])],
          ),
          `queued ${r.queued.length} sync job(s); skipped ${r.skipped.length} connection(s) that need the user to reconnect`,
        ].join("\n"),
      );
    });

  program
    .command("backfill")
    .description("queue backfill sync jobs reaching back to a day, with a resumable checkpoint (run it again to resume)")
    .requiredOption("--from <date>", "oldest day, YYYY-MM-DD (UTC); without --psu-ip at most 90 days back (PSD2)")
    .option("--user <id>", "every connection of this user (default: every connection)")
    .option("--connection <id>", "one connection")
    .option("--psu-ip <ip>", "the user's IP, in a session where they are present: attended jobs, not counted against the daily four")
    .option("--id <id>", "name of the checkpoint (default: derived from the options, so the same command resumes)")
    .action(async (opts: { from: string; user?: string; connection?: string; psuIp?: string; id?: string }, cmd: Command) => {
      const json = cmd.optsWithGlobals().json === true;
      let bar: ReturnType<NonNullable<CliIo["progress"]>> | undefined;
      const r = await backfill(io.context(), {
        from: opts.from,
        ...(opts.user ? { userId: opts.user } : {}),
        ...(opts.connection ? { connectionId: opts.connection } : {}),
        ...(opts.psuIp ? { psuIp: opts.psuIp } : {}),
        ...(opts.id ? { id: opts.id } : {}),
        onProgress: (p) => {
          if (json || !io.progress) return;
          bar ??= io.progress(p.total, "connections");
          bar.update(p);
        },
      }).finally(() => bar?.stop());
      emit(cmd, r, () =>
        [
          table(
            ["user", "connection", "backfill"],
            [
              ...r.queuedNow.map((c) => [c.userId, c.connectionId, "queued"]),
              ...r.deferred.map((c) => [c.userId, c.connectionId, "deferred: PSD2 daily limit used"]),
              ...r.skipped.map((c) => [c.userId, c.connectionId, `skipped: ${c.status}`]),
            ],
          ),
          `backfill ${r.backfillId} from ${r.from}: ${r.status}; ${r.queuedNow.length} queued now, ${r.alreadyQueued} queued before, ` +
            `${r.deferred.length} deferred, ${r.skipped.length} skipped, of ${r.total}` +
            (r.deferred.length ? "\nrun the same command again after 00:00 UTC to queue the deferred ones" : ""),
        ].join("\n"),
      );
    });

  program
    .command("outbox")
    .description("the transactional outbox")
    .command("replay")
    .description("publish every outbox record now, however young")
    .action(async (_opts: unknown, cmd: Command) => {
      const r = await replayOutbox(io.context());
      emit(cmd, r, () => `published ${r.published} outbox record(s)`);
    });

  program
    .command("budgets")
    .description("budgets")
    .command("recalc")
    .description("recompute a user's open budget periods now (all budgets, or one)")
    .requiredOption("--user <id>", "user id")
    .option("--budget <id>", "one budget")
    .action(async (opts: { user: string; budget?: string }, cmd: Command) => {
      const r = await recalcBudgets(io.context(), { userId: opts.user, ...(opts.budget ? { budgetId: opts.budget } : {}) });
      emit(cmd, r, () => table(Object.keys(r), [Object.values(r).map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : v))], 40));
    });

  const connection = program.command("connection").description("bank connections: disconnect, token faults");
  connection
    .command("disconnect")
    .description("revoke the consent at TrueLayer, delete the stored tokens, drop the connection from the schedule")
    .requiredOption("--user <id>", "user id")
    .requiredOption("--connection <id>", "connection id")
    .option("--yes", "confirm: the user must connect the bank again to sync it")
    .action(async (opts: { user: string; connection: string; yes?: boolean }, cmd: Command) => {
      if (!opts.yes) throw new OpsError("ops.usage", "connection disconnect revokes the bank consent: pass --yes", 2);
      const ctx = io.context();
      const r = await disconnectConnection(ctx, (io.truelayer ?? (() => trueLayerFromEnv(ctx)))(), { userId: opts.user, connectionId: opts.connection });
      emit(cmd, r, () => table(["user", "connection", "truelayer", "tokens deleted, unscheduled"], [[r.userId, r.connectionId, r.trueLayer, r.disconnected]]));
    });
  connection
    .command("token-faults")
    .description("connections whose sealed tokens could not be opened: record (parked) or key (retried hourly), ADR 0073")
    .option("--user <id>", "one user's connections")
    .option("--connection <id>", "one connection")
    .action(async (opts: { user?: string; connection?: string }, cmd: Command) => {
      const rows = await listTokenFaults(io.context(), {
        ...(opts.user ? { userId: opts.user } : {}),
        ...(opts.connection ? { connectionId: opts.connection } : {}),
      });
      emit(cmd, rows, () =>
        rows.length === 0
          ? "no connection has a token fault"
          : table(
              ["user", "connection", "fault", "code", "runs", "since", "last", "next sync", "reason"],
              rows.map((r) => [
                r.userId,
                r.connectionId,
                r.tokenFault.fault,
                r.tokenFault.code,
                r.tokenFault.attempts,
                r.tokenFault.since,
                r.tokenFault.at,
                r.tokenFault.fault === "record" ? "parked" : (r.nextSyncAt ?? ""),
                r.tokenFault.reason,
              ]),
              60,
            ),
      );
    });
  connection
    .command("clear-token-fault")
    .description("after fixing its cause: forget a connection's token fault and make it due now")
    .requiredOption("--user <id>", "user id")
    .requiredOption("--connection <id>", "connection id")
    .action(async (opts: { user: string; connection: string }, cmd: Command) => {
      const r = await clearTokenFault(io.context(), { userId: opts.user, connectionId: opts.connection });
      emit(cmd, r, () => table(["user", "connection", "cleared", "due"], [[r.userId, r.connectionId, `${r.cleared.fault} (${r.cleared.code})`, r.dueAt]]));
    });

  program
    .command("account")
    .description("bank accounts")
    .command("forget")
    .description("soft-delete every transaction of a closed account the user asked to forget (budgets and recurring streams recompute)")
    .requiredOption("--user <id>", "user id")
    .requiredOption("--account <id>", "account id (must be closed)")
    .option("--dry-run", "count what would be soft-deleted")
    .option("--yes", "confirm")
    .action(async (opts: { user: string; account: string; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
      if (!opts.dryRun && !opts.yes)
        throw new OpsError("ops.usage", "account forget hides the account's transactions everywhere: pass --yes (or --dry-run)", 2);
      const r = await forgetClosedAccount(io.context(), { userId: opts.user, accountId: opts.account }, { dryRun: opts.dryRun === true });
      emit(cmd, r, () =>
        [
          table(["user", "account", "transactions", "events"], [[r.userId, r.accountId, r.transactions, r.events]]),
          r.dryRun ? "dry run: nothing changed" : "soft-deleted",
        ].join("\n"),
      );
    });

  const user = program.command("user").description("one user's data: export, erase");
  user
    .command("export")
    .description("every item of the user's partition as JSON (sealed fields stay sealed)")
    .requiredOption("--user <id>", "user id")
    .action(async (opts: { user: string }) => {
      // Always JSON: an export is for a file or a person's data request, not a table.
      io.out(JSON.stringify(await exportUser(io.context(), opts.user), null, 2));
    });
  user
    .command("erase")
    .description("delete every item of the user, and outbox and idempotency items naming them")
    .requiredOption("--user <id>", "user id")
    .option("--dry-run", "count what would be deleted")
    .option("--yes", "confirm: erasure cannot be undone")
    .action(async (opts: { user: string; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
      if (!opts.dryRun && !opts.yes) throw new OpsError("ops.usage", "user erase deletes data for good: pass --yes (or --dry-run to count)", 2);
      const r = await eraseUser(io.context(), opts.user, { dryRun: opts.dryRun === true });
      emit(cmd, r, () =>
        [
          table(["user", "user items", "outbox", "idempotency", "checkpoints"], [[r.userId, r.userItems, r.outbox, r.idempotency, r.checkpoints]]),
          r.dryRun ? "dry run: nothing deleted" : "erased",
        ].join("\n"),
      );
    });

  return program;
}

/** Runs the CLI and returns the exit status: 0 ok, 1 a failure, 2 a usage or configuration error. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed it
    if (err instanceof OpsError) {
      io.err(`error ${err.code}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.err(`error ${err.code}: ${err.message}\n`);
      return 2;
    }
    const e = err as Error & { name?: string };
    io.err(`error ${e.name ?? "Error"}: ${e.message ?? String(err)}\n`);
    return 1;
  }
}
