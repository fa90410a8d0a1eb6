import { readFileSync } from "node:fs";
import { isKnownTimeZone, SK_PREFIX } from "@expenzez/db";
import { budgetPeriodMisplaced, independentSpent } from "./budgets";
import { type Item, outboxLeft, userPartition } from "./table";
import { type CheckInput, type CheckReport, INVARIANTS, type InvariantName, type UserToCheck, type Violation } from "./types";

const SEALED = /^ezk[12](\.[A-Za-z0-9_-]+){5}$/;
const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const skOf = (i: Item) => str(i.SK);
const is = (prefix: string) => (i: Item) => skOf(i).startsWith(prefix);

/**
 * Checks every invariant of DESIGN section 6 against the table, read here with plain Queries
 * (not the services' repositories or entity parsers), and against what the bank, the bus and the
 * push stand-in say happened. The demo's summary and the fault suite both call this one checker.
 *
 * @example
 * const report = await checkInvariants({ table: db, users: [{ userId: "u1", bank }], announced });
 * if (!report.ok) for (const v of report.violations) console.log(v.invariant, v.message);
 */
/** How long a published outbox record may wait for its delete: the outbox sweep's default minimum age. */
const OUTBOX_DELETE_GRACE_MS = 60_000;

export async function checkInvariants(input: CheckInput): Promise<CheckReport> {
  const violations: Violation[] = [];
  const checked = Object.fromEntries(INVARIANTS.map((n) => [n, 0])) as Record<InvariantName, number>;
  const totals = {
    users: input.users.length,
    accounts: 0,
    transactions: 0,
    budgets: 0,
    notifications: 0,
    outboxLeft: 0,
    outboxAwaitingDelete: 0,
    lostTransactions: 0,
  };
  const versions = new Map<string, number>();
  const secretsSeen = new Set<string>();
  const fail = (invariant: InvariantName, userId: string | undefined, message: string) =>
    violations.push({ invariant, ...(userId ? { userId } : {}), message });
  const historyById = new Map<string, Item>();

  for (const user of input.users) {
    const items = await userPartition(input.table, user.userId);
    for (const item of items) {
      if (typeof item.version === "number") {
        const key = `${str(item.PK)}|${skOf(item)}`;
        versions.set(key, item.version);
        const before = input.previousVersions?.get(key);
        if (before !== undefined) {
          checked.balances++;
          if (item.version < before) fail("balances", user.userId, `${skOf(item)} went from version ${before} back to ${item.version}`);
        }
      }
    }
    const accounts = items.filter(is(SK_PREFIX.account));
    // Soft-deleted ones (a vanished hold, a forgotten account; ADR 0053) are kept but off every count and sum.
    const transactions = items
      .filter(is(SK_PREFIX.transaction))
      .filter((t) => t.deletedAt === undefined)
      .map(withKeyAttributes);
    totals.accounts += accounts.length;
    totals.transactions += transactions.length;
    checkCounts(user, accounts, transactions, checked, fail);
    totals.lostTransactions += checkStorage(user, accounts, transactions, checked, fail);
    checkUserCategories(user, transactions, checked, fail);
    const budgets = items.filter(is(SK_PREFIX.budget));
    totals.budgets += budgets.length;
    const profile = items.find((i) => skOf(i) === "PROFILE");
    // A profile stored before zones were checked on write may name one Intl refuses: London, as budget-recalc reads it.
    const zone = str(profile?.timeZone);
    checkBudgets(user, budgets, transactions, isKnownTimeZone(zone) ? zone : "Europe/London", checked, fail);
    const history = items.filter(is(SK_PREFIX.notificationHistory));
    totals.notifications += history.length;
    for (const h of history) historyById.set(str(h.notificationId), h);
    checkAlerts(
      user,
      history,
      items.find((i) => skOf(i) === "NOTIFPREFS"),
      checked,
      fail,
    );
    checkAnnounced(user, items, accounts, transactions, input.announced, checked, fail);
    checkSecretsAtRest(user, items, accounts, checked, fail, secretsSeen);
  }

  // A duplicate the history cannot show: the push stand-in got the same notification twice on one device.
  if (input.pushes) {
    const perDevice = new Map<string, number>();
    for (const p of input.pushes) {
      const id = p.data?.notificationId;
      if (!id) continue;
      checked.alerts_once++;
      const key = `${id}|${p.token ?? ""}`;
      perDevice.set(key, (perDevice.get(key) ?? 0) + 1);
    }
    for (const [key, n] of perDevice) {
      if (n < 2) continue;
      const [id] = key.split("|");
      const h = historyById.get(id ?? "");
      fail("alerts_once", str(h?.userId) || undefined, `notification ${id} (${str(h?.detailType) || "unknown"}) was pushed ${n} times to one device`);
    }
  }

  const left = await outboxLeft(input.table);
  const published = input.announced?.eventIds;
  // A published record waits for the relay's batched delete (ADR 0068), but not past the sweep's age.
  const graceStart = Date.now() - (input.outboxDeleteGraceMs ?? OUTBOX_DELETE_GRACE_MS);
  const awaiting = left.filter((r) => published?.has(str(r.eventId)) && Date.parse(str(r.createdAt)) >= graceStart);
  const stuck = left.filter((r) => !awaiting.includes(r));
  totals.outboxLeft = stuck.length;
  totals.outboxAwaitingDelete = awaiting.length;
  checked.syncs_announced += 1;
  for (const r of stuck.slice(0, 20)) {
    const why = published?.has(str(r.eventId)) ? "was published but never deleted" : "was committed but never published";
    fail("syncs_announced", undefined, `outbox record ${skOf(r)} (${str(r.detailType)}) ${why}`);
  }

  if (input.logFiles?.length) checkLogs(input.logFiles, [...secretsSeen, ...input.users.flatMap((u) => u.secrets ?? [])], checked, fail);

  return { ok: violations.length === 0, violations, checked, totals, versions };
}

/**
 * A Transaction item keeps its id and canonical timestamp only in its keys (ADR 0043): restored
 * here from SK and the by-time index's sort key (`<timestamp>#<transactionId>`).
 */
function withKeyAttributes(t: Item): Item {
  const timeKey = str(t.GSI2SK);
  return {
    ...t,
    transactionId: t.transactionId ?? skOf(t).slice(SK_PREFIX.transaction.length),
    timestamp: t.timestamp ?? (timeKey.includes("#") ? timeKey.slice(0, timeKey.indexOf("#")) : undefined),
  };
}

type Fail = (invariant: InvariantName, userId: string | undefined, message: string) => void;

/** 1: each account's counter equals what is stored under it. */
function checkCounts(user: UserToCheck, accounts: Item[], transactions: Item[], checked: Record<InvariantName, number>, fail: Fail) {
  for (const account of accounts) {
    const id = str(account.accountId);
    const mine = transactions.filter((t) => str(t.accountId) === id);
    const summary = (account.transactionSummary ?? {}) as { totalTransactions?: number; pendingTransactions?: number };
    checked.counts++;
    if (num(summary.totalTransactions ?? 0) !== mine.length)
      fail("counts", user.userId, `account ${id} counts ${summary.totalTransactions ?? 0} transactions, ${mine.length} are stored`);
    const pending = mine.filter((t) => t.status === "pending").length;
    // Absent reads as 0, as the account entity reads it (and the app shows it).
    if (num(summary.pendingTransactions ?? 0) !== pending)
      fail("counts", user.userId, `account ${id} counts ${summary.pendingTransactions ?? 0} pending, ${pending} are stored`);
  }
}

/** 2 and 3: every transaction the bank serves stored exactly once, nothing it no longer serves, its balance. */
function checkStorage(user: UserToCheck, accounts: Item[], transactions: Item[], checked: Record<InvariantName, number>, fail: Fail): number {
  let lost = 0;
  const byAccount = new Map<string, Item[]>();
  for (const t of transactions) byAccount.set(str(t.accountId), [...(byAccount.get(str(t.accountId)) ?? []), t]);
  // Without the bank: at least no bank transaction twice in one account.
  for (const [accountId, list] of byAccount) {
    const seen = new Map<string, number>();
    for (const t of list) {
      const key = `${str(t.status)}:${str(t.normalisedProviderTransactionId) || str(t.providerTransactionId) || str(t.transactionId)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    for (const [key, n] of seen) {
      checked.exactly_once++;
      if (n > 1) fail("exactly_once", user.userId, `account ${accountId}: ${key} is stored ${n} times`);
    }
  }
  for (const bank of user.bank ?? []) {
    const account = accounts.find((a) => str(a.providerAccountId) === bank.providerAccountId || str(a.accountId) === bank.providerAccountId);
    if (!account) {
      checked.exactly_once++;
      lost += bank.booked.length + bank.pending.length;
      if (bank.booked.length || bank.pending.length)
        fail("exactly_once", user.userId, `bank account ${bank.providerAccountId} is not stored at all (${bank.booked.length} booked lost)`);
      continue;
    }
    const stored = byAccount.get(str(account.accountId)) ?? [];
    const storedIds = (status: string) => new Set(stored.filter((t) => t.status === status).map((t) => str(t.normalisedProviderTransactionId)));
    for (const [status, want] of [
      ["booked", bank.booked],
      ["pending", bank.pending],
    ] as const) {
      const have = storedIds(status);
      const wanted = new Set(want);
      checked.exactly_once += wanted.size;
      const missing = [...wanted].filter((id) => !have.has(id));
      const extra = [...have].filter((id) => !wanted.has(id));
      lost += missing.length;
      if (missing.length)
        fail(
          "exactly_once",
          user.userId,
          `account ${str(account.accountId)}: ${missing.length} ${status} transactions the bank serves are not stored, e.g. ${missing.slice(0, 3).join(", ")}`,
        );
      if (extra.length)
        fail(
          "exactly_once",
          user.userId,
          `account ${str(account.accountId)}: ${extra.length} stored ${status} transactions the bank no longer serves, e.g. ${extra.slice(0, 3).join(", ")}`,
        );
    }
    if (bank.balance) {
      checked.balances++;
      const b = (account.balance ?? {}) as { currentMinor?: number; availableMinor?: number };
      if (b.currentMinor !== bank.balance.currentMinor || (bank.balance.availableMinor !== undefined && b.availableMinor !== bank.balance.availableMinor))
        fail(
          "balances",
          user.userId,
          `account ${str(account.accountId)} holds balance ${b.currentMinor}/${b.availableMinor}, the bank's latest is ${bank.balance.currentMinor}/${bank.balance.availableMinor}`,
        );
    }
  }
  return lost;
}

/** 4: a category the user chose is still theirs. */
function checkUserCategories(user: UserToCheck, transactions: Item[], checked: Record<InvariantName, number>, fail: Fail) {
  const byId = new Map(transactions.map((t) => [str(t.transactionId), t]));
  for (const want of user.userCategories ?? []) {
    checked.user_categories++;
    const t = byId.get(want.transactionId);
    if (!t) continue; // a pending one that booked under a new id: its edit went with it (not a re-sync's doing)
    const category = (t.category ?? {}) as { primary?: string; userModified?: boolean };
    if (category.primary !== want.primary || category.userModified !== true)
      fail(
        "user_categories",
        user.userId,
        `transaction ${want.transactionId} was set to ${want.primary} by the user, now ${category.primary} (userModified ${category.userModified})`,
      );
  }
  // Without a list: no categoriser reason on an item the user owns (a rule's `user_rule` is one:
  // a rule never marks what it sets as the user's).
  for (const t of transactions) {
    const category = (t.category ?? {}) as { reason?: string; userModified?: boolean };
    if (category.userModified && category.reason !== "user_modified" && category.reason !== "user") {
      checked.user_categories++;
      fail("user_categories", user.userId, `transaction ${str(t.transactionId)} is marked user-modified but categorised by ${category.reason}`);
    }
  }
}

/** 5: spent equals the independent sum in pence over the period, cut in the user's zone. */
function checkBudgets(user: UserToCheck, budgets: Item[], transactions: Item[], timeZone: string, checked: Record<InvariantName, number>, fail: Fail) {
  for (const budget of budgets) {
    if (budget.status === "closed") continue;
    checked.budgets++;
    const misplaced = budgetPeriodMisplaced(budget, timeZone);
    if (misplaced) fail("budgets", user.userId, `budget ${str(budget.budgetId)}: ${misplaced}`);
    const expected = independentSpent(budget, transactions);
    if (num(budget.spentMinor ?? 0) !== expected)
      fail(
        "budgets",
        user.userId,
        `budget ${str(budget.budgetId)} (${str(budget.category)}) has spent ${budget.spentMinor ?? 0}, the transactions sum to ${expected} pence`,
      );
  }
}

function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}
const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** 6: one alert per (budget, threshold, period), none delivered inside quiet hours. */
function checkAlerts(user: UserToCheck, history: Item[], prefs: Item | undefined, checked: Record<InvariantName, number>, fail: Fail) {
  const perAlert = new Map<string, string[]>();
  const quiet = prefs?.quietHours as { start?: string; end?: string; timeZone?: string; enabled?: boolean; allowUrgentSecurity?: boolean } | undefined;
  // The one exemption docs/alerts.md names: a reconnect alert, while urgent security alerts are allowed (the default).
  const exempt = (h: Item) => h.detailType === "ConnectionReconnectRequired" && quiet?.allowUrgentSecurity !== false;
  for (const h of history) {
    const delivered = h.status === "delivered";
    if (h.detailType === "BudgetThresholdCrossed" && typeof h.sourceEvent === "string") {
      const detail = (JSON.parse(h.sourceEvent) as { detail?: { budgetId?: string; thresholdPercent?: number; period?: { start?: string } } }).detail ?? {};
      const key = `${detail.budgetId}|${detail.thresholdPercent}|${detail.period?.start}`;
      if (delivered) perAlert.set(key, [...(perAlert.get(key) ?? []), str(h.notificationId)]);
    }
    const attempts = (Array.isArray(h.attempts) ? h.attempts : []) as { channel?: string; target?: string; outcome?: string; at?: string }[];
    const perTarget = new Map<string, number>();
    for (const a of attempts.filter((x) => x.outcome === "delivered")) {
      const key = `${a.channel}:${a.target}`;
      perTarget.set(key, (perTarget.get(key) ?? 0) + 1);
      if (quiet?.start && quiet.end && quiet.enabled !== false && a.at && !exempt(h)) {
        checked.alerts_once++;
        const t = localMinutes(new Date(a.at), quiet.timeZone ?? "Europe/London");
        const [s, e] = [clockMinutes(quiet.start), clockMinutes(quiet.end)];
        const inside = s <= e ? t >= s && t < e : t >= s || t < e;
        if (inside)
          fail("alerts_once", user.userId, `notification ${str(h.notificationId)} was delivered at ${a.at}, inside quiet hours ${quiet.start}-${quiet.end}`);
      }
    }
    for (const [target, n] of perTarget) {
      checked.alerts_once++;
      if (n > 1) fail("alerts_once", user.userId, `notification ${str(h.notificationId)} was delivered ${n} times to ${target}`);
    }
  }
  for (const [key, ids] of perAlert) {
    checked.alerts_once++;
    if (ids.length > 1) fail("alerts_once", user.userId, `budget threshold ${key} was delivered as ${ids.length} notifications (${ids.join(", ")})`);
  }
}

/** 7: what a sync committed was announced (the outbox is checked once, for everyone). */
function checkAnnounced(
  user: UserToCheck,
  items: Item[],
  accounts: Item[],
  transactions: Item[],
  announced: CheckInput["announced"],
  checked: Record<InvariantName, number>,
  fail: Fail,
) {
  if (!announced) return;
  for (const c of items.filter(is(SK_PREFIX.connection))) {
    if (!c.lastSyncAt) continue;
    const hasData = accounts.some((a) => str(a.connectionId) === str(c.connectionId) && transactions.some((t) => str(t.accountId) === str(a.accountId)));
    if (!hasData) continue;
    checked.syncs_announced++;
    if (!announced.syncedConnections.has(str(c.connectionId)))
      fail("syncs_announced", user.userId, `connection ${str(c.connectionId)} stored transactions but no TransactionsSynced reached the bus`);
  }
}

/** 8 (at rest): tokens and bank identifiers only ever sealed. */
function checkSecretsAtRest(user: UserToCheck, items: Item[], accounts: Item[], checked: Record<InvariantName, number>, fail: Fail, seen: Set<string>) {
  for (const c of items.filter(is(SK_PREFIX.connection))) {
    for (const field of ["accessToken", "refreshToken"]) {
      checked.no_plaintext_secrets++;
      if (c[field] !== undefined && !SEALED.test(str(c[field])))
        fail("no_plaintext_secrets", user.userId, `connection ${str(c.connectionId)}: ${field} is not sealed`);
    }
  }
  for (const a of accounts) {
    for (const field of ["accountNumber", "sortCode", "iban"]) {
      if (a[field] === undefined) continue;
      checked.no_plaintext_secrets++;
      if (!SEALED.test(str(a[field]))) fail("no_plaintext_secrets", user.userId, `account ${str(a.accountId)}: ${field} is not sealed`);
    }
  }
  const forbidden = [...(user.secrets ?? []), ...(user.bank ?? []).flatMap((b) => b.identifiers)].filter((s) => s.length >= 6);
  for (const s of forbidden) seen.add(s);
  for (const item of items) {
    const raw = JSON.stringify(item);
    checked.no_plaintext_secrets++;
    const hit = forbidden.find((s) => raw.includes(s));
    if (hit) fail("no_plaintext_secrets", user.userId, `${skOf(item)} holds a secret in plaintext (${hit.slice(0, 3)}…)`);
  }
}

/** 8 (in logs): none of the secrets in any log line. */
function checkLogs(files: string[], secrets: string[], checked: Record<InvariantName, number>, fail: Fail) {
  const wanted = [...new Set(secrets.filter((s) => s.length >= 6))];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    checked.no_plaintext_secrets++;
    const hit = wanted.find((s) => text.includes(s));
    if (hit) fail("no_plaintext_secrets", undefined, `log ${file} holds a secret in plaintext (${hit.slice(0, 3)}…)`);
    // Whatever token we were not told about: a bearer header written out.
    if (/Bearer eyJ[\w-]+\.[\w-]+/.test(text)) fail("no_plaintext_secrets", undefined, `log ${file} holds a bearer token`);
  }
}
