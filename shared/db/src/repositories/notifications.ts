import { type NotificationHistory, notificationHistoryEntity } from "../entities/notification-history";
import { type NotificationPreferences, notificationPreferencesEntity } from "../entities/notification-preferences";
import { type NotificationToken, notificationTokenEntity } from "../entities/notification-token";
import { deleteItem, getEntity, putItem, putNew, updateVersioned } from "../items";
import { keys, SK_PREFIX } from "../keys";
import type { Db } from "../table";
import { listAllUserItems } from "./user-items";

type PreferencesInput = Parameters<typeof notificationPreferencesEntity.toItem>[0];
type TokenInput = Parameters<typeof notificationTokenEntity.toItem>[0];
type HistoryInput = Parameters<typeof notificationHistoryEntity.toItem>[0];

/** Notification preferences, device tokens and delivery history of a user. */
export function notificationRepository(db: Db) {
  return {
    getPreferences: (userId: string): Promise<NotificationPreferences | undefined> =>
      getEntity(db, notificationPreferencesEntity, keys.notificationPreferences(userId)),
    createPreferences: (preferences: PreferencesInput) => putNew(db, notificationPreferencesEntity, preferences),
    updatePreferences: (preferences: PreferencesInput, expectedVersion: number) =>
      updateVersioned(db, notificationPreferencesEntity, preferences, expectedVersion),

    listTokens: (userId: string): Promise<NotificationToken[]> => listAllUserItems(db, notificationTokenEntity, userId, SK_PREFIX.notificationToken),
    /** Registers or refreshes a device token (last write wins: the device is the authority). */
    putToken: (token: TokenInput) => putItem(db, notificationTokenEntity, token),
    deleteToken: (userId: string, tokenId: string) => deleteItem(db, keys.notificationToken(userId, tokenId)),

    getHistory: (userId: string, notificationId: string): Promise<NotificationHistory | undefined> =>
      getEntity(db, notificationHistoryEntity, keys.notificationHistory(userId, notificationId)),
    /** First record of a notification; `ConditionalCheckFailedError` if this id was recorded before. */
    recordHistory: (entry: HistoryInput) => putNew(db, notificationHistoryEntity, entry),
    /** Rewrites an entry with new attempts or status (only its dispatcher writes it). */
    saveHistory: (entry: HistoryInput) => putItem(db, notificationHistoryEntity, entry),
  };
}

export type NotificationRepository = ReturnType<typeof notificationRepository>;
