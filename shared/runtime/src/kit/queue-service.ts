import { runMain } from "@expenzez/config";
import { type QueueServiceDefinition, serviceDefinition as serviceDefinitionOf } from "@expenzez/resources";
import type { z } from "zod";
import { WorkerOptionsError } from "../errors";
import { type LambdaContext, type SqsBatchResponse, type SqsEvent, toSqsLambdaHandler } from "../lambda-adapter";
import type { HandlerContext, QueueMessage } from "../message";
import { startWorker, type Worker } from "../sqs-worker";
import { queueReadiness, startHealthServerFromEnv } from "./health";
import { createServiceKit, type Env, type KitOptions, type ServiceKit } from "./service-kit";

/** What a queue-consuming service declares; the kit turns it into both runtimes. */
export interface QueueServiceDeclaration<S extends z.ZodRawShape, D> {
  /** A `kind: "queue"` entry of SERVICES (@expenzez/resources): gives the queue, the DLQ, the Lambda settings. */
  name: string;
  /** The service's own variables, on top of the base config. */
  env?: z.ZodObject<S>;
  /** Builds the use case's dependencies once per process from the kit. */
  deps: (kit: ServiceKit<z.infer<z.ZodObject<S>>>) => D | Promise<D>;
  /** Parses the message and calls the use case; throws to retry, throws a permanent error to dead-letter. */
  handle: (message: QueueMessage, deps: D, context: HandlerContext) => Promise<void>;
  /** Messages one long-polling process handles at once (default 10). */
  concurrency?: (config: ServiceKit<z.infer<z.ZodObject<S>>>["config"]) => number;
  /**
   * Sends what the deps hold back across messages (e.g. gathered outbox deletes) once the
   * long-polling worker has stopped and settled its messages, so a stopping process exits at once.
   */
  drain?: (deps: D) => Promise<void>;
}

export interface QueueServiceRuntime<D> {
  kit: ServiceKit;
  deps: D;
  queueUrl: string;
  dlqUrl: string;
}

export interface QueueService<D> {
  readonly name: string;
  readonly definition: QueueServiceDefinition;
  readonly handle: (message: QueueMessage, deps: D, context: HandlerContext) => Promise<void>;
  /** Kit, deps and queue URLs, from the environment: what both runtimes (and tests) start from. */
  createRuntime(env?: Env, options?: KitOptions): Promise<QueueServiceRuntime<D>>;
  /** The long-polling runtime (laptop, CI, ECS). Options override the defaults, e.g. in tests. */
  startWorker(
    env?: Env,
    options?: { concurrency?: number; waitTimeSeconds?: number; handlerTimeoutSeconds?: number } & KitOptions,
  ): Promise<Worker & { runtime: QueueServiceRuntime<D> }>;
  /** The Lambda runtime: an SQS event source handler with partial batch responses, watching the invocation's deadline. */
  lambdaHandler(env?: Env): Promise<(event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>>;
}

/**
 * Declares a service that consumes one queue. Import has no side effects; the entry files are
 * one line each:
 *
 * @example
 * // src/service.ts
 * export const budgetRecalc = defineQueueService({ name: "budget-recalc", deps: (kit) => kit, handle: (m, deps) => recalc(parse(m.body), deps) });
 * // src/worker.ts
 * await runQueueWorker(budgetRecalc);
 * // src/lambda.ts
 * export const handler = await budgetRecalc.lambdaHandler();
 */
export function defineQueueService<S extends z.ZodRawShape, D>(declaration: QueueServiceDeclaration<S, D>): QueueService<D> {
  const definition = queueDefinition(declaration.name);
  async function createRuntime(env: Env = process.env, options: KitOptions = {}): Promise<QueueServiceRuntime<D>> {
    const kit = await createServiceKit(declaration.name, declaration.env, env, options);
    const deps = await declaration.deps(kit);
    const { queueUrl, dlqUrl } = await kit.queueUrls(definition.queue);
    return { kit: kit as ServiceKit, deps, queueUrl, dlqUrl };
  }
  return {
    name: declaration.name,
    definition,
    handle: declaration.handle,
    createRuntime,
    async startWorker(env = process.env, options = {}) {
      const runtime = await createRuntime(env, options.logDestination ? { logDestination: options.logDestination } : {});
      const { kit, deps } = runtime;
      const queue = kit.def.queues[definition.queue];
      const worker = startWorker({
        sqs: kit.aws.sqs,
        queueUrl: runtime.queueUrl,
        dlqUrl: runtime.dlqUrl,
        ...workerVisibility(queue.visibilityTimeoutSeconds),
        maxReceiveCount: queue.maxReceiveCount,
        concurrency: options.concurrency ?? declaration.concurrency?.(kit.config as never) ?? 10,
        ...(options.waitTimeSeconds !== undefined ? { waitTimeSeconds: options.waitTimeSeconds } : {}),
        ...(options.handlerTimeoutSeconds !== undefined ? { handlerTimeoutSeconds: options.handlerTimeoutSeconds } : {}),
        log: kit.log,
        handler: (message, context) => declaration.handle(message, deps, context),
      });
      const done = worker.done.then(() => declaration.drain?.(deps));
      return {
        done,
        stats: worker.stats,
        async stop() {
          await worker.stop();
          await done;
        },
        runtime,
      };
    },
    async lambdaHandler(env = process.env) {
      const runtime = await createRuntime(env);
      const handleBatch = toSqsLambdaHandler((message, context) => declaration.handle(message, runtime.deps, context), {
        sqs: runtime.kit.aws.sqs,
        queueUrl: runtime.queueUrl,
        dlqUrl: runtime.dlqUrl,
        maxReceiveCount: runtime.kit.def.queues[definition.queue].maxReceiveCount,
        log: runtime.kit.log,
      });
      const { drain } = declaration;
      if (!drain) return handleBatch;
      // Lambda may freeze the container as soon as an invocation returns, timers and all: what
      // the deps hold back goes out before it does, not at a next invocation that may never come.
      return async (event: SqsEvent, context?: LambdaContext) => {
        try {
          return await handleBatch(event, context);
        } finally {
          await drain(runtime.deps);
        }
      };
    },
  };
}

/** Runs a queue service's long-polling worker until SIGINT/SIGTERM: the whole of a `worker.ts`. */
export async function runQueueWorker<D>(service: QueueService<D>): Promise<void> {
  await runMain(async () => {
    const worker = await service.startWorker();
    const { kit, queueUrl } = worker.runtime;
    kit.log.info({ queueUrl }, `${service.name} polling`);
    // Liveness, and readiness that fails while its queue cannot be reached (HEALTH_PORT; off by default)
    // or once it is stopping (its in-flight messages finish or are handed back; it should be sent no more work).
    let stopping = false;
    const queueReady = queueReadiness(kit.aws.sqs, queueUrl);
    const health = await startHealthServerFromEnv(
      process.env,
      async (signal) => {
        if (stopping) throw new Error("stopping: settling in-flight messages");
        await queueReady(signal);
      },
      kit.log,
    );
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        stopping = true;
        void worker.stop();
      });
    try {
      await worker.done;
    } finally {
      await health?.close();
    }
  });
}

function queueDefinition(name: string): QueueServiceDefinition {
  const definition = serviceDefinitionOf(name);
  if (definition.kind !== "queue") throw new WorkerOptionsError(`${name} is declared as a ${definition.kind} service, not a queue consumer`);
  return definition;
}

/** How long a long-polling worker hides a message it took before its heartbeat must extend it. */
export const WORKER_VISIBILITY_SECONDS = 30;

/**
 * The visibility a long-polling worker receives with, and how long its handler may run.
 * The queue's own timeout (300 s for sync jobs) is sized for a Lambda's whole run; a worker
 * that is killed would hide the messages it held for that long. The worker has a heartbeat,
 * so it takes messages for a short term and extends it while the handler runs: a killed
 * worker's messages return within 30 s. The handler's limit stays four queue timeouts.
 *
 * @example workerVisibility(300) // { visibilityTimeoutSeconds: 30, handlerTimeoutSeconds: 1200 }
 */
export function workerVisibility(queueVisibilitySeconds: number): { visibilityTimeoutSeconds: number; handlerTimeoutSeconds: number } {
  return { visibilityTimeoutSeconds: Math.min(queueVisibilitySeconds, WORKER_VISIBILITY_SECONDS), handlerTimeoutSeconds: queueVisibilitySeconds * 4 };
}
