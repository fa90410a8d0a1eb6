import {
  RECURRING_HISTORY_MAX_ENTRIES,
  type RecurringHistory,
  type RecurringHistoryEntry,
  type RecurringHistoryInput,
  type RecurringStream,
  type RecurringStreamInput,
  type Transaction,
} from "@expenzez/db";
import { buildEvent, type DomainEvent } from "@expenzez/events";
import { type DetectedStream, dayOf, detectStreams, isoDay, LOOKBACK_DAYS, reconcileStreamIds } from "@expenzez/recurring";
import { eventIdFor, storedStreamId } from "./ids";

/** What one merchant's re-evaluation starts from. */
export interface MerchantState {
  userId: string;
  merchantId: string;
  merchantKey: string;
  merchant: string;
  history: RecurringHistory | undefined;
  streams: readonly RecurringStream[];
}

/** What it writes: only what changed. */
export interface MerchantPlan {
  /** The history to write (`undefined`: unchanged), with the version it must still have (`undefined`: new). */
  history?: { item: RecurringHistoryInput; expectedVersion: number | undefined };
  streams: { item: RecurringStreamInput; expectedVersion: number | undefined }[];
  events: DomainEvent[];
  /** Transactions whose `aiInsights` change. */
  insights: { transactionId: string; aiInsights: NonNullable<Transaction["aiInsights"]> }[];
  /** The streams as they stand after the plan (for upcoming bills). */
  detected: DetectedStream[];
}

/**
 * A booked payment the bank dated up to this many days after today (a weekend's booked for
 * Monday) still joins its stream now: left out, nothing would touch its merchant again before the
 * next payment and the daily pass would report it missed. Statuses stay as of today.
 */
const BOOKED_DAYS_AHEAD = 7;

/** Stored streams keep this many member ids (item size); the history keeps them all. */
const STORED_MEMBERS = 60;

/**
 * Folds a sync's transactions of one merchant into its history, re-detects the merchant's
 * streams and decides the writes and events: `RecurringPaymentDetected` when a stream first
 * becomes mature, `RecurringPaymentPriceChanged` when a known stream's new payment starts a new
 * price, `RecurringPaymentMissed` when a stream that was expecting payments is overdue. Each is
 * recorded on the stream (`announced`) and has a name-based id, so a replay plans nothing.
 * Pure: no I/O, `now` given.
 */
export function planMerchant(state: MerchantState, synced: readonly Transaction[], now: Date): MerchantPlan {
  const today = now.toISOString().slice(0, 10);
  const nowIso = now.toISOString();
  const entries = mergeEntries(state.history?.entries ?? [], synced, isoDay(dayOf(today) - LOOKBACK_DAYS));
  const inputs = entries.map((e) => ({
    id: e.transactionId,
    timestamp: e.date,
    amountMinor: e.amountMinor,
    currency: e.currency,
    description: state.merchant,
    merchant: state.merchant,
  }));
  const known = state.streams.map((s) => ({
    streamId: s.streamId,
    merchantKey: state.merchantKey,
    direction: s.direction ?? "debit",
    transactionIds: s.transactionIds,
  }));
  const detected = reconcileStreamIds(known, detectStreams(inputs, { asOf: today, bookedUntil: isoDay(dayOf(today) + BOOKED_DAYS_AHEAD) })).map((d) => ({
    ...d,
    streamId: storedStreamId(state.merchantId, d.streamId),
    merchant: state.merchant,
  }));

  const plan: MerchantPlan = { streams: [], events: [], insights: [], detected };
  const byId = new Map(state.streams.map((s) => [s.streamId, s]));
  for (const d of detected) {
    const before = byId.get(d.streamId);
    byId.delete(d.streamId);
    const announced = { detected: false, ...before?.announced };
    const common = { userId: state.userId, occurredAt: nowIso, streamId: d.streamId, merchant: d.merchant, frequency: d.frequency, currency: d.currency };
    if (d.status === "mature" && !announced.detected) {
      announced.detected = true;
      plan.events.push(
        buildEvent("RecurringPaymentDetected", {
          ...common,
          eventId: eventIdFor(d.streamId, "detected"),
          amountMinor: d.usualAmountMinor,
          nextExpected: d.nextExpected,
          transactionIds: d.transactionIds.slice(-STORED_MEMBERS),
        }),
      );
    }
    if (d.priceChange && d.priceChange.transactionId !== announced.priceChangeTransactionId) {
      // News only for a stream we knew, when the payment at the new price is new to it; a rise
      // deep in a first sync's history is recorded quietly.
      const isNews = before?.announced.detected === true && !before.transactionIds.includes(d.priceChange.transactionId);
      if (isNews)
        plan.events.push(
          buildEvent("RecurringPaymentPriceChanged", {
            ...common,
            eventId: eventIdFor(d.streamId, "price", d.priceChange.transactionId),
            previousAmountMinor: d.priceChange.previousAmountMinor,
            newAmountMinor: d.priceChange.newAmountMinor,
            transactionId: d.priceChange.transactionId,
          }),
        );
      announced.priceChangeTransactionId = d.priceChange.transactionId;
    }
    // Only a stream that had matured is announced as missed; an early one just stops.
    if (d.status === "tombstoned" && before?.status === "mature" && announced.missedFor !== d.nextExpected) {
      announced.missedFor = d.nextExpected;
      plan.events.push(missedEvent(state.userId, d.streamId, d.merchant, d.frequency, d.currency, d.nextExpected, d.usualAmountMinor, nowIso));
    }
    const item = streamItem(state, d, announced, before, nowIso);
    if (before === undefined || !sameStream(before, item)) plan.streams.push({ item, expectedVersion: before?.version });
  }
  // A stored stream the detector no longer finds (its payments left the window, or were
  // removed) ends quietly: it leaves the due index and makes no claim about the future.
  for (const gone of byId.values()) {
    if (gone.status === "ended") continue;
    plan.streams.push({ item: { ...gone, status: "ended", updatedAt: nowIso }, expectedVersion: gone.version });
  }

  const marked = markInsights(entries, detected, plan);
  const history: RecurringHistoryInput = {
    userId: state.userId,
    merchantId: state.merchantId,
    merchantKey: state.merchantKey,
    merchant: state.merchant,
    entries: marked,
    createdAt: state.history?.createdAt ?? nowIso,
    updatedAt: nowIso,
    version: state.history?.version ?? 1,
  };
  // A merchant the user has no transactions of (an event naming a user who does not exist, or
  // one erased meanwhile) gets no empty history: nothing to remember, nothing to write.
  const changed = state.history === undefined ? marked.length > 0 : !sameEntries(state.history.entries, marked);
  if (changed) plan.history = { item: history, expectedVersion: state.history?.version };
  return plan;
}

/** The one shape of a missed payment's event, from a re-evaluation or from the scheduled pass. */
export function missedEvent(
  userId: string,
  streamId: string,
  merchant: string,
  frequency: DetectedStream["frequency"],
  currency: string,
  expectedOn: string,
  amountMinor: number,
  nowIso: string,
): DomainEvent {
  return buildEvent("RecurringPaymentMissed", {
    userId,
    occurredAt: nowIso,
    eventId: eventIdFor(streamId, "missed", expectedOn),
    streamId,
    merchant,
    frequency,
    currency,
    expectedOn,
    amountMinor,
  });
}

/**
 * Booked transactions of the merchant replace or join their entries; pending ones leave; old ones
 * fall out, and beyond the item's bound the oldest do (a merchant paid that often is no one stream).
 */
function mergeEntries(stored: readonly RecurringHistoryEntry[], synced: readonly Transaction[], oldest: string): RecurringHistoryEntry[] {
  const byId = new Map(stored.map((e) => [e.transactionId, e]));
  for (const t of synced) {
    const existing = byId.get(t.transactionId);
    if (t.status !== "booked" || t.deletedAt) {
      byId.delete(t.transactionId);
      continue;
    }
    const date = t.timestamp.slice(0, 10);
    if (existing && existing.date === date && existing.amountMinor === t.amountMinor && existing.currency === t.currency) continue;
    byId.set(t.transactionId, { ...existing, transactionId: t.transactionId, date, amountMinor: t.amountMinor, currency: t.currency });
  }
  return [...byId.values()]
    .filter((e) => e.date >= oldest)
    .sort((a, b) => a.date.localeCompare(b.date) || a.transactionId.localeCompare(b.transactionId))
    .slice(-RECURRING_HISTORY_MAX_ENTRIES);
}

/** The aiInsights each entry's transaction should carry; changed ones go into the plan and the entry remembers them. */
function markInsights(entries: readonly RecurringHistoryEntry[], detected: readonly DetectedStream[], plan: MerchantPlan): RecurringHistoryEntry[] {
  const member = new Map<string, DetectedStream>();
  for (const d of detected) for (const id of d.transactionIds) member.set(id, d);
  return entries.map((e) => {
    const d = member.get(e.transactionId);
    const want = d
      ? { streamId: d.streamId, frequency: d.frequency, nextExpected: d.status === "tombstoned" ? undefined : d.nextExpected }
      : { streamId: undefined, frequency: undefined, nextExpected: undefined };
    if (e.streamId === want.streamId && e.frequency === want.frequency && e.nextExpected === want.nextExpected) return e;
    // Never marked and still not a member: nothing to write.
    if (e.streamId === undefined && want.streamId === undefined) return e;
    plan.insights.push({
      transactionId: e.transactionId,
      aiInsights: d
        ? {
            isRecurring: true,
            recurringStreamId: d.streamId,
            recurringFrequency: d.frequency,
            ...(want.nextExpected ? { nextExpected: want.nextExpected } : {}),
            ...(d.priceChange?.transactionId === e.transactionId ? { priceChanged: true } : {}),
          }
        : { isRecurring: false },
    });
    const { streamId: _s, frequency: _f, nextExpected: _n, ...rest } = e;
    return {
      ...rest,
      ...(want.streamId ? { streamId: want.streamId, frequency: want.frequency } : {}),
      ...(want.nextExpected ? { nextExpected: want.nextExpected } : {}),
    };
  });
}

function streamItem(
  state: MerchantState,
  d: DetectedStream,
  announced: RecurringStreamInput["announced"],
  before: RecurringStream | undefined,
  nowIso: string,
): RecurringStreamInput {
  return {
    userId: state.userId,
    streamId: d.streamId,
    merchant: d.merchant,
    normalisedMerchant: d.merchantKey,
    merchantId: state.merchantId,
    direction: d.direction,
    frequency: d.frequency,
    currency: d.currency,
    averageAmountMinor: d.averageAmountMinor,
    lastAmountMinor: d.lastAmountMinor,
    usualAmountMinor: d.usualAmountMinor,
    amountToleranceMinor: d.amountToleranceMinor,
    amountKind: d.amountKind,
    firstSeenAt: `${d.firstDate}T00:00:00.000Z`,
    lastSeenAt: `${d.lastDate}T00:00:00.000Z`,
    nextExpectedAt: `${d.nextExpected}T00:00:00.000Z`,
    windowFrom: d.window.from,
    windowTo: d.window.to,
    toleranceDays: d.toleranceDays,
    confidence: d.confidence,
    status: d.status,
    occurrences: d.occurrences,
    transactionIds: d.transactionIds.slice(-STORED_MEMBERS),
    announced,
    version: before?.version ?? 1,
    createdAt: before?.createdAt ?? nowIso,
    updatedAt: nowIso,
  };
}

/** Equal apart from bookkeeping (`updatedAt`, `version`): no write needed. */
function sameStream(before: RecurringStream, after: RecurringStreamInput): boolean {
  const strip = ({ updatedAt: _u, version: _v, ...rest }: Record<string, unknown>) => rest;
  return stableJson(strip(before as Record<string, unknown>)) === stableJson(strip(after as Record<string, unknown>));
}

function sameEntries(a: readonly RecurringHistoryEntry[], b: readonly RecurringHistoryEntry[]): boolean {
  return stableJson(a) === stableJson(b);
}

/** JSON with sorted keys and without undefined values, for comparing items. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
