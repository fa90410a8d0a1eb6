/** One cached plaintext data key; `uses` counts encryptions made with it. */
export interface CachedKey<T> {
  value: T;
  plaintextKey: Buffer;
  expiresAt: number;
  uses: number;
}

/**
 * A small LRU of plaintext data keys bounded by age, uses and entries. Evicted keys are
 * zeroed so they do not linger in memory longer than the policy says.
 */
export class DataKeyCache<T> {
  private readonly entries = new Map<string, CachedKey<T>>();

  constructor(
    private readonly limits: { ttlMs: number; maxUses: number; maxEntries: number },
    private readonly now: () => number,
  ) {}

  /** The entry if still fresh and under its use limit; counts one use when `consume` is set. */
  take(key: string, consume: boolean): CachedKey<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now() || entry.uses >= this.limits.maxUses) {
      this.delete(key);
      return undefined;
    }
    // Re-insert so Map order is least-recently-used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (consume) entry.uses += 1;
    return entry;
  }

  put(key: string, value: T, plaintextKey: Buffer, initialUses: number): void {
    this.delete(key);
    this.entries.set(key, { value, plaintextKey, expiresAt: this.now() + this.limits.ttlMs, uses: initialUses });
    while (this.entries.size > this.limits.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.delete(key);
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.plaintextKey.fill(0);
    this.entries.delete(key);
  }
}
