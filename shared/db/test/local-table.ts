import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import type { Db } from "../src";

/** Wipes the emulator and provisions the stack: the `beforeAll` of every integration file here. */
export async function freshTable(): Promise<{ stack: LocalStack; db: Db }> {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  return { stack, db: { doc: stack.aws.doc, tableName: stack.handles.tableName } };
}
