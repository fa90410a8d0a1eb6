import { type RecurringStream, recurringStreamEntity } from "../entities/recurring-stream";
import { getEntity, putNew, updateVersioned } from "../items";
import { keys, SK_PREFIX } from "../keys";
import type { Db } from "../table";
import { listAllUserItems } from "./user-items";

type RecurringInput = Parameters<typeof recurringStreamEntity.toItem>[0];

/** A user's recurring payment streams. */
export function recurringRepository(db: Db) {
  return {
    get: (userId: string, streamId: string): Promise<RecurringStream | undefined> => getEntity(db, recurringStreamEntity, keys.recurring(userId, streamId)),
    putNew: (stream: RecurringInput) => putNew(db, recurringStreamEntity, stream),
    updateVersioned: (stream: RecurringInput, expectedVersion: number) => updateVersioned(db, recurringStreamEntity, stream, expectedVersion),
    listAllByUser: (userId: string): Promise<RecurringStream[]> => listAllUserItems(db, recurringStreamEntity, userId, SK_PREFIX.recurring),
  };
}

export type RecurringRepository = ReturnType<typeof recurringRepository>;
