import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { provisionLocalStack } from "@expenzez/infra";
import { HEALTH_PATHS } from "@expenzez/runtime";
import { emulatorEndpoint, resetForFile, until } from "@expenzez/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

// Needs the local AWS emulator (vitest global setup). Starts the scheduler's real local process.
let child: ChildProcess | undefined;

beforeAll(async () => {
  await resetForFile();
  await provisionLocalStack(emulatorEndpoint());
});

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

describe("the scheduler's local process", () => {
  it("serves liveness and readiness on HEALTH_PORT=0 and ends on SIGTERM", async () => {
    child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "..", "src", "worker.ts")], {
      env: { ...process.env, STAGE: "local", AWS_ENDPOINT_URL: emulatorEndpoint(), LOG_LEVEL: "info", HEALTH_PORT: "0", SCHEDULER_INTERVAL_SECONDS: "3600" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    let url = "";
    await until(
      () => {
        const line = out.split("\n").find((l) => l.includes("health endpoint listening"));
        if (line) url = JSON.parse(line).url as string;
        return url !== "";
      },
      { message: "the scheduler logged its health URL", timeoutMs: 30_000 },
    );
    expect((await fetch(`${url}${HEALTH_PATHS.live}`)).status).toBe(200);
    const ready = await fetch(`${url}${HEALTH_PATHS.ready}`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
