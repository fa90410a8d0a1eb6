import type { FaultReport } from "./suite";

/** The report as lines for a terminal: seed first, so any failure can be replayed. */
export function formatReport(r: FaultReport): string[] {
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ") || "none";
  const lines = [
    `seed ${r.seed}   (replay: ${r.replay} pnpm faults)`,
    `time: ${r.seconds.faults} s set-up + faults, ${r.seconds.drain} s drain, ${r.seconds.total} s in all; ${r.users} users`,
    `faults injected: ${r.faults.total}${r.faults.target ? ` (target ${r.faults.target})` : ""} — ${kv(r.faults.byKind)}`,
    `bank failures served: ${kv(r.bankErrorsServed)}`,
    `network: ${r.network.connections} connections, ${r.network.droppedBeforeForward} cut before and ${r.network.droppedAfterForward} after the request reached the emulator, ${r.network.delayedChunks} chunks delayed`,
    `processes restarted: ${r.processes.restarts}; exits nobody asked for: ${r.processes.unexpectedExits.length ? r.processes.unexpectedExits.join(", ") : "none"}`,
    `jobs: ${r.jobs.sent} sent, ${r.jobs.announcedChanges} announced changes; ${r.jobs.categoryEdits} category edits by users`,
    `duplicates injected: ${r.duplicates.injected}; absorbed (seen-before lines): ${kv(r.duplicates.absorbedByService)}`,
    `dead-lettered: ${r.deadLettered.total}${r.deadLettered.total ? ` — ${kv(r.deadLettered.byReason)}` : ""}`,
    `drained: ${r.drained ? "yes" : `NO — left: ${kv(r.leftAtEnd.workQueues)}; outbox ${r.leftAtEnd.outbox}; final syncs not done ${r.leftAtEnd.finalJobsNotDone}`}`,
    `items lost: ${r.lost}`,
    `invariants: ${r.invariants.ok ? "all hold" : `${r.invariants.violations.length} violated`} (checked: ${kv(r.invariants.checked)})`,
  ];
  for (const v of r.invariants.violations.slice(0, 30)) lines.push(`  VIOLATED ${v.invariant}${v.userId ? ` (${v.userId})` : ""}: ${v.message}`);
  if (Object.keys(r.driverErrors).length) lines.push(`driver errors (faults it could not inject): ${kv(r.driverErrors)}`);
  return lines;
}

/** Whether the run passed: nothing lost, every invariant held, the pipeline drained, no process crashed on its own. */
export function passed(r: FaultReport): boolean {
  return r.lost === 0 && r.invariants.ok && r.drained && r.processes.unexpectedExits.length === 0;
}
