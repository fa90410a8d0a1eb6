import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { createAwsClients } from "@expenzez/aws";
import { expect, it } from "vitest";

// Loopback only: a server that accepts connections and never answers, like a connection whose
// other end vanished without a reset (what hung the scheduler in the fault suite).
it("fails an AWS call on a connection that never answers instead of waiting forever", async () => {
  // Prepare
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
  const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  const aws = createAwsClients({ region: "eu-west-2", endpoint }, { socketTimeoutMs: 300 });
  const started = Date.now();
  try {
    // Act
    const outcome = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: "q" })).then(
      () => "answered",
      (err: Error) => err.name,
    );
    // Assess: every attempt timed out (4 attempts with back-off), well before a test timeout.
    expect(outcome).toMatch(/Timeout/i);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
  } finally {
    aws.sqs.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
