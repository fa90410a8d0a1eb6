import type { EncryptionContext, FieldEncryptor } from "@expenzez/crypto";
import type { z } from "zod";
import { type Entity, validate } from "../entity";
import { getEntity, putNew, updateVersioned } from "../items";
import type { TableKey } from "../keys";
import { openFields, sealFields } from "../sealing";
import type { Db, Page, PageOptions } from "../table";
import { listUserItems } from "./user-items";

/** How one entity with secret fields is stored: its plaintext schema, stored entity and context. */
export interface SealedEntitySpec<P extends z.ZodType, S extends z.ZodType<{ version: number; userId: string }>> {
  plainSchema: P;
  entity: Entity<S>;
  fields: readonly string[];
  /** Identifies the record in the encryption context (user and record id). */
  contextOf(value: z.output<P> | z.output<S>): EncryptionContext;
  skPrefix: string;
}

/**
 * get / putNew / updateVersioned / listByUser for an entity whose secret fields are sealed on
 * the way in and opened on the way out; callers only ever see plaintext.
 */
export function sealedRepository<P extends z.ZodType, S extends z.ZodType<{ version: number; userId: string }>>(
  db: Db,
  encryptor: FieldEncryptor,
  spec: SealedEntitySpec<P, S>,
) {
  /** Plaintext → stored shape (also for transaction actions such as `txPutVersioned`). */
  async function seal(value: z.input<P>): Promise<z.output<S>> {
    const plain = validate(spec.entity.entityType, spec.plainSchema, value);
    return spec.entity.parse((await sealFields(encryptor, plain as object, spec.fields, spec.contextOf(plain))) as z.input<S>);
  }

  function open(stored: z.output<S>): Promise<z.output<P>> {
    return openFields(encryptor, stored as object, spec.fields, spec.contextOf(stored)) as Promise<z.output<P>>;
  }

  return {
    seal,
    open,
    async getByKey(key: TableKey): Promise<z.output<P> | undefined> {
      const stored = await getEntity(db, spec.entity, key);
      return stored === undefined ? undefined : open(stored);
    },
    async putNew(value: z.input<P>): Promise<z.output<P>> {
      return open(await putNew(db, spec.entity, (await seal(value)) as z.input<S>));
    },
    /** Writes `expectedVersion + 1` if the stored version is `expectedVersion`. */
    async updateVersioned(value: z.input<P>, expectedVersion: number): Promise<z.output<P>> {
      return open(await updateVersioned(db, spec.entity, (await seal(value)) as z.input<S>, expectedVersion));
    },
    async listByUser(userId: string, options: PageOptions = {}): Promise<Page<z.output<P>>> {
      const page = await listUserItems(db, spec.entity, userId, spec.skPrefix, options);
      return { items: await Promise.all(page.items.map(open)), cursor: page.cursor };
    },
  };
}
