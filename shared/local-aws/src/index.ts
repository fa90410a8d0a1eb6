import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Emulator {
  endpoint: string;
  /** True when this process started it (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export class EmulatorError extends Error {
  readonly code = "local_aws.emulator_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmulatorError";
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: the folder that holds pnpm-workspace.yaml. */
export function repoRoot(from = here): string {
  let dir = from;
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new EmulatorError(`no pnpm-workspace.yaml above ${from}`);
    dir = up;
  }
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls moto's own API until it answers, so callers never race the server's start. */
export async function waitForEmulator(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EmulatorError(`emulator at ${endpoint} did not answer within ${timeoutMs} ms`, { cause: lastError });
}

/** Wipes every service of a moto server (tables, queues, buses, keys). */
export async function resetEmulator(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!res.ok) throw new EmulatorError(`reset of ${endpoint} failed: HTTP ${res.status}`);
}

/**
 * Starts moto server from the project's venv on loopback. It stops when `stop()` is called
 * and, through a stdin watchdog, whenever this process ends, however it ends. TransactWriteItems
 * rolls back through an undo log of the touched items rather than moto's whole-table copies
 * (see moto_server.py), unless `fastTransactions: false`; a Query of the table's own key reads
 * only its partition, unless `fastQueries: false`.
 */
export async function startMoto(options: { port?: number; quiet?: boolean; fastTransactions?: boolean; fastQueries?: boolean } = {}): Promise<Emulator> {
  const root = repoRoot();
  const python = join(root, ".venv", "bin", "python");
  if (!existsSync(python)) {
    throw new EmulatorError(`no project venv at ${python}: run "bash scripts/bootstrap.sh" first`);
  }
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(python, [join(here, "moto_server.py"), "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["pipe", "ignore", options.quiet === false ? "inherit" : "ignore"],
    env: {
      ...process.env,
      MOTO_PORT: String(port),
      PYTHONUNBUFFERED: "1",
      // moto_server.py's undo-log rollback for TransactWriteItems; off only to compare with stock moto.
      EXPENZEZ_MOTO_FAST_TRANSACTIONS: options.fastTransactions === false ? "0" : "1",
      EXPENZEZ_MOTO_FAST_QUERIES: options.fastQueries === false ? "0" : "1",
    },
  });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const onExit = () => child.kill("SIGKILL");
  process.once("exit", onExit);

  const stop = async () => {
    process.removeListener("exit", onExit);
    if (exited) return;
    child.stdin?.end();
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exitedPromise;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForEmulator(endpoint),
      exitedPromise.then(() => {
        throw new EmulatorError(`moto server exited during start-up (port ${port} in use?)`);
      }),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, owned: true, stop };
}

/**
 * The emulator to use: `AWS_ENDPOINT_URL` when set (LocalStack, a moto you started), else a
 * moto server started here on `MOTO_PORT` or a free port.
 */
export async function useEmulator(env: Record<string, string | undefined> = process.env): Promise<Emulator> {
  if (env.AWS_ENDPOINT_URL) {
    await waitForEmulatorLoosely(env.AWS_ENDPOINT_URL);
    return { endpoint: env.AWS_ENDPOINT_URL, owned: false, stop: async () => {} };
  }
  const port = env.MOTO_PORT ? Number(env.MOTO_PORT) : undefined;
  return startMoto(port ? { port } : {});
}

/** LocalStack has no moto API: any HTTP answer means the endpoint is up. */
async function waitForEmulatorLoosely(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new EmulatorError(`AWS_ENDPOINT_URL=${endpoint} did not answer within ${timeoutMs} ms`);
}

/** Runs `fn` with an emulator and stops it afterwards, also on Ctrl-C / SIGTERM. */
export async function withEmulator<T>(fn: (emulator: Emulator) => Promise<T>): Promise<T> {
  const emulator = await useEmulator();
  const onSignal = (signal: NodeJS.Signals) => {
    void emulator.stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await fn(emulator);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await emulator.stop();
  }
}
