import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { provisionLocalStack } from "@expenzez/infra";
import { HEALTH_PATHS } from "@expenzez/runtime";
import { emulatorEndpoint, resetForFile, startServiceProcess } from "@expenzez/testing";
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
    const scheduler = startServiceProcess(join(import.meta.dirname, "..", "src", "worker.ts"), {
      STAGE: "local",
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      LOG_LEVEL: "info",
      HEALTH_PORT: "0",
      SCHEDULER_INTERVAL_SECONDS: "3600",
    });
    child = scheduler.child;
    const url = await scheduler.healthUrl();
    expect((await fetch(`${url}${HEALTH_PATHS.live}`)).status).toBe(200);
    const ready = await fetch(`${url}${HEALTH_PATHS.ready}`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    child.kill("SIGTERM");
    expect(await scheduler.exited()).toBe(0);
  }, 60_000);
});
