import type { DetectedStream } from "./types";

/** What the detector needs of a stream it reported before. */
export interface KnownStream {
  streamId: string;
  merchantKey: string;
  direction: DetectedStream["direction"];
  transactionIds: readonly string[];
}

/**
 * Keeps a stream's id across re-detections: a detected stream takes the id of the known stream
 * of the same merchant and direction it shares most member transactions with (each known id is
 * used once). A stream's first member leaves the look-back window in time; its id must not
 * change with it, or every event about it would look new.
 */
export function reconcileStreamIds(known: readonly KnownStream[], detected: readonly DetectedStream[]): DetectedStream[] {
  const pairs: { known: KnownStream; index: number; overlap: number }[] = [];
  detected.forEach((stream, index) => {
    const members = new Set(stream.transactionIds);
    for (const k of known) {
      if (k.merchantKey !== stream.merchantKey || k.direction !== stream.direction) continue;
      const overlap = k.transactionIds.reduce((n, id) => n + (members.has(id) ? 1 : 0), 0);
      if (overlap > 0) pairs.push({ known: k, index, overlap });
    }
  });
  pairs.sort((a, b) => b.overlap - a.overlap || a.known.streamId.localeCompare(b.known.streamId));
  const usedKnown = new Set<string>();
  const ids = new Map<number, string>();
  for (const p of pairs) {
    if (usedKnown.has(p.known.streamId) || ids.has(p.index)) continue;
    usedKnown.add(p.known.streamId);
    ids.set(p.index, p.known.streamId);
  }
  return detected.map((s, i) => ({ ...s, streamId: ids.get(i) ?? s.streamId }));
}
