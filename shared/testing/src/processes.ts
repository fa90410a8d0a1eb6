import { type ChildProcess, spawn } from "node:child_process";
import { until } from "./until";

/** A service's real local process, started by a test, with the JSON log lines it wrote so far. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Waits for the "health endpoint listening" line and returns the URL it names. */
  healthUrl(options?: { timeoutMs?: number }): Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
}

/**
 * Starts `script` under tsx the way the services' local entry points run, with stdout captured
 * for its log lines. The caller kills it (or sends SIGTERM and awaits `exited`).
 *
 * @example const worker = startServiceProcess("src/worker.ts", { HEALTH_PORT: "0" }); const url = await worker.healthUrl();
 */
export function startServiceProcess(script: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    async healthUrl({ timeoutMs = 30_000 } = {}) {
      let url = "";
      await until(
        () => {
          const line = out.split("\n").find((l) => l.includes("health endpoint listening"));
          if (line) url = JSON.parse(line).url as string;
          return url !== "";
        },
        { message: `${script} logged its health URL`, timeoutMs },
      );
      return url;
    },
    exited: () => exit,
  };
}
