import type { FieldEncryptor } from "@expenzez/crypto";
import type { Db } from "../table";
import { accountRepository } from "./accounts";
import { budgetAlertRepository } from "./alerts";
import { backfillRepository } from "./backfills";
import { budgetRepository } from "./budgets";
import { categoryEditRepository } from "./category-edits";
import { connectionRepository } from "./connections";
import { notificationRepository } from "./notifications";
import { profileRepository } from "./profiles";
import { recurringRepository } from "./recurring";
import { ruleRepository } from "./rules";
import { transactionRepository } from "./transactions";

export * from "./accounts";
export * from "./alerts";
export * from "./backfills";
export * from "./budgets";
export * from "./category-edits";
export * from "./connections";
export * from "./notifications";
export * from "./profiles";
export * from "./recurring";
export * from "./rules";
export * from "./transactions";
export * from "./user-items";

/**
 * Every repository over one table, with the field encryptor wired into the ones that hold secrets.
 *
 * @example
 * const repos = createRepositories({ doc: aws.doc, tableName: handles.tableName }, createFieldEncryptor({ kms: aws.kms, keyId: handles.keyId }));
 * const due = await repos.connections.listAllDue(new Date().toISOString());
 */
export function createRepositories(db: Db, encryptor: FieldEncryptor) {
  return {
    profiles: profileRepository(db),
    connections: connectionRepository(db, encryptor),
    accounts: accountRepository(db, encryptor),
    transactions: transactionRepository(db),
    budgets: budgetRepository(db),
    rules: ruleRepository(db),
    categoryEdits: categoryEditRepository(db),
    recurring: recurringRepository(db),
    budgetAlerts: budgetAlertRepository(db),
    notifications: notificationRepository(db),
    backfills: backfillRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
export * from "./sealed-repository";
