import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

function hasIntegrationTests(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).some((f) => f.endsWith(".int.test.ts"));
}

/**
 * The test set-up every package shares. `*.test.ts` run in parallel with no network;
 * `*.int.test.ts` run one file at a time against a local AWS emulator that the global
 * setup starts for this package (or `AWS_ENDPOINT_URL` when set). Log lines of every level go
 * to `.local/logs/<package>.log` (see `scanLogs`).
 *
 * @example export default packageTestConfig(import.meta.dirname);
 */
/** Where the suites' log lines go (one file per package, replaced on each run), for the log scan. */
export const LOG_CAPTURE_DIR = fileURLToPath(new URL("../../../.local/logs/", import.meta.url));

/** This run's capture file of a package: the previous run's is removed first. */
function logCaptureFile(packageDir: string): string {
  const file = join(LOG_CAPTURE_DIR, `${basename(packageDir)}.log`);
  rmSync(file, { force: true });
  return file;
}

export function packageTestConfig(packageDir: string, extra: ViteUserConfig["test"] = {}): ViteUserConfig {
  const unit = {
    extends: true as const,
    test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/**/*.int.test.ts", "**/node_modules/**"] },
  };
  const integration = {
    extends: true as const,
    test: {
      name: "int",
      include: ["test/**/*.int.test.ts"],
      globalSetup: [fileURLToPath(new URL("./global-setup.ts", import.meta.url))],
      // Files share one emulator and reset it: never two at once.
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  };
  return defineConfig({
    test: {
      ...extra,
      // Every logger of the run (and of the processes it spawns) also writes every line here.
      env: { EXPENZEZ_LOG_CAPTURE: logCaptureFile(packageDir), ...extra.env },
      passWithNoTests: false,
      projects: hasIntegrationTests(join(packageDir, "test")) ? [unit, integration] : [unit],
    },
  });
}
