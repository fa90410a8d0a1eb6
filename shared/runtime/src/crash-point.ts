import { writeSync } from "node:fs";

/**
 * Crash points for the fault-injection suite (shared/chaos, docs/faults.md): a named place where
 * a process may die at once, as a SIGKILL would kill it, to prove that what was committed before
 * it is still announced (the outbox sweep) and that a redelivered message is absorbed.
 *
 * Off unless `EXPENZEZ_CRASH_POINTS` names the point, e.g. `before-relay:0.05` (die on 5 % of
 * passes). Only the fault suite sets it; a deployed function never does, and the variable is
 * read once, so an unset one costs one `Map` lookup per pass.
 */
export type CrashPointName = "before-relay";

const configured = parseCrashPoints(process.env.EXPENZEZ_CRASH_POINTS);

/** `"before-relay:0.05,other:1"` → probability per point; malformed entries are ignored. */
export function parseCrashPoints(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (text ?? "").split(",")) {
    const [name, p] = part.trim().split(":");
    const probability = Number(p);
    if (name && Number.isFinite(probability) && probability > 0) out.set(name, Math.min(1, probability));
  }
  return out;
}

/**
 * Dies here (SIGKILL to itself: no `finally`, no flush, like a power cut) when the point is
 * switched on and the roll says so. Writes one line to stderr first so the suite can count it.
 */
export function crashPoint(name: CrashPointName, random: () => number = Math.random): void {
  const probability = configured.get(name);
  if (probability === undefined || random() >= probability) return;
  writeSync(2, `${JSON.stringify({ crashPoint: name, pid: process.pid })}\n`);
  process.kill(process.pid, "SIGKILL");
}
