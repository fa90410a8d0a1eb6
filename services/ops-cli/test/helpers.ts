import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { createOpsContext, type OpsContext } from "../src/index";

/** A fresh stack on the emulator and the CLI's context built from the same environment the services read. */
export async function freshStack(): Promise<{ stack: LocalStack; ctx: OpsContext; env: Record<string, string> }> {
  await resetForFile();
  const endpoint = emulatorEndpoint();
  const stack = await provisionLocalStack(endpoint);
  const env = { STAGE: "local", AWS_REGION: "eu-west-2", AWS_ENDPOINT_URL: endpoint, LOG_LEVEL: "silent" };
  return { stack, ctx: createOpsContext(env), env };
}

/** Captures what a CLI run printed. */
export function captureIo(ctx: OpsContext) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { context: () => ctx, out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}
