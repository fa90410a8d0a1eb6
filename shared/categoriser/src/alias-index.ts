/** Where an alias was found: the entry, the first token of the alias and its length in tokens. */
export interface AliasMatch<E> {
  entry: E;
  start: number;
  length: number;
}

interface Alias<E> {
  tokens: string[];
  entry: E;
  /** `=CHIP`: an everyday word, the name only when it is the whole merchant part (not `CHIP SHOP`). */
  whole: boolean;
  /**
   * `~YOUNGS`: a name that is also a surname or first name; it matches unless the index's guard
   * refuses the rest of the merchant part (`YOUNGS NEWSAGENTS` is somebody's newsagent).
   */
  soft: boolean;
}

/** Decides whether a soft alias found at `start` may stand, given the whole merchant part. */
export type SoftGuard<E> = (tokens: readonly string[], start: number, length: number, entry: E) => boolean;

/**
 * Token-sequence aliases → entries, keyed by first token with the longest first, so a lookup is
 * one Map probe per position. Shared by the hand dictionary and the brand table.
 */
export class AliasIndex<E> {
  /**
   * First token → its aliases: one-token aliases, and longer ones keyed by their second token
   * (`THE` starts a hundred brand aliases: a lookup then tries only those whose second token fits).
   */
  private readonly byFirstToken = new Map<string, { one: Alias<E>[]; bySecond: Map<string, Alias<E>[]> }>();

  constructor(private readonly guard: SoftGuard<E> = () => false) {}

  /** Adds `TESCO PFS`, `=NEXT` (whole-name only) or `~YOUNGS` (guarded) for an entry. */
  add(alias: string, entry: E): void {
    const whole = alias.startsWith("=");
    const soft = alias.startsWith("~");
    const tokens = (whole || soft ? alias.slice(1) : alias).trim().split(" ");
    if (tokens[0] === "") return;
    const slot = this.byFirstToken.get(tokens[0]!) ?? { one: [], bySecond: new Map<string, Alias<E>[]>() };
    const item = { tokens, entry, whole, soft };
    if (tokens.length === 1) slot.one.push(item);
    else {
      const list = slot.bySecond.get(tokens[1]!) ?? [];
      list.push(item);
      // Longest first: the first that fits is a position's best.
      list.sort((a, b) => b.tokens.length - a.tokens.length);
      slot.bySecond.set(tokens[1]!, list);
    }
    this.byFirstToken.set(tokens[0]!, slot);
  }

  /** Whether some alias starts with this token. */
  startsWith(token: string): boolean {
    return this.byFirstToken.has(token);
  }

  /**
   * The longest alias starting in the first `maxStart` tokens, the earliest on a tie. A whole-name
   * alias matches only when it is all of the tokens.
   */
  find(tokens: readonly string[], maxStart: number): AliasMatch<E> | undefined {
    const last = Math.min(tokens.length, maxStart);
    let best: Alias<E> | undefined;
    let bestStart = 0;
    for (let i = 0; i < last; i++) {
      const slot = this.byFirstToken.get(tokens[i]!);
      if (!slot) continue;
      const longer = i + 1 < tokens.length ? slot.bySecond.get(tokens[i + 1]!) : undefined;
      const hit = (longer && this.firstFit(tokens, i, longer)) ?? this.firstFit(tokens, i, slot.one);
      if (hit && (!best || hit.tokens.length > best.tokens.length)) {
        best = hit;
        bestStart = i;
      }
    }
    return best ? { entry: best.entry, start: bestStart, length: best.tokens.length } : undefined;
  }

  /** The first alias of the list (longest first) that matches at `i` and whose guards let it stand. */
  private firstFit(tokens: readonly string[], i: number, candidates: readonly Alias<E>[]): Alias<E> | undefined {
    for (const alias of candidates) {
      if (!matchesAt(tokens, i, alias.tokens)) continue;
      const isWhole = i === 0 && tokens.length === alias.tokens.length;
      if ((alias.whole && !isWhole) || (alias.soft && !isWhole && !this.guard(tokens, i, alias.tokens.length, alias.entry))) continue;
      return alias;
    }
    return undefined;
  }
}

function matchesAt(tokens: readonly string[], start: number, alias: readonly string[]): boolean {
  if (start + alias.length > tokens.length) return false;
  for (let j = 1; j < alias.length; j++) if (tokens[start + j] !== alias[j]) return false;
  return true;
}
