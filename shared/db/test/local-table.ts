import { createFieldEncryptor } from "@expenzez/crypto";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { createRepositories, type Db, type Repositories } from "../src";

/** Wipes the emulator and provisions the stack: the `beforeAll` of every integration file here. */
export async function freshTable(): Promise<{ stack: LocalStack; db: Db; repos: Repositories }> {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  const db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  return { stack, db, repos: createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId })) };
}
