import { INDEXES } from "@expenzez/resources";
import { type UserProfile, userProfileEntity } from "../entities/user-profile";
import { getEntity, putNew, queryPage, updateVersioned } from "../items";
import { EMAIL_GSI1SK, keys, normaliseEmail } from "../keys";
import type { Db } from "../table";

/** User profiles: by id, and by email through GSI1. */
export function profileRepository(db: Db) {
  return {
    get: (userId: string): Promise<UserProfile | undefined> => getEntity(db, userProfileEntity, keys.profile(userId)),
    /** Case-insensitive; GSI1 is eventually consistent, like every GSI. */
    async getByEmail(email: string): Promise<UserProfile | undefined> {
      const page = await queryPage(
        db,
        userProfileEntity,
        "gsi1",
        {
          IndexName: INDEXES.byEmail.name,
          KeyConditionExpression: "#pk = :email AND #sk = :sk",
          ExpressionAttributeNames: { "#pk": INDEXES.byEmail.partitionKey, "#sk": INDEXES.byEmail.sortKey },
          ExpressionAttributeValues: { ":email": normaliseEmail(email), ":sk": EMAIL_GSI1SK },
        },
        { limit: 1 },
      );
      return page.items[0];
    },
    putNew: (profile: Parameters<typeof userProfileEntity.toItem>[0]) => putNew(db, userProfileEntity, profile),
    update: (profile: Parameters<typeof userProfileEntity.toItem>[0], expectedVersion: number) =>
      updateVersioned(db, userProfileEntity, profile, expectedVersion),
  };
}
