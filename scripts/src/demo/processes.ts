import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DemoContext, DemoService } from "../demo-services";

export interface RunningService {
  name: string;
  pid: number;
  log: string;
  child: ChildProcess;
}

/** The registry's services whose folder exists, and the service folders the registry misses. */
export function discover(root: string, services: DemoService[]): { present: DemoService[]; missing: string[]; unlisted: string[] } {
  const present = services.filter((s) => existsSync(join(root, "services", s.dir, s.entry)));
  const missing = services.filter((s) => !present.includes(s)).map((s) => s.name);
  const listed = new Set(services.map((s) => s.dir));
  // A service folder with a runnable entry that nobody added to the registry: say so, do not guess how to run it.
  const unlisted = readdirSync(join(root, "services")).filter(
    (d) => !listed.has(d) && d !== "truelayer-sandbox" && ["src/worker.ts", "src/server.ts"].some((f) => existsSync(join(root, "services", d, f))),
  );
  return { present, missing, unlisted };
}

/** Starts each service's processes (node + tsx, in its own folder), output to one log file each. */
export function startServices(root: string, services: DemoService[], ctx: DemoContext, logDir: string): RunningService[] {
  mkdirSync(logDir, { recursive: true });
  const running: RunningService[] = [];
  for (const service of services) {
    for (let i = 1; i <= (service.instances ?? 1); i++) running.push(startServiceProcess(root, service, i, ctx, logDir));
  }
  return running;
}

/**
 * Starts instance `instance` of one service. `append` keeps the log of an earlier process of
 * the same instance (the fault suite restarts what it killed); `env` adds variables.
 */
export function startServiceProcess(
  root: string,
  service: DemoService,
  instance: number,
  ctx: DemoContext,
  logDir: string,
  options: { append?: boolean; env?: Record<string, string> } = {},
): RunningService {
  const name = (service.instances ?? 1) > 1 ? `${service.name}#${instance}` : service.name;
  const log = join(logDir, `${name.replace("#", "-")}.log`);
  const out = createWriteStream(log, { flags: options.append ? "a" : "w" });
  const child = spawn(process.execPath, ["--import", "tsx", service.entry, ...(service.args?.(ctx) ?? [])], {
    cwd: join(root, "services", service.dir),
    // The SDK's app id names the service in its user agent: the demo's proxy counts requests by it.
    env: { ...process.env, ...ctx.common, AWS_SDK_UA_APP_ID: service.name, ...(service.env?.(ctx) ?? {}), ...(options.env ?? {}) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { name, pid: child.pid ?? -1, log, child };
}

/** Waits until each probe answers 200 (or a process exits, or the time runs out). */
export async function waitHealthy(urls: string[], running: RunningService[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const url of urls) {
    for (;;) {
      const dead = running.find((r) => r.child.exitCode !== null);
      if (dead) throw new Error(`${dead.name} exited with ${dead.child.exitCode}; see ${dead.log}`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  }
}

/** SIGTERM to every process we started, SIGKILL to any still there after `graceMs`. */
export async function stopServices(running: RunningService[], graceMs = 8000): Promise<void> {
  await Promise.all(
    running.map(async (r) => {
      if (r.child.exitCode !== null || r.child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => r.child.once("exit", () => resolve()));
      r.child.kill("SIGTERM");
      const timer = setTimeout(() => r.child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}
