/** PSD2 (RTS art. 36(5)): four account-information accesses a day without the user present. */
export const PSD2_UNATTENDED_LIMIT = 4;

/**
 * The daily budget of unattended syncs per connection, which the scheduler queries and the
 * client consumes. It counts sync sessions, not HTTP requests: banks count per account and
 * endpoint, and one sync calls each (account, endpoint) once, so four sessions a day keep every
 * endpoint within four calls. A session is identified by the caller (the sync job's correlation
 * id); consuming twice for one session takes one unit.
 *
 * The in-process implementation below suits one process and tests; the sync pipeline brings a
 * DynamoDB-backed one (a conditional update per connection and day) so that every worker shares it.
 */
export interface UnattendedBudget {
  /** Units left for the connection on `day` ("YYYY-MM-DD", UTC). */
  remaining(connectionId: string, day: string): Promise<number>;
  /** Takes one unit for `sessionId`; true when the session may call the bank. */
  consume(connectionId: string, day: string, sessionId: string): Promise<boolean>;
}

/**
 * @example
 * const budget = new InProcessUnattendedBudget();
 * await budget.consume("conn-1", "2025-06-01", "sync-42"); // true, 3 left
 */
export class InProcessUnattendedBudget implements UnattendedBudget {
  private readonly sessions = new Map<string, Set<string>>();

  constructor(private readonly limit = PSD2_UNATTENDED_LIMIT) {}

  async remaining(connectionId: string, day: string): Promise<number> {
    return Math.max(0, this.limit - (this.sessions.get(`${connectionId} ${day}`)?.size ?? 0));
  }

  async consume(connectionId: string, day: string, sessionId: string): Promise<boolean> {
    this.forgetOtherDays(day);
    const key = `${connectionId} ${day}`;
    const used = this.sessions.get(key) ?? new Set<string>();
    if (used.has(sessionId)) return true;
    if (used.size >= this.limit) return false;
    used.add(sessionId);
    this.sessions.set(key, used);
    return true;
  }

  private forgetOtherDays(day: string): void {
    for (const key of this.sessions.keys()) if (!key.endsWith(` ${day}`)) this.sessions.delete(key);
  }
}

/** "YYYY-MM-DD" in UTC: the day the budget counts in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
