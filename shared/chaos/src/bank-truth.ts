import type { BankAccountTruth } from "@expenzez/invariants";
import type { RunningSandbox } from "@expenzez/truelayer-sandbox";

interface Listed<T> {
  results: T[];
}
type TxJson = { normalised_provider_transaction_id?: string };
type BalanceJson = { current: number; available?: number };
type AccountJson = { account_id: string; account_number?: { number?: string; sort_code?: string; iban?: string } };

/** Decimal pounds as the bank sends them → pence, exactly (through the decimal text, not a float product). */
function pence(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const [whole = "0", frac = ""] = Math.abs(value).toFixed(2).split(".");
  const n = Number(whole) * 100 + Number(frac);
  return value < 0 ? -n : n;
}

/**
 * What the simulator serves for a user now, read over its Data API like any client would, with
 * a token of our own (issued without touching the user's consent or the pipeline's tokens) and
 * an `X-PSU-IP` so no daily limit or SCA window applies. The invariant checker compares the
 * table with this, not with anything the pipeline recorded.
 */
export async function readBankTruth(sandbox: RunningSandbox, userId: string): Promise<BankAccountTruth[]> {
  const info = await sandbox.admin.getUser(userId);
  const token = sandbox.state.authorise(userId, { reconsent: false }).access_token;
  const get = async <T>(path: string): Promise<T[]> => {
    const res = await fetch(`${sandbox.dataUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}`, "X-PSU-IP": "198.51.100.7" },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) throw new Error(`bank truth: GET ${path} answered ${res.status}`);
    return ((await res.json()) as Listed<T>).results;
  };
  const from = info.history_start;
  const to = (await sandbox.admin.now()).toISOString();
  const out: BankAccountTruth[] = [];
  for (const [kind, list] of [
    ["accounts", await get<AccountJson>("/accounts")],
    ["cards", await get<AccountJson & { partial_card_number?: string }>("/cards")],
  ] as const) {
    for (const account of list) {
      const base = `/${kind}/${encodeURIComponent(account.account_id)}`;
      const [booked, pending, balances] = await Promise.all([
        get<TxJson>(`${base}/transactions?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
        get<TxJson>(`${base}/transactions/pending`),
        get<BalanceJson>(`${base}/balance`),
      ]);
      const balance = balances[0];
      const identifiers = [account.account_number?.number, account.account_number?.iban].filter((v): v is string => typeof v === "string" && v.length >= 6);
      const currentMinor = pence(balance?.current);
      const availableMinor = pence(balance?.available);
      out.push({
        providerAccountId: account.account_id,
        booked: booked.map((t) => t.normalised_provider_transaction_id ?? "").filter(Boolean),
        pending: pending.map((t) => t.normalised_provider_transaction_id ?? "").filter(Boolean),
        ...(currentMinor === undefined ? {} : { balance: { currentMinor, ...(availableMinor === undefined ? {} : { availableMinor }) } }),
        identifiers,
      });
    }
  }
  return out;
}
