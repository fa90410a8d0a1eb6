import type { BankConnection } from "@expenzez/db";
import { UNATTENDED_PER_DAY } from "@expenzez/sync";
import { utcDay } from "@expenzez/truelayer";

/** PSD2: unattended refreshes allowed per connection per UTC day. */
export const PSD2_UNATTENDED_PER_DAY = UNATTENDED_PER_DAY;

/** Unattended refreshes the connection has made on `now`'s UTC day (a count from another day is 0). */
export function unattendedToday(connection: Pick<BankConnection, "unattendedRefreshes">, now: Date): number {
  const counted = connection.unattendedRefreshes;
  return counted && counted.day === utcDay(now) ? counted.count : 0;
}
