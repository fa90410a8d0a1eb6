import type { Categorisation } from "@expenzez/categoriser";

export interface Labelled {
  primary: string;
  secondary: string;
}

export interface Report {
  total: number;
  primaryCorrect: number;
  secondaryCorrect: number;
  perCategory: { category: string; support: number; predicted: number; correct: number }[];
  reliability: { from: number; to: number; n: number; meanConfidence: number; correct: number }[];
  perReason: { reason: string; n: number; correct: number; meanConfidence: number }[];
  /** Expected calibration error: the reliability buckets' |accuracy − mean confidence|, weighted by size. */
  ece: number;
  errors: { description: string; expected: string; got: string; reason: string; confidence: number }[];
}

const EDGES = [0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0001];

/** Accuracy, per-category precision/recall, the reliability table and the misses. */
export function score(results: Categorisation[], labels: Labelled[], descriptions: string[]): Report {
  const perCategory = new Map<string, { support: number; predicted: number; correct: number }>();
  const row = (c: string) => perCategory.get(c) ?? perCategory.set(c, { support: 0, predicted: 0, correct: 0 }).get(c)!;
  const reliability = EDGES.slice(0, -1).map((from, i) => ({ from, to: Math.min(1, EDGES[i + 1]!), n: 0, sum: 0, correct: 0 }));
  const perReason = new Map<string, { n: number; correct: number; sum: number }>();
  const errors: Report["errors"] = [];
  let primaryCorrect = 0;
  let secondaryCorrect = 0;
  results.forEach((r, i) => {
    const truth = labels[i]!;
    const ok = r.category.primary === truth.primary;
    if (ok) primaryCorrect++;
    if (r.category.secondary === truth.secondary) secondaryCorrect++;
    row(truth.primary).support++;
    row(r.category.primary).predicted++;
    if (ok) row(truth.primary).correct++;
    const bucket = reliability.find((b) => r.category.confidence >= b.from && r.category.confidence < EDGES[reliability.indexOf(b) + 1]!)!;
    bucket.n++;
    bucket.sum += r.category.confidence;
    if (ok) bucket.correct++;
    const reason = perReason.get(r.category.reason) ?? perReason.set(r.category.reason, { n: 0, correct: 0, sum: 0 }).get(r.category.reason)!;
    reason.n++;
    reason.sum += r.category.confidence;
    if (ok) reason.correct++;
    else
      errors.push({
        description: descriptions[i]!,
        expected: truth.secondary,
        got: r.category.secondary,
        reason: r.category.reason,
        confidence: r.category.confidence,
      });
  });
  return {
    total: results.length,
    primaryCorrect,
    secondaryCorrect,
    perCategory: [...perCategory].map(([category, v]) => ({ category, ...v })).sort((a, b) => a.category.localeCompare(b.category)),
    reliability: reliability.map(({ from, to, n, sum, correct }) => ({ from, to, n, meanConfidence: n ? sum / n : 0, correct })),
    perReason: [...perReason].map(([reason, v]) => ({ reason, n: v.n, correct: v.correct, meanConfidence: v.sum / v.n })).sort((a, b) => b.n - a.n),
    ece: reliability.reduce((e, b) => e + (b.n === 0 ? 0 : (b.n / results.length) * Math.abs(b.correct / b.n - b.sum / b.n)), 0),
    errors,
  };
}

export const pct = (num: number, den: number) => (den === 0 ? "   -  " : `${((100 * num) / den).toFixed(1).padStart(5)}%`);
