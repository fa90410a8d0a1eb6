import type { StoredBankAccount } from "@expenzez/db";
import type { AsyncResultsRef } from "@expenzez/events";
import type { CallContext, TrueLayerClient } from "@expenzez/truelayer";
import { z } from "zod";
import { UnusableResultsError } from "./errors";
import type { FetchedAccount } from "./fetch";

/** The only async request the worker makes: booked transactions of one account or card in a range. */
const REQUEST_PATH = /\/(accounts|cards)\/([^/]+)\/transactions$/;

const rangeSchema = z.object({
  from: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
  to: z.union([z.iso.date(), z.iso.datetime({ offset: true })]),
});

/** What an async request asked for, read from the `request_uri` TrueLayer echoed. */
export interface ResultsRequest {
  kind: "account" | "card";
  providerAccountId: string;
  /** The booked window the results cover (ISO date-times). */
  window: { from: string; to: string };
}

/**
 * Reads the request a results callback answers: which account and which range. Anything other
 * than a booked-transactions request we could have made is refused for good.
 */
export function resultsRequest(results: AsyncResultsRef): ResultsRequest {
  const url = new URL(results.requestUri);
  const match = REQUEST_PATH.exec(url.pathname);
  if (!match) throw new UnusableResultsError(results.taskId, "the request is not a booked-transactions request");
  const range = rangeSchema.safeParse({ from: url.searchParams.get("from") ?? undefined, to: url.searchParams.get("to") ?? undefined });
  if (!range.success) throw new UnusableResultsError(results.taskId, "the request has no valid from/to range");
  const from = new Date(range.data.from);
  const to = new Date(range.data.to);
  if (from.getTime() > to.getTime()) throw new UnusableResultsError(results.taskId, "the request's range ends before it starts");
  let providerAccountId: string;
  try {
    providerAccountId = decodeURIComponent(match[2] as string);
  } catch {
    // A URIError is no reason to retry: the same callback never decodes.
    throw new UnusableResultsError(results.taskId, "the request's account id is not valid percent-encoding");
  }
  return {
    kind: match[1] === "cards" ? "card" : "account",
    providerAccountId,
    window: { from: from.toISOString(), to: to.toISOString() },
  };
}

/**
 * The account a results job writes to, as a FetchedAccount holding only the booked transactions
 * of the results: no balance and no pending list were read, so the stored ones stay as they are.
 * The account must be one of the connection's stored accounts (its first sync stored it).
 */
export async function fetchResults(
  client: TrueLayerClient,
  ctx: CallContext,
  results: AsyncResultsRef,
  request: ResultsRequest,
  stored: ReadonlyMap<string, StoredBankAccount>,
): Promise<FetchedAccount> {
  const account = [...stored.values()].find((a) => (a.providerAccountId ?? a.accountId) === request.providerAccountId && a.kind === request.kind);
  if (!account) throw new UnusableResultsError(results.taskId, "the request names an account this connection has not stored");
  const list = await client.getTransactionResults(ctx, results.uri);
  return {
    accountId: account.accountId,
    providerAccountId: request.providerAccountId,
    kind: account.kind,
    type: account.type,
    displayName: account.displayName,
    currency: account.currency,
    data: { booked: list.transactions, rejected: list.rejected.map((r) => ({ ...r, status: "booked" as const })) },
  };
}
