// CPU time of the worker process split by thread, from /proc (Linux): process.cpuUsage() sums
// every thread, and a Node process has more than the one running our JavaScript: V8's platform
// workers (parallel and concurrent GC, background compilation), libuv's pool, tsx's module
// loader thread, the profiler's sampler while one runs. Node 20 names none of them, so they are
// told apart from the main thread only. Absent off Linux.
import { readdirSync, readFileSync } from "node:fs";

export type ThreadGroup = "main" | "other";

/** Clock ticks per second of /proc's utime/stime (USER_HZ; 100 on every Linux this runs on). */
const TICK_MICROS = 10_000;

/** User + system CPU µs per thread group since the process started; undefined where /proc is not. */
export function threadCpuMicros(): Record<ThreadGroup, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return undefined;
  }
  const out: Record<ThreadGroup, number> = { main: 0, other: 0 };
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // "tid (comm) state ppid ...": comm may hold spaces; fields after ")" start at state (3).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
      out[tid === String(process.pid) ? "main" : "other"] += ticks * TICK_MICROS;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** The process's user + system CPU µs, every thread. */
export function processCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** The calling thread's CPU µs (ns resolution; /proc's utime ticks are 10 ms); undefined off Linux. */
export function callingThreadCpuMicros(): number | undefined {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1000;
  } catch {
    return undefined;
  }
}
