import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, loadConfig } from "../src/index";

describe("loadConfig", () => {
  it("applies defaults for a local stage with an emulator endpoint", () => {
    const config = loadConfig({ AWS_ENDPOINT_URL: "http://127.0.0.1:5000" });
    expect(config).toMatchObject({ STAGE: "local", AWS_REGION: "eu-west-2", LOG_LEVEL: "info", isCloud: false });
  });

  it("names every bad or missing variable", () => {
    const extra = z.object({ TRUELAYER_CLIENT_ID: z.string() });
    try {
      loadConfig({ AWS_REGION: "moon-1", AWS_ENDPOINT_URL: "http://x:1" }, extra);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variables.sort()).toEqual(["AWS_REGION", "TRUELAYER_CLIENT_ID"]);
      expect((err as Error).message).toContain("AWS_REGION");
    }
  });

  it("refuses a local stage without an endpoint, so nothing reaches real AWS by accident", () => {
    expect(() => loadConfig({ STAGE: "local" })).toThrow(/AWS_ENDPOINT_URL/);
    expect(loadConfig({ STAGE: "prod" }).isCloud).toBe(true);
  });

  it("refuses an emulator endpoint for a cloud stage, so a command meant for real AWS never lands on an emulator", () => {
    // An operator's shell still holding the LocalStack endpoint: `STAGE=prod expenzez user erase`
    // would erase nothing in prod and report "erased".
    try {
      loadConfig({ STAGE: "prod", AWS_ENDPOINT_URL: "http://127.0.0.1:4566" });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variables).toEqual(["AWS_ENDPOINT_URL"]);
      expect((err as Error).message).toMatch(/prod.*real AWS/);
    }
  });

  it("treats empty strings as unset", () => {
    expect(loadConfig({ STAGE: "", AWS_ENDPOINT_URL: "http://127.0.0.1:1" }).STAGE).toBe("local");
  });
});

describe("assertEmulatorStage", () => {
  it("lets local stages through and stops cloud stages", async () => {
    const { assertEmulatorStage } = await import("../src/index");
    expect(() => assertEmulatorStage({})).not.toThrow();
    expect(() => assertEmulatorStage({ STAGE: "ci" })).not.toThrow();
    expect(() => assertEmulatorStage({ STAGE: "prod" })).toThrow(/CDK/);
  });
});
