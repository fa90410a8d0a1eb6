import type { FieldEncryptor } from "@expenzez/crypto";
import { ACCOUNT_SEALED_FIELDS, type BankAccount, type BankAccountInput, type StoredBankAccount, bankAccountEntity, bankAccountSchema } from "../entities/bank-account";
import { validate } from "../entity";
import { getEntity, putNew, updateVersioned } from "../items";
import { SK_PREFIX, keys } from "../keys";
import { openFields, sealFields } from "../sealing";
import type { Db, Page, PageOptions } from "../table";
import { listUserItems } from "./user-items";

/** Bank accounts and cards. Account number, sort code and IBAN are sealed at rest. */
export function accountRepository(db: Db, encryptor: FieldEncryptor) {
  const contextOf = (a: { userId: string; accountId: string }) => ({ userId: a.userId, accountId: a.accountId });

  /** Plaintext account → stored shape (for transaction actions). */
  async function seal(account: BankAccountInput): Promise<StoredBankAccount> {
    const plain = validate("BankAccount", bankAccountSchema, account);
    return bankAccountEntity.parse(await sealFields(encryptor, plain, ACCOUNT_SEALED_FIELDS, contextOf(plain)));
  }

  async function open(stored: StoredBankAccount): Promise<BankAccount> {
    return openFields(encryptor, stored, ACCOUNT_SEALED_FIELDS, contextOf(stored)) as Promise<BankAccount>;
  }

  return {
    seal,
    open,
    async get(userId: string, accountId: string): Promise<BankAccount | undefined> {
      const stored = await getEntity(db, bankAccountEntity, keys.account(userId, accountId));
      return stored && open(stored);
    },
    async putNew(account: BankAccountInput): Promise<BankAccount> {
      return open(await putNew(db, bankAccountEntity, await seal(account)));
    },
    async updateVersioned(account: BankAccountInput, expectedVersion: number): Promise<BankAccount> {
      return open(await updateVersioned(db, bankAccountEntity, await seal(account), expectedVersion));
    },
    async listByUser(userId: string, options: PageOptions = {}): Promise<Page<BankAccount>> {
      const page = await listUserItems(db, bankAccountEntity, userId, SK_PREFIX.account, options);
      return { items: await Promise.all(page.items.map(open)), cursor: page.cursor };
    },
  };
}

export type AccountRepository = ReturnType<typeof accountRepository>;
