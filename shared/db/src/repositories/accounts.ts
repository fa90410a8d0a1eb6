import type { FieldEncryptor } from "@expenzez/crypto";
import { ACCOUNT_SEALED_FIELDS, type BankAccount, bankAccountEntity, bankAccountSchema } from "../entities/bank-account";
import { keys, SK_PREFIX } from "../keys";
import type { Db } from "../table";
import { sealedRepository } from "./sealed-repository";

/** Bank accounts and cards. Account number, sort code and IBAN are sealed at rest. */
export function accountRepository(db: Db, encryptor: FieldEncryptor) {
  const base = sealedRepository(db, encryptor, {
    plainSchema: bankAccountSchema,
    entity: bankAccountEntity,
    fields: ACCOUNT_SEALED_FIELDS,
    contextOf: (a) => ({ userId: a.userId, accountId: a.accountId }),
    skPrefix: SK_PREFIX.account,
  });
  return {
    ...base,
    get: (userId: string, accountId: string): Promise<BankAccount | undefined> => base.getByKey(keys.account(userId, accountId)),
  };
}

export type AccountRepository = ReturnType<typeof accountRepository>;
