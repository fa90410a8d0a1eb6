import { defineConfig } from "vitest/config";

// Not @expenzez/testing's preset: that package depends on this one and turbo rejects cycles.
// The launcher tests start their own moto servers, so they need no global setup either.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    passWithNoTests: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
