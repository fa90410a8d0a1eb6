import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories, type TransactionInput, transactionEntity, updateVersioned } from "@expenzez/db";
import { parseDeliveredEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alwaysCategoriseMerchant, editTransactionCategory, InvalidCategoryError, type RecategoriseDeps, TransactionNotFoundError } from "../src/index";

let stack: LocalStack;
let db: Db;
let repos: Repositories;
let deps: RecategoriseDeps;
const log = createLogger("test", { level: "silent" });

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  deps = { db, repos, log, relay: { db, events: stack.aws.events, busName: stack.handles.busName, log } };
});

let seq = 0;
function tx(userId: string, description: string, merchant: string, over: Partial<TransactionInput> = {}): TransactionInput {
  seq++;
  return {
    userId,
    transactionId: `txn_${seq}`,
    accountId: "acc-1",
    connectionId: "conn-1",
    timestamp: `2026-11-${String((seq % 28) + 1).padStart(2, "0")}T12:00:00Z`,
    description,
    amount: -4.5,
    amountMinor: -450,
    currency: "GBP",
    direction: "debit",
    status: "booked",
    category: { primary: "food_and_drink", secondary: "food_and_drink/restaurants", confidence: 0.6, reason: "model", userModified: false },
    merchant: { name: merchant },
    createdAt: "2026-11-25T09:00:00Z",
    updatedAt: "2026-11-25T09:00:00Z",
    ...over,
  };
}

async function drainEvents() {
  return (await receiveAll(stack.aws.sqs, stack.handles.queues.budgetRecalc.url, { remove: true })).map((m) => parseDeliveredEvent(m.Body!));
}

beforeEach(async () => {
  await drainEvents();
});

describe("editTransactionCategory on moto", () => {
  it("marks the transaction userModified and announces the change so budgets recompute", async () => {
    // Prepare
    const t = await repos.transactions.putNew(tx("u-edit", "CARD PAYMENT TO BEAN THERE LONDON", "Bean There"));
    // Act
    const result = await editTransactionCategory(
      { ...deps, now: () => new Date("2026-11-25T10:00:00Z") },
      { userId: "u-edit", transactionId: t.transactionId, secondary: "food_and_drink/coffee_shops" },
    );
    // Assess
    const stored = await repos.transactions.get("u-edit", t.transactionId);
    expect(stored?.category).toEqual({
      primary: "food_and_drink",
      secondary: "food_and_drink/coffee_shops",
      confidence: 1,
      reason: "user_modified",
      userModified: true,
      modifiedAt: "2026-11-25T10:00:00.000Z",
    });
    expect(stored?.version).toBe(t.version + 1);
    expect(result.decision.action).toBe("none");
    const [event, ...more] = await drainEvents();
    expect(more).toEqual([]);
    expect(event?.detailType).toBe("TransactionsRecategorised");
    expect(event?.detail).toMatchObject({ userId: "u-edit", ruleId: null, transactionIds: [t.transactionId], categories: ["food_and_drink"] });
  });

  it("learns a rule from 3 agreeing edits and applies it to the user's other transactions of that merchant only", async () => {
    // Prepare
    const cafe = [];
    for (let i = 0; i < 5; i++) cafe.push(await repos.transactions.putNew(tx("u-learn", `JOES CAFE 00${i} LONDON GB`, "Joes Cafe")));
    const elsewhere = await repos.transactions.putNew(tx("u-learn", "PRET A MANGER", "Pret A Manger"));
    const otherUser = await repos.transactions.putNew(tx("u-other", "JOES CAFE LONDON", "Joes Cafe"));
    const edit = (t: { transactionId: string }, minute: number) =>
      editTransactionCategory(
        { ...deps, now: () => new Date(`2026-11-25T10:0${minute}:00Z`) },
        { userId: "u-learn", transactionId: t.transactionId, secondary: "shopping/general" },
      );
    // Act
    const first = await edit(cafe[0]!, 1);
    const second = await edit(cafe[1]!, 2);
    const third = await edit(cafe[2]!, 3);
    // Assess
    expect([first.decision.action, second.decision.action, third.decision.action]).toEqual(["none", "none", "create"]);
    expect(third.recategorised.sort()).toEqual([cafe[3]!.transactionId, cafe[4]!.transactionId].sort());
    const rules = await repos.rules.listAllByUser("u-learn");
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ source: "learned", category: { primary: "shopping", secondary: "shopping/general" } });
    const after = await repos.transactions.get("u-learn", cafe[4]!.transactionId);
    expect(after?.category).toMatchObject({ secondary: "shopping/general", reason: "user_rule", ruleId: rules[0]!.ruleId, userModified: false });
    expect((await repos.transactions.get("u-learn", elsewhere.transactionId))?.category.secondary).toBe("food_and_drink/restaurants");
    expect((await repos.transactions.get("u-other", otherUser.transactionId))?.category.secondary).toBe("food_and_drink/restaurants");
    expect(await repos.rules.listAllByUser("u-other")).toEqual([]);
    const events = await drainEvents();
    const ruleEvent = events.find((e) => e.detailType === "TransactionsRecategorised" && e.detail.ruleId !== null);
    expect(ruleEvent?.detail).toMatchObject({ ruleId: rules[0]!.ruleId, categories: ["food_and_drink", "shopping"] });
  });

  it("a replayed edit (the app retrying the same request) changes nothing again: no second vote, no second event, no rule learned from one transaction", async () => {
    // Prepare
    const cafe = await Promise.all([0, 1, 2, 3].map((i) => repos.transactions.putNew(tx("u-replay", `REPLAY CAFE 00${i} LONDON GB`, "Replay Cafe"))));
    const edit = (minute: number) =>
      editTransactionCategory(
        { ...deps, now: () => new Date(`2026-11-25T11:0${minute}:00Z`) },
        { userId: "u-replay", transactionId: cafe[0]!.transactionId, secondary: "shopping/general" },
      );
    // Act
    const results = [await edit(1), await edit(2), await edit(3)];
    // Assess
    expect(results.map((r) => r.decision.action)).toEqual(["none", "none", "none"]);
    expect(await repos.rules.listAllByUser("u-replay")).toEqual([]);
    expect(await repos.categoryEdits.latestForMerchant("u-replay", "replay cafe", 5)).toHaveLength(1);
    const stored = await repos.transactions.get("u-replay", cafe[0]!.transactionId);
    expect(stored).toMatchObject({ version: cafe[0]!.version + 1, category: { secondary: "shopping/general", modifiedAt: "2026-11-25T11:01:00.000Z" } });
    expect(results[2]!.transaction).toEqual(stored);
    expect((await repos.transactions.get("u-replay", cafe[3]!.transactionId))?.category.secondary).toBe("food_and_drink/restaurants");
    expect((await drainEvents()).map((e) => e.detailType)).toEqual(["TransactionsRecategorised"]);
  });

  it("never overwrites a user's own choice when a later rule says otherwise", async () => {
    // Prepare
    const mine = await repos.transactions.putNew(tx("u-keep", "TESCO STORES 2231", "Tesco"));
    const other = await repos.transactions.putNew(tx("u-keep", "TESCO STORES 1120", "Tesco"));
    await editTransactionCategory(deps, { userId: "u-keep", transactionId: mine.transactionId, secondary: "shopping/general" });
    // Act
    const result = await alwaysCategoriseMerchant(deps, { userId: "u-keep", merchant: "Tesco", secondary: "groceries/supermarkets" });
    // Assess
    expect(result.decision.action).toBe("create");
    expect(result.recategorised).toEqual([other.transactionId]);
    expect((await repos.transactions.get("u-keep", mine.transactionId))?.category).toMatchObject({ secondary: "shopping/general", userModified: true });
    expect((await repos.transactions.get("u-keep", other.transactionId))?.category).toMatchObject({ secondary: "groceries/supermarkets", reason: "user_rule" });
  });

  it("a retried 'always categorise' or rule-making edit finishes applying the rule its failed first attempt saved", async () => {
    // Prepare: the first read of the user's transactions after a rule is saved fails once (DynamoDB throttling)
    const failOnce = () => {
      let failed = false;
      return {
        ...repos,
        transactions: {
          ...repos.transactions,
          listByUser: (...args: Parameters<Repositories["transactions"]["listByUser"]>) => {
            if (failed) return repos.transactions.listByUser(...args);
            failed = true;
            return Promise.reject(Object.assign(new Error("Rate of requests exceeds the allowed throughput"), { name: "ThrottlingException" }));
          },
        },
      };
    };
    const greggs = await Promise.all([0, 1].map((i) => repos.transactions.putNew(tx("u-retry", `GREGGS 00${i} LEEDS`, "Greggs"))));
    const cafe = await Promise.all([0, 1, 2, 3].map((i) => repos.transactions.putNew(tx("u-retry", `RETRY CAFE 00${i} LEEDS`, "Retry Cafe"))));
    const always = { userId: "u-retry", merchant: "Greggs", secondary: "food_and_drink/coffee_shops" };
    const edit = (t: { transactionId: string }, flaky = false) =>
      editTransactionCategory(
        { ...deps, ...(flaky ? { repos: failOnce() } : {}) },
        { userId: "u-retry", transactionId: t.transactionId, secondary: "shopping/general" },
      );
    // Act
    const firstAlways = await alwaysCategoriseMerchant({ ...deps, repos: failOnce() }, always).catch((e: unknown) => e);
    const retriedAlways = await alwaysCategoriseMerchant(deps, always);
    await edit(cafe[0]!);
    await edit(cafe[1]!);
    const thirdEdit = await edit(cafe[2]!, true).catch((e: unknown) => e);
    const retriedEdit = await edit(cafe[2]!);
    // Assess
    expect(firstAlways).toMatchObject({ name: "ThrottlingException" });
    expect(retriedAlways.recategorised.sort()).toEqual(greggs.map((t) => t.transactionId).sort());
    for (const t of greggs)
      expect((await repos.transactions.get("u-retry", t.transactionId))?.category).toMatchObject({
        secondary: "food_and_drink/coffee_shops",
        reason: "user_rule",
      });
    expect(thirdEdit).toMatchObject({ name: "ThrottlingException" });
    expect(retriedEdit.recategorised).toEqual([cafe[3]!.transactionId]);
    expect((await repos.transactions.get("u-retry", cafe[3]!.transactionId))?.category).toMatchObject({ secondary: "shopping/general", reason: "user_rule" });
    expect(await repos.rules.listAllByUser("u-retry")).toHaveLength(2);
  });

  it("two 'always categorise' calls at once (a double tap, two devices) leave one rule for the merchant, applied to its transactions", async () => {
    // Prepare
    const pret = await Promise.all([0, 1, 2].map((i) => repos.transactions.putNew(tx("u-twice", `PRET A MANGER 00${i}`, "Pret A Manger"))));
    const always = (secondary: string) => alwaysCategoriseMerchant(deps, { userId: "u-twice", merchant: "Pret A Manger", secondary });
    // Act
    const same = await Promise.all([always("food_and_drink/coffee_shops"), always("food_and_drink/coffee_shops")]);
    const rulesAfterSame = await repos.rules.listAllByUser("u-twice");
    const different = await Promise.all([always("groceries/supermarkets"), always("shopping/general")]);
    // Assess
    expect(same.map((r) => r.decision.action).sort()).toEqual(["create", "none"]);
    expect(rulesAfterSame).toHaveLength(1);
    for (const t of pret) expect(same.some((r) => r.recategorised.includes(t.transactionId))).toBe(true);
    const rules = await repos.rules.listAllByUser("u-twice");
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ruleId: rulesAfterSame[0]!.ruleId, version: 3 });
    expect(different.map((r) => r.decision.action)).toEqual(["update", "update"]);
  });

  it("a call whose rule another call changed meanwhile stops re-categorising: the transactions end in the rule's stored category", async () => {
    // Prepare: the first call reads its first page, then a second call changes the rule and applies it before the first commits
    const leon = await Promise.all([0, 1].map((i) => repos.transactions.putNew(tx("u-overtaken", `LEON 00${i} KINGS CROSS`, "Leon"))));
    await alwaysCategoriseMerchant(deps, { userId: "u-overtaken", merchant: "Leon", secondary: "food_and_drink/coffee_shops" });
    let overtaken = false;
    const overtakenRepos = {
      ...repos,
      transactions: {
        ...repos.transactions,
        listByUser: async (...args: Parameters<Repositories["transactions"]["listByUser"]>) => {
          const page = await repos.transactions.listByUser(...args);
          if (!overtaken) {
            overtaken = true;
            await alwaysCategoriseMerchant(deps, { userId: "u-overtaken", merchant: "Leon", secondary: "shopping/general" });
          }
          return page;
        },
      },
    };
    // Act
    await alwaysCategoriseMerchant({ ...deps, repos: overtakenRepos }, { userId: "u-overtaken", merchant: "Leon", secondary: "groceries/supermarkets" }).catch(
      (e: unknown) => e,
    );
    // Assess
    const [rule] = await repos.rules.listAllByUser("u-overtaken");
    expect(rule?.category.secondary).toBe("shopping/general");
    for (const t of leon) expect((await repos.transactions.get("u-overtaken", t.transactionId))?.category.secondary).toBe("shopping/general");
  });

  it("re-reads and re-applies when a concurrent writer (a sync) changed the transaction meanwhile", async () => {
    // Prepare: the first read is followed by a real concurrent write to the same item
    const t = await repos.transactions.putNew(tx("u-race", "BEAN THERE", "Bean There"));
    let raced = false;
    const racingRepos = {
      ...repos,
      transactions: {
        ...repos.transactions,
        get: async (userId: string, id: string) => {
          const read = await repos.transactions.get(userId, id);
          if (!raced && read) {
            raced = true;
            await updateVersioned(db, transactionEntity, { ...read, description: "BEAN THERE (settled)" }, read.version);
          }
          return read;
        },
      },
    };
    // Act
    await editTransactionCategory(
      { ...deps, repos: racingRepos },
      { userId: "u-race", transactionId: t.transactionId, secondary: "food_and_drink/coffee_shops" },
    );
    // Assess: both writes survive, in order
    const stored = await repos.transactions.get("u-race", t.transactionId);
    expect(stored).toMatchObject({
      description: "BEAN THERE (settled)",
      version: 3,
      category: { secondary: "food_and_drink/coffee_shops", userModified: true },
    });
  });

  it("rejects a category outside the taxonomy and an unknown transaction with typed errors", async () => {
    await expect(editTransactionCategory(deps, { userId: "u-x", transactionId: "txn_nope", secondary: "groceries/caviar" })).rejects.toBeInstanceOf(
      InvalidCategoryError,
    );
    await expect(editTransactionCategory(deps, { userId: "u-x", transactionId: "txn_nope", secondary: "groceries/supermarkets" })).rejects.toBeInstanceOf(
      TransactionNotFoundError,
    );
  });
});
