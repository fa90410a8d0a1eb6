import type { NotificationPreferences, NotificationToken, UserProfile } from "@expenzez/db";
import type { DispatchDeps } from "./deps";

/** What every notification of a user reads about the user (the budget and its BudgetAlert are read per alert). */
export interface UserReads {
  /** `undefined`: the user saved none (defaults apply). */
  preferences: NotificationPreferences | undefined;
  profile: UserProfile | undefined;
  /** Every registered token, enabled or not. */
  tokens: NotificationToken[];
}

/** A process's short-lived memory of each user's preferences, profile and devices. */
export interface UserReadCache {
  get(userId: string, load: () => Promise<UserReads>): Promise<UserReads>;
  /** Drops a user's reads (a device was just turned off): the next notification reads again. */
  forget(userId: string): void;
}

/**
 * Keeps each user's reads for `ttlMs` after they were loaded, and shares one load between the
 * notifications that ask at once (ADR 0037). A first sync raises dozens of alerts for one user
 * within seconds, and each read the same three items: with this, a burst costs them once. What
 * it costs: a preference saved within `ttlMs` before an alert is decided may not be seen, as if
 * the alert had been decided that much earlier; a deferred notification is decided again with
 * fresh reads when it is released. A failed load is not kept.
 *
 * @example const cache = createUserReadCache({ ttlMs: 5000 }); await cache.get(userId, () => readUser(deps, userId));
 */
export function createUserReadCache(options: { ttlMs: number; now?: () => number }): UserReadCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { at: number; reads: Promise<UserReads> }>();
  return {
    get(userId, load) {
      const t = now();
      const hit = entries.get(userId);
      if (hit && t - hit.at < options.ttlMs) return hit.reads;
      // Expired entries of other users go as the map is used: it never holds more than one burst's users.
      for (const [id, e] of entries) if (t - e.at >= options.ttlMs) entries.delete(id);
      const reads = load();
      const entry = { at: t, reads };
      entries.set(userId, entry);
      reads.catch(() => {
        if (entries.get(userId) === entry) entries.delete(userId);
      });
      return reads;
    },
    forget(userId) {
      entries.delete(userId);
    },
  };
}

/** The three reads, in parallel. */
export async function readUser(deps: Pick<DispatchDeps, "repos">, userId: string): Promise<UserReads> {
  const { notifications, profiles } = deps.repos;
  const [preferences, profile, tokens] = await Promise.all([notifications.getPreferences(userId), profiles.get(userId), notifications.listTokens(userId)]);
  return { preferences, profile, tokens };
}
