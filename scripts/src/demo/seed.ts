import { randomUUID } from "node:crypto";
import { periodContaining } from "@expenzez/budgets";
import type { Repositories } from "@expenzez/db";
import type { SandboxAdmin } from "@expenzez/truelayer-sandbox";

/** One seeded demo user: a profile, a bank connection, budgets, notification preferences and a device. */
export interface SeededUser {
  userId: string;
  connectionId: string;
  credentialsId: string;
}

const ZONES = ["Europe/London", "Europe/Dublin", "Europe/Paris", "America/New_York"];
const BUDGETS: { category: string; limitMinor: number }[] = [
  { category: "groceries", limitMinor: 30_000 },
  { category: "food_and_drink", limitMinor: 12_000 },
  { category: "transport", limitMinor: 8_000 },
];

/**
 * Seeds `index`'s user: a simulator user with `days` of history, then our items for it. Due now
 * (jittered over the last minute) unless `due` is false — the user the demo refreshes by hand.
 */
export async function seedUser(
  repos: Repositories,
  admin: SandboxAdmin,
  index: number,
  options: { days: number; now: Date; due: boolean },
): Promise<SeededUser> {
  const userId = `demo-${String(index).padStart(4, "0")}`;
  const connectionId = `conn-${userId}`;
  const bank = await admin.createUser({ user_id: userId, history_days: options.days });
  const now = options.now.toISOString();
  const timeZone = ZONES[index % ZONES.length] as string;
  await repos.profiles.putNew({ userId, email: `${userId}@demo.expenzez.test`, displayName: `Demo user ${index}`, timeZone, createdAt: now, updatedAt: now });
  await repos.connections.create({
    userId,
    connectionId,
    credentialsId: bank.credentials_id,
    providerId: "mock",
    status: "active",
    accessToken: bank.tokens.access_token,
    refreshToken: bank.tokens.refresh_token ?? "",
    tokenExpiresAt: new Date(options.now.getTime() + bank.tokens.expires_in * 1000).toISOString(),
    consentExpiresAt: bank.consent_expires_at,
    nextSyncAt: options.due
      ? new Date(options.now.getTime() - Math.floor(Math.random() * 60_000)).toISOString()
      : new Date(options.now.getTime() + 6 * 3_600_000).toISOString(),
    createdAt: now,
    updatedAt: now,
  });
  // Payday to payday, starting about two weeks ago: the seeded history reaches into the
  // current period whatever today's date, so budgets fill up and thresholds can cross.
  const monthStartDay = new Date(options.now.getTime() - 14 * 86_400_000).getUTCDate();
  const currentPeriod = periodContaining({ period: "monthly", monthStartDay }, options.now, timeZone) as { start: string; end: string };
  for (const b of BUDGETS) {
    await repos.budgets.putNew({
      userId,
      budgetId: `budget-${b.category}`,
      name: b.category.replaceAll("_", " "),
      category: b.category,
      period: "monthly",
      monthStartDay,
      currency: "GBP",
      limitMinor: b.limitMinor,
      currentPeriod,
      createdAt: now,
      updatedAt: now,
    });
  }
  await repos.notifications.createPreferences({
    userId,
    globalEnabled: true,
    channels: { push: true, email: false },
    // Every fourth user only hears about bigger spending.
    ...(index % 4 === 3 ? { categories: { transactions: { threshold: 100_000 } } } : {}),
    // Every third user has quiet hours all day long, so deferral shows up in the summary.
    ...(index % 3 === 2 ? { quietHours: { start: "00:00", end: "23:59", timeZone } } : {}),
    updatedAt: now,
  });
  await repos.notifications.putToken({
    userId,
    tokenId: `device-${userId}`,
    platform: index % 2 ? "ios" : "android",
    provider: "fcm",
    token: `fcm-${randomUUID()}`,
    createdAt: now,
    updatedAt: now,
  });
  return { userId, connectionId, credentialsId: bank.credentials_id };
}
