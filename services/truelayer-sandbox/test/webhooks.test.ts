import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extractJku, type HttpMethod, verify } from "truelayer-signing";
import { describe, expect, it, onTestFinished } from "vitest";
import { createContractValidator } from "../src/contract";
import { getData, results, sandboxForFile } from "./helpers";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A webhook endpoint of our own on loopback, recording what it is sent. */
async function receiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers as Record<string, string>, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("async calls and webhooks", () => {
  it("answers 202, POSTs the v1 webhook body, and serves the results at results_uri", async () => {
    // Prepare
    const sandbox = await sandboxForFile();
    const hook = await receiver();
    const user = await sandbox.admin.createUser({ scenario: { unattended_limit: null } });
    const id = user.accounts[0]!.account_id;
    // Act
    const queued = await getData(
      sandbox,
      `/accounts/${id}/transactions?from=2025-06-01&async=true&webhook_uri=${encodeURIComponent(`${hook.url}/hooks/tl?secret=s3`)}`,
      user.tokens.access_token,
    );
    await sandbox.webhooksSettled();
    // Assess
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: "Queued" });
    expect(hook.received).toHaveLength(1);
    const delivery = hook.received[0]!;
    expect(delivery.path).toBe("/hooks/tl?secret=s3");
    const body = JSON.parse(delivery.body);
    const { task_id, results_uri } = queued.body as { task_id: string; results_uri: string };
    expect(body).toMatchObject({ task_id, results_uri, status: "Succeeded", credentials_id: user.credentials_id });
    expect(body.request_uri).toContain(`/accounts/${id}/transactions`);
    const fetched = await fetch(results_uri, { headers: { Authorization: `Bearer ${user.tokens.access_token}` } });
    const served = await fetched.json();
    expect(createContractValidator().check("data-api-v1", "get", "/accounts/{account_id}/transactions", 200, served)).toBeUndefined();
    expect(results({ status: 200, headers: fetched.headers, body: served }).length).toBeGreaterThan(0);
    // Unsigned by default, like TrueLayer's v1 webhooks.
    expect(delivery.headers["tl-signature"]).toBeUndefined();
    expect((await sandbox.admin.webhooks())[0]).toMatchObject({ status: 200 });
  });

  it("signs deliveries with an ES512 Tl-Signature that truelayer-signing verifies against the served JWKS", async () => {
    // Prepare
    const sandbox = await sandboxForFile({ config: { sign_webhooks: true } });
    const hook = await receiver();
    const user = await sandbox.admin.createUser({ scenario: { unattended_limit: null } });
    // Act
    await getData(sandbox, `/accounts?async=true&webhook_uri=${encodeURIComponent(`${hook.url}/hook`)}`, user.tokens.access_token);
    await sandbox.webhooksSettled();
    const delivery = hook.received[0]!;
    const signature = delivery.headers["tl-signature"]!;
    const jku = extractJku(signature)!;
    const jwks = await (await fetch(jku)).text();
    // Assess
    expect(jku).toBe(`${sandbox.url}/.well-known/jwks`);
    const args = { jwks, signature, method: "POST" as HttpMethod, path: "/hook", headers: delivery.headers, body: delivery.body };
    expect(() => verify({ ...args, requiredHeaders: ["X-Tl-Webhook-Timestamp"] })).not.toThrow();
    expect(() => verify({ ...args, body: delivery.body.replace("Succeeded", "Failed") })).toThrow();
    expect(Date.parse(delivery.headers["x-tl-webhook-timestamp"]!)).not.toBeNaN();
  });
});
