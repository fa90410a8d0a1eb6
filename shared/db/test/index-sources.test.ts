import { describe, expect, it } from "vitest";
import { INDEX_KEY_SOURCES, indexSourcesOf, keys, txUpdateVersioned, userPk } from "../src";

const db = { doc: {} as never, tableName: "t" };
const sourcesFor = (sk: string) => INDEX_KEY_SOURCES.find((s) => s.sk(sk));

describe("index key sources derived from the entity layouts", () => {
  it("finds what each layout builds its index keys from, without the primary-key attributes", () => {
    expect(sourcesFor(keys.transaction("u", "t").SK)?.attributes).toEqual(["timestamp", "category"]);
    expect(sourcesFor(keys.connection("u", "c").SK)?.attributes).toEqual(["status", "nextSyncAt", "tokenFault", "credentialsId"]);
    expect(sourcesFor(keys.profile("u").SK)?.attributes).toEqual(["email"]);
    expect(sourcesFor(keys.budget("u", "b").SK)?.attributes).toEqual(["status", "currentPeriod"]);
    // The hand-written list had neither of these: their GSI4 due times (and the history's TTL) move with them.
    expect(sourcesFor(keys.notificationHistory("u", "n").SK)?.attributes).toEqual(["status", "deferredUntil", "expiresAt"]);
    expect(sourcesFor(keys.recurring("u", "s").SK)?.attributes).toEqual(["status", "windowTo"]);
  });

  it("picks up an attribute the day a layout starts reading it", () => {
    const layout = (v: { userId: string; id: string; email: string; nickname: string }) => ({
      PK: userPk(v.userId),
      SK: `THING#${v.id}`,
      GSI1PK: `EMAIL#${v.email}`,
    });
    const widened = (v: { userId: string; id: string; email: string; nickname: string }) => ({ ...layout(v), GSI1SK: v.nickname });
    const example = { userId: "ex-u", id: "ex-i", email: "e@example.com", nickname: "nick" };
    expect(indexSourcesOf({ entityType: "Thing", layout: layout as never }, example).attributes).toEqual(["email"]);
    expect(indexSourcesOf({ entityType: "Thing", layout: widened as never }, example).attributes).toEqual(["email", "nickname"]);
    expect(indexSourcesOf({ entityType: "Thing", layout: layout as never }, example).sk("THING#other")).toBe(true);
  });

  it("refuses a partial update of a recurring stream's status, which its GSI4 due entry derives from", () => {
    expect(() => txUpdateVersioned(db, keys.recurring("u", "s"), { set: { status: "lapsed" } }, 1)).toThrow(/status/);
    expect(() => txUpdateVersioned(db, keys.recurring("u", "s"), { set: { amountMinor: 1 } }, 1)).not.toThrow();
  });
});
