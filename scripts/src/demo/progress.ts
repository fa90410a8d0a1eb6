import cliProgress from "cli-progress";

/** Progress of the drain: bars on a terminal, a plain line every few seconds otherwise (CI logs). */
export function createProgress(total: number, tty = Boolean(process.stdout.isTTY)) {
  if (tty) {
    const bars = new cliProgress.MultiBar(
      { format: " {label} [{bar}] {value}/{total}  {info}", barsize: 30, hideCursor: true, clearOnComplete: false, forceRedraw: true },
      cliProgress.Presets.shades_classic,
    );
    const synced = bars.create(total, 0, { label: "connections synced ", info: "" });
    const events = bars.create(1, 0, { label: "events consumed    ", info: "" });
    return {
      update(s: { synced: number; events: number; eventsTotal: number; queues: string }) {
        synced.update(s.synced, { info: s.queues });
        events.setTotal(Math.max(1, s.eventsTotal));
        events.update(s.events, { info: "" });
      },
      stop: () => bars.stop(),
    };
  }
  let last = "";
  let lastAt = 0;
  return {
    update(s: { synced: number; events: number; eventsTotal: number; queues: string }) {
      const line = `    synced ${s.synced}/${total}, events ${s.events}/${s.eventsTotal}, queues ${s.queues}`;
      if (line !== last && Date.now() - lastAt > 2000) {
        console.log(line);
        last = line;
        lastAt = Date.now();
      }
    },
    stop: () => undefined,
  };
}
