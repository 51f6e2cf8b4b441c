import { describe, expect, it } from 'vitest';
import { quantile, ranks, relativeSpread, spearman, summarize } from '../../src/measure/stats.ts';

describe('statistics', () => {
  it('quantiles interpolate like numpy (type 7)', () => {
    const s = [1, 2, 3, 4, 10];
    expect(quantile(s, 0.5)).toBe(3);
    expect(quantile(s, 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile(s, 0.9)).toBeCloseTo(7.6, 12);
  });
  it('summarizes timings with median, mean, min, p10, p90 and cv', () => {
    const r = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(r.medianMs).toBe(4.5);
    expect(r.meanMs).toBe(5);
    expect(r.minMs).toBe(2);
    // sample standard deviation: sqrt(32/7)
    expect(r.cv).toBeCloseTo(Math.sqrt(32 / 7) / 5, 12);
    expect(r.runs).toBe(8);
  });
  it('relative spread (p90 - p10) / median shrugs off a single outlier that inflates cv', () => {
    const steady = summarize([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 200]);
    expect(steady.cv).toBeGreaterThan(1);
    // p90 of 12 values lies between the 10th and 11th smallest, both 10: the outlier does not reach it
    expect(relativeSpread(steady)).toBeCloseTo(0, 12);
    expect(relativeSpread(summarize([8, 9, 10, 11, 12]))).toBeCloseTo((11.6 - 8.4) / 10, 12);
  });
  it('ranks ties by their average rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });
  it('spearman: 1 for any monotone relation, -1 reversed, textbook example with ties', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [9, 7, 3, 1])).toBeCloseTo(-1, 12);
    // 1 - 6·Σd²/(n(n²-1)) with d = [0, 1, -1, 0, 0]: 1 - 12/120 = 0.9
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.9, 12);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});
