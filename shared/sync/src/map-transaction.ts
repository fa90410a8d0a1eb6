import type { CategorisableTransaction, Categorisation } from "@expenzez/categoriser";
import { type Transaction, type TransactionType, transactionIdFor } from "@expenzez/db";
import { fromMinor } from "@expenzez/money";
import type { TrueLayerTransaction } from "@expenzez/truelayer";
import { boundedText, storableId, TEXT_LIMITS } from "./sanitise";

export interface MapContext {
  userId: string;
  connectionId: string;
  accountId: string;
  status: "booked" | "pending";
  now: string;
}

/**
 * Our id for a TrueLayer transaction: stable across syncs (TrueLayer's `transaction_id` is not).
 * `occurrence` tells apart transactions of one list that share an identity (see `occurrencesOf`).
 */
export function ourTransactionId(accountId: string, tl: TrueLayerTransaction, occurrence = 0): string {
  return transactionIdFor({
    accountId,
    normalisedProviderTransactionId: tl.normalised_provider_transaction_id,
    providerTransactionId: tl.provider_transaction_id,
    // Minor units, not the decimal: "12.3" and 12.30 must give the same id.
    content: { timestamp: tl.timestamp_utc, amount: tl.signed_amount_minor, currency: tl.currency, description: tl.description },
    occurrence,
  });
}

/**
 * The bank id a transaction is known by (`n:` its normalised id, else `p:` its provider id);
 * undefined when it has neither (its identity is a hash of its content, time included).
 */
export function bankIdentityOf(tl: TrueLayerTransaction): string | undefined {
  const identity = identityOf(tl);
  return identity.startsWith("h:") ? undefined : identity;
}

function identityOf(tl: TrueLayerTransaction): string {
  if (tl.normalised_provider_transaction_id) return `n:${tl.normalised_provider_transaction_id}`;
  if (tl.provider_transaction_id) return `p:${tl.provider_transaction_id}`;
  return `h:${tl.timestamp_utc}|${tl.signed_amount_minor}|${tl.currency}|${tl.description.trim()}`;
}

function contentOf(tl: TrueLayerTransaction): string {
  return `${tl.timestamp_utc}|${tl.signed_amount_minor}|${tl.currency}|${tl.description}|${tl.transaction_type}`;
}

/**
 * What the batches of one long history (ADR 0062) numbered so far: a later batch numbers on from
 * it, so two transactions under one bank id in different slices get different indexes.
 */
export interface OccurrenceMemory {
  /** The next free index of each bank id (`n:` / `p:` identities: a content hash holds its time, so its twins share a batch). */
  next: Map<string, number>;
  /** A transaction mapped by two batches (the margin between slices) keeps the index it was given. */
  given: WeakMap<TrueLayerTransaction, number>;
}

export function occurrenceMemory(): OccurrenceMemory {
  return { next: new Map(), given: new WeakMap() };
}

/**
 * The occurrence index of each transaction of one bank list (booked, or pending): 0 unless
 * another transaction of the list has the same identity. Two identical same-day coffees
 * without provider ids, or two different transactions the bank serves under one
 * `normalised_provider_transaction_id`, are then stored as two. Within a group the order is by
 * content, so the indexes do not depend on the order the bank listed them in. With `memory`
 * (the batches of one long history), a bank id seen by an earlier batch numbers on from there.
 *
 * @example occurrencesOf([coffee, coffee, tea]) // [0, 1, 0]
 */
export function occurrencesOf(list: readonly TrueLayerTransaction[], memory?: OccurrenceMemory): number[] {
  const groups = new Map<string, number[]>();
  list.forEach((tl, i) => {
    const key = identityOf(tl);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const out = new Array<number>(list.length).fill(0);
  for (const [key, group] of groups) {
    const remembered = memory !== undefined && !key.startsWith("h:");
    if (group.length < 2 && !remembered) continue;
    const contents = group.map((i) => contentOf(list[i] as TrueLayerTransaction));
    const order = group.map((_, k) => k).sort((a, b) => (contents[a]! < contents[b]! ? -1 : contents[a]! > contents[b]! ? 1 : a - b));
    if (!remembered) {
      order.forEach((k, rank) => {
        out[group[k] as number] = rank;
      });
      continue;
    }
    let next = memory.next.get(key) ?? 0;
    for (const k of order) {
      const tl = list[group[k] as number] as TrueLayerTransaction;
      let index = memory.given.get(tl);
      if (index === undefined) {
        index = next++;
        memory.given.set(tl, index);
      }
      out[group[k] as number] = index;
    }
    memory.next.set(key, next);
  }
  return out;
}

/** The seed's `transactionType` from TrueLayer's category and our own (own-account transfers). */
export function transactionTypeOf(tl: TrueLayerTransaction, primaryCategory: string): TransactionType {
  if (tl.transaction_category === "INTEREST") return "interest";
  if (tl.transaction_category === "FEE_CHARGE" || primaryCategory === "fees_and_charges") return "fee";
  if (tl.transaction_category === "TRANSFER" || primaryCategory === "transfers") return "transfer";
  return tl.transaction_type === "DEBIT" ? "debit" : "credit";
}

/**
 * The fields of a bank transaction the categoriser reads, not a copy of the whole object (a sync
 * categorises hundreds at once; the bank's extra fields would only be garbage).
 */
export function categorisableOf(tl: TrueLayerTransaction, accountId: string): CategorisableTransaction {
  return {
    accountId,
    timestamp: tl.timestamp,
    description: tl.description,
    amount: tl.amount,
    currency: tl.currency,
    transaction_type: tl.transaction_type,
    transaction_category: tl.transaction_category,
    transaction_classification: tl.transaction_classification,
    merchant_name: tl.merchant_name,
    meta: tl.meta,
  };
}

/**
 * A TrueLayer transaction and its categorisation as the item we store. The sign comes from
 * `transaction_type` (card debits arrive positive): money out is negative, in pence and as a
 * decimal that is derived from the pence, so the two never disagree. Text from the bank is
 * sanitised (lone surrogates, control characters) and bounded (`TEXT_LIMITS`), so one odd
 * description can never make an item DynamoDB refuses.
 *
 * The result is a valid `Transaction` by construction (the bank's transaction passed its schema
 * at the boundary; ids, sizes and amounts are bounded here), so the sync stores it without a
 * second zod pass over what it just built (ADR 0064); `test/builder-valid.test.ts` proves it
 * against the entity schema on ordinary and hostile bank data.
 */
export function toStoredTransaction(tl: TrueLayerTransaction, categorisation: Categorisation, ctx: MapContext, occurrence = 0): Transaction {
  const { category, merchant } = categorisation;
  const providerId = storableId(tl.provider_transaction_id);
  const normalisedId = storableId(tl.normalised_provider_transaction_id);
  const merchantName = merchant.name ? boundedText(merchant.name, TEXT_LIMITS.name) : "";
  const classification = tl.transaction_classification.slice(0, TEXT_LIMITS.classifications).map((c) => boundedText(c, TEXT_LIMITS.name));
  return {
    userId: ctx.userId,
    transactionId: ourTransactionId(ctx.accountId, tl, occurrence),
    accountId: ctx.accountId,
    connectionId: ctx.connectionId,
    ...(providerId ? { providerTransactionId: providerId } : {}),
    ...(normalisedId ? { normalisedProviderTransactionId: normalisedId } : {}),
    timestamp: tl.timestamp_utc,
    description: boundedText(tl.description, TEXT_LIMITS.description),
    amount: fromMinor(tl.signed_amount_minor, tl.currency),
    amountMinor: tl.signed_amount_minor,
    currency: tl.currency,
    direction: tl.transaction_type === "DEBIT" ? "debit" : "credit",
    status: ctx.status,
    transactionType: transactionTypeOf(tl, category.primary),
    isHidden: false,
    category: {
      primary: category.primary,
      secondary: category.secondary,
      confidence: category.confidence,
      reason: category.reason,
      ...(category.ruleId ? { ruleId: category.ruleId } : {}),
      userModified: false,
    },
    ...(merchantName ? { merchant: { name: merchantName } } : {}),
    ...(tl.transaction_category ? { providerCategory: boundedText(tl.transaction_category, TEXT_LIMITS.name) } : {}),
    ...(classification.length ? { providerClassification: classification } : {}),
    ...(tl.running_balance?.amount_minor !== undefined ? { runningBalanceMinor: tl.running_balance.amount_minor } : {}),
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}
