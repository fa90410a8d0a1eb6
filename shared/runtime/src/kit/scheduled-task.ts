import { runMain } from "@expenzez/config";
import { keys } from "@expenzez/db";
import { createLogger, type Logger } from "@expenzez/logger";
import { functionTimeoutSeconds, type ScheduledTaskDefinition, type StackDefinition, serviceDefinition } from "@expenzez/resources";
import type { z } from "zod";
import { WorkerOptionsError } from "../errors";
import { type ReadinessCheck, startHealthServerFromEnv, tableReadiness } from "./health";
import { createServiceKit, type Env, type ServiceKit } from "./service-kit";
import { acquireTaskLock } from "./task-lock";

export interface TaskContext {
  log: Logger;
  /** Aborted when the process stops; a long pass should stop at a safe point and finish next time. */
  signal: AbortSignal;
  /** When this run was due (the tick's time), so a pass is reproducible in tests. */
  now: Date;
}

export interface ScheduledTaskDeclaration<S extends z.ZodRawShape, D, R> {
  /** A `kind: "schedule"` entry of SERVICES (@expenzez/resources): gives its interval and Lambda settings. */
  name: string;
  env?: z.ZodObject<S>;
  deps: (kit: ServiceKit<z.infer<z.ZodObject<S>>>) => D | Promise<D>;
  /** One pass. Must be safe to run again (the next tick, a duplicate invocation). */
  run: (deps: D, context: TaskContext) => Promise<R>;
}

export type TaskOutcome<R> = { ran: true; result: R } | { ran: false; reason: "locked" };

export interface ScheduledTask<D, R = unknown> {
  readonly name: string;
  readonly definition: ScheduledTaskDefinition;
  readonly run: (deps: D, context: TaskContext) => Promise<R>;
  createRuntime(env?: Env): Promise<{ kit: ServiceKit; deps: D }>;
  /** One locked pass with the given runtime: what a tick and a Lambda invocation both do. */
  runOnce(runtime: { kit: ServiceKit; deps: D }, options?: { now?: Date; signal?: AbortSignal }): Promise<TaskOutcome<R>>;
  /** The Lambda runtime, invoked by an EventBridge Scheduler schedule. */
  lambdaHandler(env?: Env): Promise<() => Promise<TaskOutcome<R>>>;
}

/**
 * Declares time-driven work with an owner: the outbox sweep, the scheduler's tick, budget
 * roll-over, missed recurring payments, deferred notifications. Each pass holds a lock item,
 * so two task hosts (or a duplicated scheduled invocation) never run it at once.
 */
export function defineScheduledTask<S extends z.ZodRawShape, D, R>(declaration: ScheduledTaskDeclaration<S, D, R>): ScheduledTask<D, R> {
  const definition = serviceDefinition(declaration.name);
  if (definition.kind !== "schedule") throw new WorkerOptionsError(`${declaration.name} is declared as a ${definition.kind} service, not a scheduled task`);
  const task: ScheduledTask<D, R> = {
    name: declaration.name,
    definition,
    run: declaration.run,
    async createRuntime(env = process.env) {
      const kit = await createServiceKit(declaration.name, declaration.env, env);
      return { kit: kit as ServiceKit, deps: await declaration.deps(kit) };
    },
    async runOnce({ kit, deps }, options = {}) {
      const now = options.now ?? new Date();
      const lock = await acquireTaskLock(kit.db, declaration.name, kit.processId, taskLockSeconds(definition, kit.def), now);
      if (!lock) return { ran: false, reason: "locked" };
      const log = kit.log.child({ task: declaration.name });
      try {
        const started = Date.now();
        const result = await declaration.run(deps, { log, signal: options.signal ?? new AbortController().signal, now });
        log.debug({ ms: Date.now() - started }, "task pass done");
        return { ran: true, result };
      } finally {
        await lock.release();
      }
    },
    async lambdaHandler(env = process.env) {
      const runtime = await task.createRuntime(env);
      return () => task.runOnce(runtime);
    },
  };
  return task;
}

/**
 * How long a pass holds its task's lock: two intervals, but never more than twice the longest
 * the deployed function may run. A pass that died (a Lambda stopped at its timeout never reaches
 * the release) then frees the task by the next tick, not, for a daily task, two days later.
 *
 * @example taskLockSeconds(serviceDefinition("recurring-missed"), def) // 120: a daily task whose function runs 60 s at most
 */
export function taskLockSeconds(definition: ScheduledTaskDefinition, def: StackDefinition): number {
  return Math.max(60, Math.min(definition.everyMinutes * 120, 2 * functionTimeoutSeconds(definition, def)));
}

// biome-ignore lint/suspicious/noExplicitAny: a host runs tasks of any deps and result types.
type AnyTask = ScheduledTask<any, any>;

export interface TaskHost {
  /** Passes run so far, by task name, for progress output and tests. */
  readonly runs: Record<string, number>;
  /** Readiness: every task's table answers a read of its lock item (what each pass needs first). */
  ready: ReadinessCheck;
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/**
 * The local runtime of scheduled tasks: one process runs each task every `everyMinutes`
 * (or `everyMs`, for tests and the demo), one pass at a time per task. On AWS an EventBridge
 * Scheduler schedule invokes each task's Lambda instead.
 */
export async function startTaskHost(tasks: AnyTask[], options: { env?: Env; everyMs?: Record<string, number>; runAtStart?: boolean } = {}): Promise<TaskHost> {
  const stop = new AbortController();
  const runs: Record<string, number> = {};
  const checks: ReadinessCheck[] = [];
  const loops = await Promise.all(
    tasks.map(async (task) => {
      const runtime = await task.createRuntime(options.env);
      checks.push(tableReadiness(runtime.kit.db, keys.taskLock(task.name)));
      const every = options.everyMs?.[task.name] ?? task.definition.everyMinutes * 60_000;
      runs[task.name] = 0;
      // Wrapped in an object: an async callback that returned the loop itself would make this
      // Promise.all wait for every loop to end, so the host would never be handed back.
      const loop = (async () => {
        let first = options.runAtStart !== false;
        while (!stop.signal.aborted) {
          if (!first) await sleepUnlessAborted(every, stop.signal);
          first = false;
          if (stop.signal.aborted) break;
          try {
            const outcome = await task.runOnce(runtime, { signal: stop.signal });
            if (outcome.ran) runs[task.name] = (runs[task.name] ?? 0) + 1;
          } catch (err) {
            // The next tick tries again: a scheduled pass must be safe to repeat.
            runtime.kit.log.error({ err, task: task.name }, "scheduled task pass failed");
          }
        }
      })();
      return { loop };
    }),
  );
  const done = Promise.all(loops.map((l) => l.loop)).then(() => undefined);
  return {
    runs,
    done,
    async ready(signal) {
      await Promise.all(checks.map((check) => check(signal)));
    },
    async stop() {
      stop.abort();
      await done;
    },
  };
}

/** Runs scheduled tasks locally until SIGINT/SIGTERM: the whole of a task host's entry file. */
export async function runTaskHost(tasks: AnyTask[]): Promise<void> {
  await runMain(async () => {
    const host = await startTaskHost(tasks);
    const health = await startHealthServerFromEnv(process.env, host.ready, createLogger("task-host", {}));
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void host.stop());
    try {
      await host.done;
    } finally {
      await health?.close();
    }
  });
}

/** Resolves after `ms`, or as soon as `signal` aborts (a stopping host does not wait out the interval). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
