/**
 * Splitting one merchant's payments by amount, so two subscriptions at one merchant become two
 * streams and a price rise stays in its stream. Amounts are absolute pence, sorted ascending.
 */

/** A loose band tolerates varying bills and price rises: a gap above 30% (at least £1.50) between neighbouring amounts starts a new band. */
export const LOOSE_GAP = { ratio: 0.3, minMinor: 150 } as const;
/** A tight band is one price: a gap above 1% (at least 5p) starts a new band. */
export const TIGHT_GAP = { ratio: 0.01, minMinor: 5 } as const;

/**
 * Groups items into runs whose consecutive amounts differ by no more than the gap.
 *
 * @example bandsOf([{a: 999}, {a: 1099}, {a: 2999}], (x) => x.a, LOOSE_GAP) // [[999, 1099], [2999]]
 */
export function bandsOf<T>(items: readonly T[], amountOf: (item: T) => number, gap: { ratio: number; minMinor: number }): T[][] {
  const sorted = [...items].sort((x, y) => amountOf(x) - amountOf(y));
  const bands: T[][] = [];
  let current: T[] = [];
  let previous = Number.NaN;
  for (const item of sorted) {
    const amount = amountOf(item);
    if (current.length > 0 && amount - previous > Math.max(previous * gap.ratio, gap.minMinor)) {
      bands.push(current);
      current = [];
    }
    current.push(item);
    previous = amount;
  }
  if (current.length > 0) bands.push(current);
  return bands;
}

/** How far an amount may be from the stream's usual one before it counts as a change (1%, at least 5p). */
export function amountTolerance(usualMinor: number): number {
  return Math.max(Math.round(usualMinor * TIGHT_GAP.ratio), TIGHT_GAP.minMinor);
}
