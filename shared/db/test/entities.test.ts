import { describe, expect, it } from "vitest";
import { aBudget, aConnection, aRule, aTransaction, NOW } from "../../fixtures/src/entities";
import {
  bankConnectionEntity,
  categoryRuleEntity,
  EntityValidationError,
  idempotencyRecordEntity,
  newOutboxRecord,
  notificationHistoryEntity,
  notificationHistoryExpiry,
  notificationPreferencesEntity,
  outboxRecordEntity,
  transactionEntity,
  userBudgetEntity,
  userProfileEntity,
} from "../src";

const SEALED = `ezk1.${["a2V5", "ZWRr", "AAAAAAAAAAAAAAAA", "Y3Q", "AAAAAAAAAAAAAAAAAAAAAA"].join(".")}`;

function validationErrorOf(fn: () => unknown): EntityValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EntityValidationError) return err;
    throw err;
  }
  throw new Error("expected a EntityValidationError");
}

describe("entities", () => {
  it("writes no undefined at any depth, and nested values without one as they are", () => {
    const t = transactionEntity.parse(aTransaction({ providerClassification: ["Shopping", "Food"] }));
    const withHoles = { ...t, category: { ...t.category, secondary: undefined }, merchant: { name: "Tesco", normalisedName: undefined } };
    const item = transactionEntity.toItemParsed(withHoles);
    expect(item.category).toEqual({ ...t.category });
    expect(Object.keys(item.category as object)).not.toContain("secondary");
    expect(Object.keys(item.merchant as object)).toEqual(["name"]);
    expect(item.providerClassification).toEqual(["Shopping", "Food"]);
    const deep = (v: unknown): boolean => v === undefined || (typeof v === "object" && v !== null && Object.values(v).some(deep));
    expect(Object.values(item).some(deep)).toBe(false);
  });

  it("maps a transaction to an item with keys, GSI2, GSI3 and entityType, and back", () => {
    // Prepare
    const tx = aTransaction({ transactionId: "txn_1", timestamp: "2024-03-10T09:00:00+01:00" });
    // Act
    const item = transactionEntity.toItem(tx);
    const back = transactionEntity.fromItem(item);
    // Assess
    expect(item).toMatchObject({
      PK: "USER#user-1",
      SK: "TRANSACTION#txn_1",
      GSI2PK: "USER#user-1",
      GSI2SK: "2024-03-10T08:00:00.000Z#txn_1",
      GSI3PK: "USER#user-1",
      GSI3SK: "CATEGORY#groceries#2024-03-10T08:00:00.000Z",
      entityType: "Transaction",
      amountMinor: -1250,
      version: 1,
    });
    expect(back).not.toHaveProperty("PK");
    expect(back).not.toHaveProperty("entityType");
    expect(back).toEqual({ ...tx, category: { ...tx.category, userModified: false }, version: 1 });
  });

  it("names the failing field when a write is invalid", () => {
    const err = validationErrorOf(() => transactionEntity.toItem({ ...aTransaction(), currency: "pounds" }));
    expect(err.code).toBe("db.validation_failed");
    expect(err.field).toBe("currency");
    expect(err.message).toContain("Transaction.currency");
  });

  it("rejects an amountMinor that does not equal the decimal amount exactly", () => {
    const err = validationErrorOf(() => transactionEntity.toItem({ ...aTransaction({ pence: -1250 }), amountMinor: -1249 }));
    expect(err.field).toBe("amountMinor");
    expect(() => transactionEntity.toItem({ ...aTransaction(), amountMinor: -12.5 })).toThrow(EntityValidationError);
    // A sub-penny decimal would round to the minor units but show the app another amount.
    expect(validationErrorOf(() => transactionEntity.toItem({ ...aTransaction({ pence: -1235 }), amount: -12.345 })).field).toBe("amountMinor");
  });

  it("stores userId, transactionId and a canonical timestamp once, in the keys, and reads them back from there", () => {
    // Prepare
    const tx = aTransaction({ transactionId: "txn_2", timestamp: "2024-03-10T08:00:00.000Z" });
    const offset = aTransaction({ transactionId: "txn_3", timestamp: "2024-03-10T09:00:00+01:00" });
    // Act
    const item = transactionEntity.toItem(tx);
    const offsetItem = transactionEntity.toItem(offset);
    // Assess
    expect(item).not.toHaveProperty("userId");
    expect(item).not.toHaveProperty("transactionId");
    expect(item).not.toHaveProperty("timestamp");
    expect(transactionEntity.fromItem(item)).toEqual({ ...tx, category: { ...tx.category, userModified: false }, version: 1 });
    // A timestamp the index key would give back changed (an offset) stays stored as written.
    expect(offsetItem.timestamp).toBe("2024-03-10T09:00:00+01:00");
    expect(transactionEntity.fromItem(offsetItem).timestamp).toBe("2024-03-10T09:00:00+01:00");
    // An item written before (with every attribute) reads the same.
    expect(transactionEntity.fromItem({ ...item, userId: tx.userId, transactionId: "txn_2", timestamp: tx.timestamp })).toEqual(
      transactionEntity.fromItem(item),
    );
  });

  it("refuses to store a plaintext token: only sealed values pass the stored schema", () => {
    const err = validationErrorOf(() => bankConnectionEntity.toItem(aConnection()));
    expect(err.field).toBe("accessToken");
    expect(err.issues.map((i) => i.field)).toContain("refreshToken");
    const item = bankConnectionEntity.toItem(aConnection({ accessToken: SEALED, refreshToken: SEALED }));
    expect(item.accessToken).toBe(SEALED);
  });

  it("puts only active, scheduled connections into the sparse GSI4", () => {
    const sealedTokens = { accessToken: SEALED, refreshToken: SEALED };
    const active = bankConnectionEntity.toItem(aConnection(sealedTokens));
    const reconnect = bankConnectionEntity.toItem(aConnection({ ...sealedTokens, status: "reconnect_required" }));
    expect(active.GSI4PK).toMatch(/^SYNCDUE#\d+$/);
    expect(active.GSI4SK).toBe("2024-03-15T11:00:00.000Z");
    expect(reconnect).not.toHaveProperty("GSI4PK");
    expect(reconnect).not.toHaveProperty("GSI4SK");
  });

  it("fills budget defaults and checks the period", () => {
    const budget = userBudgetEntity.parse(aBudget());
    expect(budget.thresholds).toEqual([50, 80, 100]);
    expect(budget.spentMinor).toBe(0);
    const err = validationErrorOf(() => userBudgetEntity.parse(aBudget({ currentPeriod: { start: "2024-04-01T00:00:00Z", end: "2024-03-01T00:00:00Z" } })));
    expect(err.field).toBe("currentPeriod.end");
    expect(() => userBudgetEntity.parse(aBudget({ limitMinor: 100.5 }))).toThrow(EntityValidationError);
  });

  it("refuses a custom budget without its dates and indexes open budgets by period end for the roll-over", () => {
    expect(validationErrorOf(() => userBudgetEntity.parse(aBudget({ period: "custom" }))).field).toBe("customRange");
    const open = userBudgetEntity.toItem(aBudget());
    const closed = userBudgetEntity.toItem(aBudget({ status: "closed" }));
    expect(open.GSI4PK).toMatch(/^BUDGETROLL#[0-7]$/);
    expect(open.GSI4SK).toBe("2024-04-01T00:00:00.000Z");
    expect(closed).not.toHaveProperty("GSI4PK");
  });

  it("validates category rule conditions", () => {
    expect(categoryRuleEntity.toItem(aRule()).SK).toBe("RULE#rule-1");
    expect(validationErrorOf(() => categoryRuleEntity.parse(aRule({ match: {} }))).message).toContain("at least one of");
    expect(validationErrorOf(() => categoryRuleEntity.parse(aRule({ match: { amountMinor: { min: 500, max: 100 } } }))).field).toBe("match.amountMinor");
    expect(
      validationErrorOf(() => categoryRuleEntity.parse(aRule({ category: { primary: "groceries", secondary: "food_and_drink/coffee_shops" } }))).field,
    ).toBe("category");
  });

  it("copies expiry into the TTL attribute for history and idempotency records", () => {
    const expiresAt = notificationHistoryExpiry(NOW);
    const history = notificationHistoryEntity.toItem({
      userId: "user-1",
      notificationId: "n1",
      detailType: "BudgetThresholdCrossed",
      title: "80% of groceries",
      body: "£240 of £300",
      status: "delivered",
      createdAt: NOW,
      expiresAt,
    });
    const idem = idempotencyRecordEntity.toItem({ consumer: "budget-recalc", key: "evt-1", status: "in_progress", expiresAt, createdAt: NOW, updatedAt: NOW });
    expect(expiresAt - Date.parse(NOW) / 1000).toBe(90 * 86_400);
    expect(history.TTL).toBe(expiresAt);
    expect(idem).toMatchObject({ PK: "IDEMP#budget-recalc#evt-1", SK: "IDEMP", TTL: expiresAt });
    expect(idempotencyRecordEntity.fromItem(idem)).not.toHaveProperty("TTL");
  });

  it("checks IANA time zones in quiet hours", () => {
    const base = { userId: "user-1", updatedAt: NOW };
    expect(notificationPreferencesEntity.parse({ ...base, quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/London" } }).globalEnabled).toBe(true);
    expect(
      validationErrorOf(() => notificationPreferencesEntity.parse({ ...base, quietHours: { start: "22:00", end: "07:00", timeZone: "Mars/Olympus" } })).field,
    ).toBe("quietHours.timeZone");
  });

  it("builds outbox records sharded by event id with JSON detail", () => {
    const record = newOutboxRecord({
      eventId: "evt-1",
      detailType: "TransactionsSynced",
      source: "expenzez.sync",
      detail: { version: 1, n: 3 },
      createdAt: NOW,
    });
    const item = outboxRecordEntity.toItem(record);
    expect(item.PK).toBe(`OUTBOX#${record.shard}`);
    expect(item.SK).toBe(`${NOW}#evt-1`);
    expect(JSON.parse(record.detail)).toEqual({ version: 1, n: 3 });
  });

  it("refuses to write a profile whose time zone or locale Intl cannot read, naming the field", () => {
    const profile = { userId: "u1", email: "a@example.com", createdAt: NOW, updatedAt: NOW };
    expect(validationErrorOf(() => userProfileEntity.toItem({ ...profile, timeZone: "London" })).field).toBe("timeZone");
    expect(validationErrorOf(() => userProfileEntity.toItem({ ...profile, timeZone: "+01:00" })).field).toBe("timeZone");
    expect(validationErrorOf(() => userProfileEntity.toItem({ ...profile, preferences: { locale: "en_GB" } })).field).toBe("preferences.locale");
    // IANA zones and aliases Intl reads (UTC is not in Intl.supportedValuesOf), BCP 47 locales.
    for (const timeZone of ["Europe/London", "UTC", "Asia/Calcutta", "America/Sao_Paulo"])
      expect(userProfileEntity.toItem({ ...profile, timeZone }).timeZone).toBe(timeZone);
    expect(userProfileEntity.toItem({ ...profile, preferences: { locale: "en-GB" } }).preferences).toMatchObject({ locale: "en-GB" });
  });

  it("still reads a profile stored before writes were checked, with the zone and locale as written (readers fall back)", () => {
    const item = userProfileEntity.toItem({ userId: "u1", email: "a@example.com", createdAt: NOW, updatedAt: NOW });
    const stored = { ...item, timeZone: "London", preferences: { ...(item.preferences as object), locale: "en_GB" } };
    expect(userProfileEntity.fromItem(stored)).toMatchObject({ timeZone: "London", preferences: { locale: "en_GB" } });
  });

  it("rejects a corrupt stored item on read with the entity and field", () => {
    const item = userProfileEntity.toItem({ userId: "u1", email: "a@example.com", createdAt: NOW, updatedAt: NOW });
    const err = validationErrorOf(() => userProfileEntity.fromItem({ ...item, email: "not-an-email" }));
    expect(err.entityType).toBe("UserProfile");
    expect(err.field).toBe("email");
  });
});
