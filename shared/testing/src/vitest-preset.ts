import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

function hasIntegrationTests(dir: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).some((f) => f.endsWith(".int.test.ts"));
}

/**
 * The test set-up every package shares. `*.test.ts` run in parallel with no network;
 * `*.int.test.ts` run one file at a time against a local AWS emulator that the global
 * setup starts for this package (or `AWS_ENDPOINT_URL` when set).
 *
 * @example export default packageTestConfig(import.meta.dirname);
 */
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
      passWithNoTests: false,
      projects: hasIntegrationTests(join(packageDir, "test")) ? [unit, integration] : [unit],
    },
  });
}
