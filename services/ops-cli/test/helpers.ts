import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Repositories } from "@expenzez/db";
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

/** Repositories that seal like the services do, for seeding connections with real sealed tokens. */
export function sealingRepos(stack: LocalStack, ctx: OpsContext): Repositories {
  return createRepositories(ctx.db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.def.key.alias }));
}

export function aConnection(userId: string, connectionId: string, overrides: Record<string, unknown> = {}) {
  return {
    userId,
    connectionId,
    providerId: "ob-monzo",
    status: "active" as const,
    accessToken: `at_PLAINTEXT_${connectionId}`,
    refreshToken: `rt_PLAINTEXT_${connectionId}`,
    tokenExpiresAt: "2026-12-01T13:00:00Z",
    consentExpiresAt: "2027-03-01T12:00:00Z",
    nextSyncAt: "2026-12-01T12:00:00Z",
    createdAt: "2026-11-01T00:00:00Z",
    updatedAt: "2026-11-01T00:00:00Z",
    ...overrides,
  };
}
