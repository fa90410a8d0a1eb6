import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, EmulatorError, freePort, startMoto, useEmulator } from "../src/index";

// Needs the project venv (.venv with moto[server]): each test starts its own moto server.
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Polls until the endpoint stops answering; returns how long that took. */
async function goneWithin(endpoint: string, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (!(await answers(endpoint))) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${endpoint} still answers after ${timeoutMs} ms`);
}

describe("startMoto", () => {
  const started: Emulator[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const e of started.splice(0)) await e.stop();
    for (const c of cleanups.splice(0)) await c();
  });

  it("starts on the requested free port, answers, and stop() ends it (port closed)", async () => {
    // Prepare
    const port = await freePort();
    // Act
    const emulator = await startMoto({ port });
    started.push(emulator);
    // Assess
    expect(emulator).toMatchObject({ endpoint: `http://127.0.0.1:${port}`, owned: true });
    expect(await answers(emulator.endpoint)).toBe(true);
    await emulator.stop();
    expect(await answers(emulator.endpoint)).toBe(false);
    await expect(emulator.stop()).resolves.toBeUndefined();
  });

  it("fails with EmulatorError when the port is already taken, instead of talking to the squatter", async () => {
    // Prepare: an HTTP server that is not moto holds the port.
    const squatter: Server = createServer((_req, res) => res.writeHead(404).end());
    squatter.listen(0, "127.0.0.1");
    await once(squatter, "listening");
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const address = squatter.address();
    const port = typeof address === "object" && address ? address.port : 0;
    // Act / Assess
    const attempt = startMoto({ port });
    await expect(attempt).rejects.toBeInstanceOf(EmulatorError);
    await expect(attempt).rejects.toThrow(/exited during start-up/);
  });

  it("is not left orphaned when the process that started it is killed with SIGKILL", async () => {
    // Prepare: a separate node process starts moto and prints its endpoint. SIGKILL skips every
    // exit handler, so only the stdin watchdog in moto_server.py can stop the server.
    const script = [
      `const { startMoto } = await import(${JSON.stringify(join(packageDir, "src", "index.ts"))});`,
      "const emulator = await startMoto();",
      "console.log(emulator.endpoint);",
      "setInterval(() => {}, 60_000);",
    ].join("\n");
    const parent: ChildProcess = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "inherit"],
    });
    cleanups.push(() => {
      if (parent.exitCode === null && parent.signalCode === null) parent.kill("SIGKILL");
    });
    const lines = createInterface({ input: parent.stdout! });
    const [endpoint] = (await once(lines, "line")) as [string];
    expect(await answers(endpoint)).toBe(true);

    // Act
    const exited = once(parent, "exit");
    parent.kill("SIGKILL");
    const [, signal] = await exited;

    // Assess
    expect(signal).toBe("SIGKILL");
    expect(await goneWithin(endpoint, 5000)).toBeLessThan(5000);
  });
});

describe("useEmulator", () => {
  it("uses AWS_ENDPOINT_URL when set and never stops an emulator it did not start", async () => {
    // Prepare
    const owner = await startMoto();
    try {
      // Act
      const borrowed = await useEmulator({ AWS_ENDPOINT_URL: owner.endpoint });
      await borrowed.stop();
      // Assess
      expect(borrowed).toMatchObject({ endpoint: owner.endpoint, owned: false });
      expect(await answers(owner.endpoint)).toBe(true);
    } finally {
      await owner.stop();
    }
  });

  it("starts its own moto on MOTO_PORT when no endpoint is configured", async () => {
    const port = await freePort();
    const emulator = await useEmulator({ MOTO_PORT: String(port) });
    try {
      expect(emulator).toMatchObject({ endpoint: `http://127.0.0.1:${port}`, owned: true });
      expect(await answers(emulator.endpoint)).toBe(true);
    } finally {
      await emulator.stop();
    }
    expect(await answers(emulator.endpoint)).toBe(false);
  });
});
