/**
 * Waits until `condition` holds, polling every `intervalMs`, and fails with `message` at the
 * deadline: a test never waits without one.
 *
 * @example await until(() => worker.stats.done === 3, { timeoutMs: 10_000, message: "three messages handled" });
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms waiting for: ${options.message ?? "condition"}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
