import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type DomainEvent, publishEvents } from "@expenzez/events";
import type { SandboxAdmin } from "@expenzez/truelayer-sandbox";
import type { FaultProxy } from "./fault-proxy";
import type { Prng } from "./prng";
import type { Supervisor } from "./supervisor";

/** Every kind of fault the driver injects, as the report names them. */
export const FAULT_KINDS = [
  "process_kill",
  "crash_before_relay",
  "sqs_duplicate",
  "eventbridge_duplicate",
  "bank_429",
  "bank_5xx",
  "bank_timeout",
  "token_expiry",
  "network_latency_window",
  "network_drop",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface DriverDeps {
  random: Prng;
  supervisor: Supervisor;
  /** Process names a kill may pick (workers and consumers). */
  killable: string[];
  sqs: SQSClient;
  /** Work queues whose messages are duplicated and reordered. */
  queues: { id: string; url: string }[];
  events: EventBridgeClient;
  busName: string;
  /** Events seen on the bus so far (the driver re-sends copies of some, later). */
  seenEvents: () => readonly DomainEvent[];
  bank: SandboxAdmin;
  bankUsers: string[];
  proxy: FaultProxy;
  /** Work that is not a fault: a sync job for a user, an edit of a category by a user. */
  sendJob: (userId: string) => Promise<void>;
  editCategory: (userId: string) => Promise<boolean>;
  /** How hard: 1 is the CI size. */
  intensity?: number;
  onError?: (kind: string, err: unknown) => void;
}

export interface FaultDriver {
  /** Faults injected so far by kind (bank faults count the failures armed). */
  counts(): Record<FaultKind, number>;
  jobsSent(): number;
  categoryEdits(): number;
  /** Stops every loop and clears the faults it set (bank scenarios, proxy). */
  stop(): Promise<void>;
}

/**
 * The seeded fault driver: independent loops (one PRNG stream each, forked from the run's seed)
 * that kill processes, duplicate and delay queue messages, re-publish events, arm the bank
 * simulator's storms and short-lived tokens, and switch the network proxy's latency and drops,
 * while the job loop keeps the pipeline busy. Timing still depends on the machine, so a seed
 * replays the plan of faults, not the exact interleaving.
 */
export function startFaultDriver(deps: DriverDeps): FaultDriver {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  let jobs = 0;
  let edits = 0;
  const stop = new AbortController();
  const k = deps.intensity ?? 1;
  const wait = (r: Prng, minMs: number, maxMs: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        stop.signal.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, r.int(Math.round(minMs / k), Math.round(maxMs / k)));
      stop.signal.addEventListener("abort", done, { once: true });
    });
  const loop = (name: string, minMs: number, maxMs: number, step: (r: Prng) => Promise<void>) => {
    const r = deps.random.fork(name);
    return (async () => {
      while (!stop.signal.aborted) {
        await wait(r, minMs, maxMs);
        if (stop.signal.aborted) break;
        await step(r).catch((err: unknown) => deps.onError?.(name, err));
      }
    })();
  };

  const loops = [
    loop("jobs", 250, 900, async (r) => {
      await deps.sendJob(r.pick(deps.bankUsers));
      jobs++;
    }),
    loop("edits", 2000, 5000, async (r) => {
      if (await deps.editCategory(r.pick(deps.bankUsers))) edits++;
    }),
    loop("kills", 1500, 4500, async (r) => {
      if (deps.supervisor.kill(r.pick(deps.killable))) counts.process_kill++;
    }),
    loop("sqs", 400, 1200, async (r) => {
      const queue = r.pick(deps.queues);
      const { Messages = [] } = await deps.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: r.int(1, 3),
          VisibilityTimeout: 30,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ["All"],
        }),
      );
      for (const m of Messages) {
        // Two copies, each delayed on its own: the consumer sees the message twice, out of order
        // with what was sent around it. The original goes once both copies are in.
        for (let copy = 0; copy < 2; copy++) {
          await deps.sqs.send(
            new SendMessageCommand({
              QueueUrl: queue.url,
              MessageBody: m.Body as string,
              DelaySeconds: r.int(0, 4),
              ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length ? { MessageAttributes: m.MessageAttributes } : {}),
            }),
          );
        }
        await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle as string }));
        // One fault: the message duplicated, its copies out of order (counted once, not as two).
        counts.sqs_duplicate++;
      }
    }),
    loop("eventbridge", 400, 1200, async (r) => {
      const seen = deps.seenEvents();
      if (seen.length === 0) return;
      const copies = Array.from({ length: r.int(1, 3) }, () => r.pick(seen));
      await publishEvents(deps.events, copies, { busName: deps.busName });
      counts.eventbridge_duplicate += copies.length;
    }),
    loop("bank", 700, 2000, async (r) => {
      const user = r.pick(deps.bankUsers);
      const kind = r.pick(["bank_429", "bank_5xx", "bank_timeout", "token_expiry"] as const);
      if (kind === "bank_429") {
        const times = r.int(1, 4);
        await deps.bank.setScenario(user, { errors: [{ status: 429, error: "provider_too_many_requests", times, retry_after: 1 }] });
        counts.bank_429 += times;
      } else if (kind === "bank_5xx") {
        const times = r.int(1, 4);
        const [status, error] = r.pick([
          [500, "internal_server_error"],
          [502, "provider_error"],
          [503, "provider_error"],
          [504, "connector_timeout"],
        ] as const);
        await deps.bank.setScenario(user, { errors: [{ status, error, times, probability: 0.7 }] });
        counts.bank_5xx += times;
      } else if (kind === "bank_timeout") {
        const times = r.int(1, 2);
        await deps.bank.setScenario(user, { timeouts: [{ times, hang_ms: r.int(500, 3000) }] });
        counts.bank_timeout += times;
      } else {
        // Tokens issued from now on live seconds: the next sync refreshes, some mid-sync (a 401).
        await deps.bank.setScenario(user, { access_token_ttl_seconds: r.int(1, 8) });
        counts.token_expiry++;
      }
    }),
    loop("network", 1000, 2500, async (r) => {
      if (r.chance(0.5)) {
        deps.proxy.set({ latencyMs: r.int(10, 120), jitterMs: r.int(0, 80) });
        counts.network_latency_window++;
        await wait(r, 800, 2500);
        deps.proxy.set({ latencyMs: 0, jitterMs: 0 });
      } else {
        const before = deps.proxy.stats();
        deps.proxy.set({ dropProbability: r.int(20, 120) / 1000 });
        await wait(r, 1500, 3500);
        deps.proxy.set({ dropProbability: 0 });
        const after = deps.proxy.stats();
        counts.network_drop += after.droppedBeforeForward + after.droppedAfterForward - before.droppedBeforeForward - before.droppedAfterForward;
      }
    }),
  ];

  return {
    counts: () => ({ ...counts, process_kill: counts.process_kill, crash_before_relay: deps.supervisor.counts().crashPoints }),
    jobsSent: () => jobs,
    categoryEdits: () => edits,
    async stop() {
      stop.abort();
      await Promise.all(loops);
      deps.proxy.set({ latencyMs: 0, jitterMs: 0, dropProbability: 0 });
      for (const user of deps.bankUsers) await deps.bank.setScenario(user, { errors: [], timeouts: [], access_token_ttl_seconds: 3600 });
    },
  };
}
