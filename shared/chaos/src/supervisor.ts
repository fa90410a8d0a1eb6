import { type RunningService, startServiceProcess, stopServices } from "@expenzez/scripts/demo/processes";
import type { DemoContext, DemoService } from "@expenzez/scripts/demo-services";

interface Slot {
  service: DemoService;
  instance: number;
  current: RunningService;
  restarts: number;
}

export interface SupervisorCounts {
  /** Processes this suite SIGKILLed. */
  killed: number;
  /** Processes that died at a crash point (SIGKILL they sent themselves). */
  crashPoints: number;
  /** Exits nobody asked for, by `<name>: <code or signal>`: a service that crashed on its own. */
  unexpectedExits: string[];
  restarts: number;
}

export interface Supervisor {
  /** Names of the processes a kill may pick (e.g. `sync-worker#2`). */
  names(): string[];
  /** SIGKILLs one process now; it is restarted shortly. */
  kill(name: string): boolean;
  /** Asks one process to stop (SIGTERM: its in-flight work finishes or, a sync, is handed back at a safe point); it is restarted with the env of now. */
  recycle(name: string): boolean;
  allRunning(): boolean;
  counts(): SupervisorCounts;
  logs(): string[];
  /** Stops restarting and ends every process (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/**
 * Runs the registry's services as separate processes (the demo's machinery) and restarts any
 * that exits while the run lasts: after the suite's own SIGKILL, after a crash point, and after
 * an exit nobody asked for, which is counted as a defect.
 */
export function superviseServices(
  root: string,
  services: DemoService[],
  ctx: DemoContext,
  logDir: string,
  envOf: (service: DemoService) => Record<string, string>,
  restartDelayMs = 300,
): Supervisor {
  const counts: SupervisorCounts = { killed: 0, crashPoints: 0, unexpectedExits: [], restarts: 0 };
  const killedByUs = new Set<number>();
  let stopping = false;
  const slots: Slot[] = [];

  const watch = (slot: Slot) => {
    slot.current.child.once("exit", (code, signal) => {
      if (stopping) return;
      const pid = slot.current.pid;
      if (killedByUs.delete(pid)) {
        // Counted when sent.
      } else if (signal === "SIGKILL") counts.crashPoints++;
      else counts.unexpectedExits.push(`${slot.current.name}: ${signal ?? code}`);
      setTimeout(() => {
        if (stopping) return;
        slot.current = startServiceProcess(root, slot.service, slot.instance, ctx, logDir, { append: true, env: envOf(slot.service) });
        slot.restarts++;
        counts.restarts++;
        watch(slot);
      }, restartDelayMs);
    });
  };

  for (const service of services) {
    for (let i = 1; i <= (service.instances ?? 1); i++) {
      const slot: Slot = { service, instance: i, current: startServiceProcess(root, service, i, ctx, logDir, { env: envOf(service) }), restarts: 0 };
      slots.push(slot);
      watch(slot);
    }
  }

  return {
    names: () => slots.map((s) => s.current.name),
    kill(name) {
      const slot = slots.find((s) => s.current.name === name);
      if (!slot || slot.current.child.exitCode !== null || slot.current.child.signalCode !== null) return false;
      killedByUs.add(slot.current.pid);
      counts.killed++;
      return slot.current.child.kill("SIGKILL");
    },
    recycle(name) {
      const slot = slots.find((s) => s.current.name === name);
      if (!slot || slot.current.child.exitCode !== null || slot.current.child.signalCode !== null) return false;
      killedByUs.add(slot.current.pid);
      return slot.current.child.kill("SIGTERM");
    },
    allRunning: () => slots.every((s) => s.current.child.exitCode === null && s.current.child.signalCode === null),
    counts: () => ({ ...counts, unexpectedExits: [...counts.unexpectedExits] }),
    logs: () => [...new Set(slots.map((s) => s.current.log))],
    async stop() {
      stopping = true;
      await stopServices(slots.map((s) => s.current));
    },
  };
}
