import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import type { Logger } from "@expenzez/logger";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { createTrueLayerClient, type TrueLayerClient } from "@expenzez/truelayer";
import { type RunningSandbox, startSandbox } from "@expenzez/truelayer-sandbox";
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
  stop(): Promise<void>;
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
    stop: () => sandbox.stop(),
  };
}
