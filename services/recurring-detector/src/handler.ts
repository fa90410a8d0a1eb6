import {
  MAX_TRANSACT_ACTIONS,
  type OutboxRecord,
  type RecurringHistory,
  type RecurringStream,
  recurringHistoryEntity,
  recurringStreamEntity,
  SK_PREFIX,
  type TransactAction,
  type Transaction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  transactWrite,
} from "@expenzez/db";
import { parseDeliveredEvent, withCorrelationId } from "@expenzez/events";
import { merchantOf } from "@expenzez/recurring";
import { commitWithEvents, type QueueMessage, relayCommitted, retryOnConflict } from "@expenzez/runtime";
import pLimit from "p-limit";
import type { SyncedDetail } from "./coalesce";
import { put } from "./commit";
import type { RecurringDeps } from "./deps";
import { UnexpectedEventError } from "./errors";
import { merchantIdOf, merchantIdOfStream } from "./ids";
import { planMerchant } from "./plan";
import { refreshUpcomingBills } from "./predictions-store";

const MAX_ATTEMPTS = 4;
/** Members' aiInsights updates in flight at once (a first sync marks hundreds). */
const insightLimit = pLimit(8);
/** Merchants of one message evaluated at once: their reads and writes overlap, and each is one transaction. */
const MERCHANTS_AT_ONCE = 4;

export interface EvaluationSummary {
  merchants: number;
  streamsWritten: number;
  events: number;
  insights: number;
}

/**
 * One message from the `recurring` queue: a TransactionsSynced event. Any other detail-type can
 * never succeed here and goes to the dead-letter queue.
 */
export async function handleRecurringMessage(
  message: Pick<QueueMessage, "body">,
  deps: RecurringDeps & { evaluate?: (detail: SyncedDetail) => Promise<EvaluationSummary> },
): Promise<EvaluationSummary> {
  const event = parseDeliveredEvent(message.body);
  if (event.detailType !== "TransactionsSynced") throw new UnexpectedEventError(event.detailType);
  if (nothingTouched(event.detail)) return emptySummary();
  // `evaluate`: the worker's per-user merging of concurrent events (coalesce.ts); else one evaluation per event.
  return deps.evaluate ? deps.evaluate(event.detail) : reevaluateMerchants(event.detail, deps);
}

const nothingTouched = (detail: SyncedDetail) => detail.range === null || detail.merchants.length === 0;
const emptySummary = (): EvaluationSummary => ({ merchants: 0, streamsWritten: 0, events: 0, insights: 0 });

/**
 * Re-evaluates the streams of the merchants a sync touched, for that user only. The touched
 * merchants' state is read once for all of them: one Query over the synced date range for the
 * new payments, one BatchGetItem of their history items and one Query of the user's streams
 * (ADR 0030, 0031); a merchant that loses a race re-reads its own. Per merchant, a few at a
 * time: the members' aiInsights, then the history, the changed streams and their events in one
 * transaction (merchants whose only write is the history share transactions of 100); every
 * merchant's events are relayed together at the end; then the user's upcoming bills when
 * streams changed. A replay finds nothing to change and writes nothing.
 *
 * @example await reevaluateMerchants(event.detail, deps)
 */
export async function reevaluateMerchants(detail: SyncedDetail, deps: RecurringDeps): Promise<EvaluationSummary> {
  const summary = emptySummary();
  if (detail.range === null || nothingTouched(detail)) return summary;
  const now = (deps.now ?? (() => new Date()))();
  const touched = new Map(detail.merchants.map((name) => [merchantOf(name, name).key, name]));
  const merchantIds = [...touched.keys()].map(merchantIdOf);
  const [synced, histories, { streams, invalid }] = await Promise.all([
    syncedByMerchant(deps, detail.userId, detail.range, touched),
    deps.repos.recurring.getHistories(detail.userId, merchantIds),
    deps.repos.recurring.listAllByUserChecked(detail.userId),
  ]);
  const streamsOf = new Map<string, RecurringStream[]>();
  for (const s of streams) {
    const merchantId = merchantIdOfStream(s.streamId);
    streamsOf.set(merchantId, [...(streamsOf.get(merchantId) ?? []), s]);
  }
  // A merchant with a stream item that fails its schema is left alone (planned without it, its
  // writes would collide with it); the user's other merchants are evaluated as usual.
  const unreadable = new Set(invalid.map((bad) => merchantIdOfStream(bad.key.SK.slice(SK_PREFIX.recurring.length))));
  for (const bad of invalid)
    deps.log.error({ key: bad.key, code: bad.error.code, field: bad.error.field }, "stream item does not parse; its merchant is not evaluated");
  for (const key of [...touched.keys()]) if (unreadable.has(merchantIdOf(key))) touched.delete(key);
  const merchantLimit = pLimit(MERCHANTS_AT_ONCE);
  const committed: OutboxRecord[] = [];
  const count = (result: MerchantResult) => {
    committed.push(...result.records);
    summary.streamsWritten += result.streamsWritten;
    summary.events += result.records.length;
    summary.insights += result.insights;
  };
  const evaluate = (key: string, read: MerchantRead | undefined, packed?: PackedHistory[]) =>
    evaluateMerchant(deps, detail.userId, key, touched.get(key) ?? key, synced.get(key) ?? [], now, detail.correlationId, read, packed);
  try {
    const packed: PackedHistory[] = [];
    await Promise.all(
      [...touched.keys()].map((key) => {
        const merchantId = merchantIdOf(key);
        const read = { history: histories.get(merchantId), streams: streamsOf.get(merchantId) ?? [] };
        return merchantLimit(async () => {
          count(await evaluate(key, read, packed));
          summary.merchants++;
        });
      }),
    );
    // Merchants whose only write is their history (most of a first sync's) commit together, 100 to a transaction.
    for (let i = 0; i < packed.length; i += MAX_TRANSACT_ACTIONS) {
      const part = packed.slice(i, i + MAX_TRANSACT_ACTIONS);
      try {
        await transactWrite(
          deps.db.doc,
          part.map((p) => p.action),
        );
      } catch (err) {
        if (!(err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError)) throw err;
        // Some history moved under us, and the transaction wrote none: each of its merchants is planned again alone.
        for (const p of part) count(await evaluate(p.merchantKey, undefined));
      }
    }
  } finally {
    // What committed is announced together (PutEvents takes 10), even when a later merchant failed.
    await relayCommitted(deps, committed);
  }
  if (summary.streamsWritten > 0) await refreshUpcomingBills(deps, detail.userId, now);
  return summary;
}

async function syncedByMerchant(
  deps: RecurringDeps,
  userId: string,
  range: { from: string; to: string },
  touched: ReadonlyMap<string, string>,
): Promise<Map<string, Transaction[]>> {
  const byMerchant = new Map<string, Transaction[]>();
  let cursor: string | undefined;
  do {
    const page = await deps.repos.transactions.listByDateRange(
      userId,
      { from: `${range.from}T00:00:00.000Z`, to: `${range.to}T23:59:59.999Z` },
      // Soft-deleted ones too, so a forgotten payment leaves the merchant's history.
      { cursor, order: "asc", includeDeleted: true },
    );
    for (const t of page.items) {
      const { key } = merchantOf(t.description, t.merchant?.name);
      if (!touched.has(key)) continue;
      const list = byMerchant.get(key) ?? [];
      list.push(t);
      byMerchant.set(key, list);
    }
    cursor = page.cursor;
  } while (cursor);
  return byMerchant;
}

/** A merchant's history and streams as the evaluation read them. */
interface MerchantRead {
  history: RecurringHistory | undefined;
  streams: RecurringStream[];
}

/** A history write left for a shared transaction, with the merchant it is of. */
interface PackedHistory {
  merchantKey: string;
  action: TransactAction;
}

interface MerchantResult {
  streamsWritten: number;
  records: OutboxRecord[];
  insights: number;
}

/**
 * Plans one merchant and writes what changed. `read` undefined: plan as after a lost race (read
 * again, write every member). With `packed`, a first attempt whose only write is the history
 * leaves it there for the caller's shared transaction.
 */
async function evaluateMerchant(
  deps: RecurringDeps,
  userId: string,
  merchantKey: string,
  merchant: string,
  synced: readonly Transaction[],
  now: Date,
  correlationId: string | undefined,
  read: MerchantRead | undefined,
  packed?: PackedHistory[],
): Promise<MerchantResult> {
  const merchantId = merchantIdOf(merchantKey);
  return retryOnConflict(
    async (attempt) => {
      const lostRace = attempt > 1 || read === undefined;
      // The first attempt plans on the message's one read; after a lost race, this merchant's own state again.
      const [history, streams] = !lostRace
        ? [read.history, read.streams]
        : await Promise.all([deps.repos.recurring.getHistory(userId, merchantId), deps.repos.recurring.listByMerchant(userId, merchantId)]);
      // After a lost race, what an earlier attempt wrote to transactions is unknown: write them all.
      const state = {
        userId,
        merchantId,
        merchantKey,
        merchant,
        streams,
        history:
          !lostRace || !history
            ? history
            : {
                ...history,
                entries: history.entries.map(({ transactionId, date, amountMinor, currency }) => ({ transactionId, date, amountMinor, currency })),
              },
      };
      const plan = planMerchant(state, synced, now);
      const written = await Promise.all(
        plan.insights.map((change) => insightLimit(() => deps.repos.recurring.setInsights(userId, change.transactionId, change.aiInsights))),
      );
      const insights = written.filter(Boolean).length;
      const historyAction = plan.history ? put(deps, recurringHistoryEntity, plan.history.item, plan.history.expectedVersion) : undefined;
      if (packed && !lostRace && historyAction && plan.streams.length === 0 && plan.events.length === 0) {
        packed.push({ merchantKey, action: historyAction });
        return { streamsWritten: 0, records: [], insights };
      }
      const actions = [...(historyAction ? [historyAction] : []), ...plan.streams.map((s) => put(deps, recurringStreamEntity, s.item, s.expectedVersion))];
      // The evaluation relays every merchant's records at its end. The sync's correlation id
      // travels on into the alerts these events cause.
      const events = plan.events.map((e) => withCorrelationId(e, correlationId));
      const { records } = actions.length || events.length ? await commitWithEvents(deps, actions, events, { now, relay: "caller" }) : { records: [] };
      return { streamsWritten: plan.streams.length, records, insights };
    },
    { what: `recurring streams of merchant ${merchantId}`, maxAttempts: MAX_ATTEMPTS, log: deps.log },
  );
}
