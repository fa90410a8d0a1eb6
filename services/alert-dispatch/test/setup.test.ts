import { destroyAwsClients } from "@expenzez/aws";
import { ConfigError } from "@expenzez/config";
import { exportPKCS8, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { createAlertRuntime } from "../src/setup";

const base = { STAGE: "local", AWS_REGION: "eu-west-2", AWS_ENDPOINT_URL: "http://127.0.0.1:9", LOG_LEVEL: "silent" };

async function key() {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    type: "service_account",
    project_id: "p1",
    private_key_id: "k1",
    private_key: await exportPKCS8(privateKey),
    client_email: "sender@p1.iam.gserviceaccount.com",
    token_uri: "https://oauth2.googleapis.com/token",
  };
}

describe("alert-dispatch runtime set-up", () => {
  it("builds push from the service-account key and email from the sender, and reads the limits", async () => {
    const rt = await createAlertRuntime({
      ...base,
      FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(await key()),
      ALERTS_FROM_EMAIL: "alerts@expenzez.app",
      ALERTS_MAX_PER_HOUR: "9",
    });
    expect(rt.deps.push).toBeDefined();
    expect(rt.deps.email).toBeDefined();
    expect(rt.deps.maxPerHour).toBe(9);
    expect(rt.queue.name).toBe("expenzez-local-alert-dispatch");
    destroyAwsClients(rt.aws);
  });

  it("runs without push or email when neither is configured", async () => {
    const rt = await createAlertRuntime(base);
    expect([rt.deps.push, rt.deps.email]).toEqual([undefined, undefined]);
    destroyAwsClients(rt.aws);
  });

  it("refuses a key without its private key, naming what is missing, and never echoes the key", async () => {
    const { private_key: _omitted, ...partial } = await key();
    const err = await createAlertRuntime({ ...base, FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(partial) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain("private_key");
    const bad = await createAlertRuntime({ ...base, FCM_SERVICE_ACCOUNT_JSON: "not json -----BEGIN PRIVATE KEY-----" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect(String((bad as Error).message)).not.toContain("BEGIN PRIVATE KEY");
  });
});
