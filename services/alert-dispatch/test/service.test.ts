import { destroyAwsClients } from "@expenzez/aws";
import { ConfigError } from "@expenzez/config";
import { exportPKCS8, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { alertDeferred, alertDispatch } from "../src/service";

// No network: the task's runtime builds the same deps as the queue service's without looking up queue URLs.
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

describe("alert-dispatch service declarations", () => {
  it("consume the alert-dispatch queue and run the deferred pass every minute, as the catalogue says", () => {
    expect(alertDispatch.definition).toMatchObject({ kind: "queue", queue: "alertDispatch", entry: "services/alert-dispatch/src/lambda.ts" });
    expect(alertDeferred.definition).toMatchObject({ kind: "schedule", everyMinutes: 1, entry: "services/alert-dispatch/src/deferred-lambda.ts" });
  });

  it("build push from the service-account key, email from the stage's sender, and read the limits", async () => {
    const { kit, deps } = await alertDeferred.createRuntime({ ...base, FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(await key()), ALERTS_MAX_PER_HOUR: "9" });
    expect(deps.push).toBeDefined();
    expect(deps.email).toBeDefined();
    expect(deps.maxPerHour).toBe(9);
    expect(kit.def.email.sender).toBe("alerts@local.expenzez.app");
    destroyAwsClients(kit.aws);
  });

  it("keep each user's reads for a few seconds unless switched off, and batch outbox deletes", async () => {
    const on = await alertDeferred.createRuntime(base);
    const off = await alertDeferred.createRuntime({ ...base, ALERTS_USER_CACHE_SECONDS: "0" });
    expect([on.deps.userReads !== undefined, off.deps.userReads !== undefined]).toEqual([true, false]);
    expect(on.deps.outboxDeletes?.pending).toBe(0);
    destroyAwsClients(on.kit.aws);
    destroyAwsClients(off.kit.aws);
  });

  it("run without push when no key is configured and without email when it is switched off", async () => {
    const { kit, deps } = await alertDeferred.createRuntime({ ...base, ALERTS_EMAIL: "off" });
    expect([deps.push, deps.email]).toEqual([undefined, undefined]);
    destroyAwsClients(kit.aws);
  });

  it("refuse a key without its private key, naming what is missing, and never echo the key", async () => {
    const { private_key: _omitted, ...partial } = await key();
    const err = await alertDeferred.createRuntime({ ...base, FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(partial) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain("private_key");
    const bad = await alertDeferred.createRuntime({ ...base, FCM_SERVICE_ACCOUNT_JSON: "not json -----BEGIN PRIVATE KEY-----" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ConfigError);
    expect(String((bad as Error).message)).not.toContain("BEGIN PRIVATE KEY");
  });
});
