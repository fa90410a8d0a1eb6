import { periodContaining } from "@expenzez/budgets";
import { formatMinorPlain } from "@expenzez/money";
import { handleSyncJob } from "@expenzez/sync-worker";
import { type SyncHarness, startSyncHarness } from "@expenzez/sync-worker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleBudgetEvent, recalculateBudgets } from "../src";
import { depsFor, drain, type Env, log } from "./helpers";

// Needs the local AWS emulator (vitest global setup); runs the TrueLayer simulator in-process and
// the real sync worker's handler, so the events budget-recalc consumes are the ones a sync commits.

let env: Env;
let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "budget-recalc-tests", log });
  env = { stack: harness.stack, db: harness.db, repos: harness.repos };
});

afterAll(async () => {
  await harness?.stop();
});

let jobs = 0;
async function sync(userId: string, connectionId: string): Promise<void> {
  const now = await harness.sandbox.admin.now();
  jobs++;
  const body = JSON.stringify({ jobId: `job-${jobs}`, userId, connectionId, reason: "scheduled", requestedAt: now.toISOString() });
  await handleSyncJob({ body }, harness.syncDeps(now));
}

/** Hands every message the sync's events put on the budget-recalc queue to the handler; returns the bodies. */
async function recalcFromQueue(now: Date): Promise<string[]> {
  const bodies = (await drain(env, "budgetRecalc")).map((m) => m.body);
  for (const body of bodies) await handleBudgetEvent({ body }, depsFor(env, now));
  return bodies;
}

async function crossings() {
  return (await drain(env, "alertDispatch")).map((m) => m.event).flatMap((e) => (e.detailType === "BudgetThresholdCrossed" ? [e.detail] : []));
}

/** Invariant 5 from the stored transactions on their own (main table, not the index the service reads). */
async function independentSpent(userId: string, period: { start: string; end: string }): Promise<number> {
  let net = 0;
  let cursor: string | undefined;
  do {
    const page = await env.repos.transactions.listByUser(userId, { cursor, limit: 500 });
    for (const t of page.items) {
      const at = Date.parse(t.timestamp);
      if (t.category.primary !== "groceries" || t.status !== "booked" || t.currency !== "GBP" || at < Date.parse(period.start) || at >= Date.parse(period.end))
        continue;
      net -= t.amountMinor;
    }
    cursor = page.cursor;
  } while (cursor);
  return Math.max(0, net);
}

describe("budget-recalc behind the real sync worker and the TrueLayer simulator", () => {
  it("announces exactly 50% and 100% of a groceries budget as the user shops, and replays change nothing", async () => {
    const sim = await harness.sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: 30, scenario: { unattended_limit: null } });
    const now = await harness.sandbox.admin.now();
    const userId = `u-${sim.user_id}`;
    const connectionId = `conn-${sim.user_id}`;
    const account = sim.accounts[0]?.account_id as string;
    await env.repos.connections.putNew({
      userId,
      connectionId,
      providerId: "mock",
      status: "active",
      accessToken: sim.tokens.access_token,
      refreshToken: sim.tokens.refresh_token as string,
      tokenExpiresAt: new Date(now.getTime() + sim.tokens.expires_in * 1000).toISOString(),
      consentExpiresAt: sim.consent_expires_at,
      nextSyncAt: now.toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    await env.repos.profiles.putNew({
      userId,
      email: `${sim.user_id}@example.com`,
      timeZone: "Europe/London",
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });

    await sync(userId, connectionId);
    const bodies = await recalcFromQueue(now);
    const period = periodContaining({ period: "monthly" }, now, "Europe/London") as { start: string; end: string };
    // The simulated history's groceries this month, then a limit that leaves them under half of it.
    const already = await independentSpent(userId, period);
    const limitMinor = Math.max(40_000, Math.ceil((already * 4) / 1000) * 1000);
    await env.repos.budgets.putNew({
      userId,
      budgetId: "groceries",
      category: "groceries",
      period: "monthly",
      currency: "GBP",
      limitMinor,
      thresholds: [50, 100],
      currentPeriod: period,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    await recalculateBudgets(depsFor(env, now), { userId, range: "all-open" });
    expect((await env.repos.budgets.get(userId, "groceries"))?.spentMinor).toBe(already);
    expect(await crossings()).toEqual([]);

    const shop = async (pence: number) => {
      await harness.sandbox.admin.addTransaction(sim.user_id, {
        account_id: account,
        description: "TESCO STORES 3117",
        merchant_name: "Tesco",
        amount: formatMinorPlain(pence),
      });
      await sync(userId, connectionId);
      bodies.push(...(await recalcFromQueue(now)));
    };
    await shop(Math.ceil((limitMinor * 60) / 100) - already);
    const fifty = await crossings();
    expect(fifty.map((d) => d.thresholdPercent)).toEqual([50]);
    await shop(Math.ceil((limitMinor * 45) / 100));
    const hundred = await crossings();
    expect(hundred.map((d) => d.thresholdPercent)).toEqual([100]);

    const budget = await env.repos.budgets.get(userId, "groceries");
    expect(budget?.status).toBe("exceeded");
    expect(budget?.spentMinor).toBe(await independentSpent(userId, period));
    expect(hundred[0]?.spentMinor).toBe(budget?.spentMinor);

    // Every event twice more, newest first: the same budget, no event.
    for (const body of [...bodies, ...bodies].reverse()) await handleBudgetEvent({ body }, depsFor(env, now));
    expect(await env.repos.budgets.get(userId, "groceries")).toEqual(budget);
    expect(await crossings()).toEqual([]);
  });
});
