/** Small statistics: order statistics of timings, and Spearman's rank correlation. */

export interface Summary {
  medianMs: number;
  meanMs: number;
  minMs: number;
  p10Ms: number;
  p90Ms: number;
  /** coefficient of variation: standard deviation / mean */
  cv: number;
  runs: number;
}

/** Linear-interpolated quantile (type 7, as numpy's default). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The quantile `q` of unsorted values (a sorted copy; the values stay as they are). */
export const quantileOf = (xs: readonly number[], q: number): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    q,
  );

export function summarize(samplesMs: number[]): Summary {
  const s = [...samplesMs].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return {
    medianMs: quantile(s, 0.5),
    meanMs: mean,
    minMs: s[0],
    p10Ms: quantile(s, 0.1),
    p90Ms: quantile(s, 0.9),
    cv: mean > 0 ? sd / mean : 0,
    runs: n,
  };
}

/**
 * Robust relative spread: (p90 - p10) / median. Unlike the coefficient of variation it is not
 * dominated by a few slow outliers (a shared machine's hiccups), so it decides the noise warnings.
 */
export const relativeSpread = (s: Summary): number => (s.medianMs > 0 ? (s.p90Ms - s.p10Ms) / s.medianMs : 0);

/** Ranks starting at 1, ties sharing their average rank. */
export function ranks(xs: number[]): number[] {
  const idx = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k][1]] = avg;
    i = j + 1;
  }
  return r;
}

export function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Spearman's rank correlation (Pearson on tie-averaged ranks); NaN when either side is constant or n < 2. */
export function spearman(x: number[], y: number[]): number {
  if (x.length !== y.length) throw new Error('spearman: lengths differ');
  if (x.length < 2) return NaN;
  return pearson(ranks(x), ranks(y));
}
