import { createFieldEncryptor } from "@expenzez/crypto";
import { type BankConnection, createRepositories, type Db, type Repositories } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import type { Logger } from "@expenzez/logger";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { createTrueLayerClient, type TrueLayerClient } from "@expenzez/truelayer";
import { type RunningSandbox, type SandboxAdmin, startSandbox } from "@expenzez/truelayer-sandbox";
import type { SyncDeps } from "../src/index";

/** The moto stack, repositories, TrueLayer simulator and a client for it: what a sync test runs against. */
export interface SyncHarness {
  stack: LocalStack;
  db: Db;
  repos: Repositories;
  sandbox: RunningSandbox;
  truelayer: TrueLayerClient;
  /** The sync worker's deps on this harness at a fixed clock (`over` replaces any of them). */
  syncDeps(now: Date | (() => Date), over?: Partial<SyncDeps>): SyncDeps;
  /** A simulator user (no PSD2 daily limit unless the scenario sets one) and their connection, stored with its tokens. */
  connect(options?: ConnectOptions): Promise<Connected>;
  stop(): Promise<void>;
}

export interface ConnectOptions {
  accounts?: number;
  cards?: number;
  history_days?: number;
  /** The stored access token's lifetime (default: what the simulator issued). */
  tokenTtlMs?: number;
  scenario?: Record<string, unknown>;
}

export interface Connected {
  sim: Awaited<ReturnType<SandboxAdmin["createUser"]>>;
  connection: BankConnection;
  userId: string;
  connectionId: string;
  /** The user's first account's provider id. */
  account: string;
}

/**
 * Provisions this test file's stack on the emulator (the package's vitest global setup starts
 * it), starts the TrueLayer simulator in-process on `seed` and a client that retries once
 * without sleeping. One helper for every test that runs the real sync against the simulator
 * (sync-worker's, budget-recalc's pipeline test), exported as `@expenzez/sync-worker/testing`.
 *
 * @example const h = await startSyncHarness({ seed: "my-tests", log }); afterAll(() => h.stop());
 */
export async function startSyncHarness(options: { seed: string; log: Logger; now?: Date }): Promise<SyncHarness> {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  const db: Db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  const repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  const sandbox = await startSandbox({ seed: options.seed, now: options.now ?? new Date("2026-11-20T12:00:00Z") });
  const truelayer = createTrueLayerClient({
    authBaseUrl: sandbox.authUrl,
    dataBaseUrl: sandbox.dataUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    maxRetries: 1,
    logger: options.log,
    sleep: async () => {},
  });
  const { log } = options;
  return {
    stack,
    db,
    repos,
    sandbox,
    truelayer,
    syncDeps: (now, over = {}) => ({
      db,
      repos,
      truelayer,
      relay: { db, events: stack.aws.events, busName: stack.handles.busName, log },
      log,
      workerId: "test",
      now: typeof now === "function" ? now : () => now,
      random: () => 0.5,
      ...over,
    }),
    async connect(o = {}) {
      const user = await sandbox.admin.createUser({
        accounts: o.accounts ?? 1,
        cards: o.cards ?? 0,
        history_days: o.history_days ?? 10,
        scenario: { unattended_limit: null, ...o.scenario },
      });
      const now = await sandbox.admin.now();
      const connection = await repos.connections.create({
        userId: `u-${user.user_id}`,
        connectionId: `conn-${user.user_id}`,
        providerId: "mock",
        status: "active",
        accessToken: user.tokens.access_token,
        refreshToken: user.tokens.refresh_token as string,
        tokenExpiresAt: new Date(now.getTime() + (o.tokenTtlMs ?? user.tokens.expires_in * 1000)).toISOString(),
        consentExpiresAt: user.consent_expires_at,
        nextSyncAt: now.toISOString(),
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      });
      const account = user.accounts[0]?.account_id as string;
      return { sim: user, connection, userId: connection.userId, connectionId: connection.connectionId, account };
    },
    stop: () => sandbox.stop(),
  };
}
