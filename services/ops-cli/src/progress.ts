import cliProgress from "cli-progress";
import type { BackfillProgress } from "./backfill";

/**
 * A bar on stderr (stdout stays for the result), as the demo draws its own; on a terminal only,
 * so pipes and CI logs get the summary alone.
 */
export function terminalProgress(total: number, label: string): { update(p: BackfillProgress): void; stop(): void } {
  const bar = new cliProgress.SingleBar(
    { format: ` ${label} [{bar}] {value}/{total}  {info}`, barsize: 30, hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  return {
    update(p) {
      bar.update(p.queued + p.deferred + p.skipped, { info: `queued ${p.queued}, deferred ${p.deferred}, skipped ${p.skipped}` });
    },
    stop: () => bar.stop(),
  };
}
