import { type RunningFcmSandbox, startFcmSandbox } from "@expenzez/fcm-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../src/errors";
import { createFcmClient, type FcmMessage, triesOf } from "../src/fcm";

let fcm: RunningFcmSandbox;
const waits: number[] = [];
beforeAll(async () => {
  fcm = await startFcmSandbox();
});
afterAll(() => fcm.stop());
beforeEach(() => {
  fcm.reset();
  waits.length = 0;
});

const client = (maxTries = 5) =>
  createFcmClient({
    serviceAccount: fcm.serviceAccount,
    fcmBaseUrl: fcm.fcmUrl,
    maxTries,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
const msg = (token = "device-token-1"): FcmMessage => ({ token, notification: { title: "t", body: "b" }, data: { k: "v" }, android: { priority: "HIGH" } });

describe("FCM HTTP v1 client", () => {
  it("gets one access token from the service-account key and reuses it", async () => {
    const c = client();
    const a = await c.send(msg());
    await c.send(msg());
    expect(a).toMatchObject({ tries: 1 });
    expect(a.messageId).toMatch(/^projects\/expenzez-local\/messages\//);
    expect(c.tokenFetches).toBe(1);
    expect(fcm.delivered()).toHaveLength(2);
  });

  it("retries a 429 storm, waiting at least Retry-After, and delivers", async () => {
    fcm.storm({ status: 429, count: 3, retryAfterSeconds: 2 });
    const r = await client().send(msg());
    expect(r.tries).toBe(4);
    expect(waits).toHaveLength(3);
    expect(waits.every((w) => w >= 2000)).toBe(true);
    expect(fcm.delivered()).toHaveLength(1);
  });

  it("retries 503 and 500 with backoff, and gives up after maxTries as a retryable failure", async () => {
    fcm.storm({ status: 503, count: 10 });
    const err = await client(3)
      .send(msg())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err).toMatchObject({ code: "fcm.unavailable", retryable: true });
    expect(triesOf(err)).toBe(3);
    fcm.reset();
    fcm.storm({ status: 500, count: 1 });
    expect((await client().send(msg())).tries).toBe(2);
  });

  it("reports UNREGISTERED and a malformed token as a dead token, without retrying", async () => {
    fcm.unregister("dead-token-1");
    const dead = await client()
      .send(msg("dead-token-1"))
      .catch((e: unknown) => e);
    expect(dead).toMatchObject({ code: "fcm.unregistered", retryable: false, details: { tokenInvalid: true, providerCode: "UNREGISTERED" } });
    const malformed = await client()
      .send(msg("bad token"))
      .catch((e: unknown) => e);
    expect(malformed).toMatchObject({ code: "fcm.invalid_argument", details: { tokenInvalid: true } });
    expect(fcm.requests()).toHaveLength(2);
  });

  it("a message FCM refuses for its shape is a permanent failure that does not blame the token", async () => {
    const bad = { ...msg(), data: { from: "reserved" } };
    const err = await client()
      .send(bad)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "fcm.invalid_argument", retryable: false, details: { tokenInvalid: false } });
  });
});
