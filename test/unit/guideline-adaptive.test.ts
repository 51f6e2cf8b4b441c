/**
 * Timing a guideline again while its verdict is inconclusive at this noise (adaptive.ts), on
 * synthetic timings with a known answer: the whole procedure's false-confirmation rate with no
 * effect (looking again is optional stopping: the rate of the procedure, not of one look, is held
 * to the level), its power on an effect one pass leaves open, and when it stops.
 */
import { describe, expect, it } from 'vitest';
import { decideAdaptively, type GuidelineTests } from '../../src/guidelines/adaptive.ts';
import { GUIDELINES } from '../../src/guidelines/defs.ts';
import { type GuidelineResult, verdict } from '../../src/guidelines/guidelines.ts';
import { LEVEL } from '../../src/guidelines/trend.ts';
import type { GuidelineId } from '../../src/guidelines/types.ts';
import { guidelinesDocument } from '../../src/report/guidelines.ts';
import { timer } from '../synthetic-timings.ts';

const SEEDS = 100;
const DRAWS = 100;

/** The procedure over seeds at `runs` a pass up to `maxRuns`: its verdicts, and the passes it took in all. */
async function tally(id: GuidelineId, times: number[][], runs: number, maxRuns: number) {
  const count = new Map<string, number>();
  let passes = 0;
  for (let s = 1; s <= SEEDS; s++) {
    const next = timer(s);
    const r = await decideAdaptively(GUIDELINES[id], async (n) => next(times, n), runs, maxRuns, DRAWS);
    passes += Math.ceil(r.runs / runs);
    count.set(r.tests.decision, (count.get(r.tests.decision) ?? 0) + 1);
  }
  return { count, passes, n: (k: string) => count.get(k) ?? 0 };
}

const same = (rows: number) => [0, 1, 2].map(() => Array(rows).fill(1));
/** G3's rows (1 fragment, 2 and 4 in series, 2 and 4 in parallel) with parallel fragments `par` slower than series */
const g3 = (par: number) => [0, 1, 2].map(() => [1, 1, 1, 1 + par, 1 + par]);

describe('timing again while the verdict is open (40 runs a pass, up to 120)', () => {
  for (const id of ['G1', 'G3'] as const)
    it(`${id}, no effect: confirms, partly confirms or contradicts in at most ${100 * LEVEL}% of seeds`, async () => {
      const t = await tally(id, same(GUIDELINES[id].rows.length), 40, 120);
      const decided = t.n('confirms') + t.n('partly confirms') + t.n('contradicts');
      expect(decided, JSON.stringify([...t.count])).toBeLessThanOrEqual(LEVEL * SEEDS);
      // and it did look again: the rate above is over more than one look
      expect(t.passes).toBeGreaterThan(SEEDS);
    });

  it('G3, parallel fragments 3% slower: one pass decides in at most half the seeds, the procedure in 80%', async () => {
    const one = await tally('G3', g3(0.03), 40, 40);
    const more = await tally('G3', g3(0.03), 40, 120);
    expect(one.n('partly confirms'), JSON.stringify([...one.count])).toBeLessThanOrEqual(0.5 * SEEDS);
    expect(more.n('partly confirms'), JSON.stringify([...more.count])).toBeGreaterThanOrEqual(0.8 * SEEDS);
  });
});

describe('when it stops', () => {
  /** synthetic passes of `times` that record how many runs each pass timed */
  const counting = (times: number[][], seed: number) => {
    const next = timer(seed);
    const calls: number[] = [];
    const measure = async (n: number) => {
      calls.push(n);
      return next(times, n);
    };
    return { calls, measure };
  };
  /** rows 0.2-0.4% apart: a difference this noise leaves open often */
  const close = [0, 1, 2].map(() => [1, 1.004, 0.996, 1.002]);

  it('a decided verdict: after one pass', async () => {
    const paper = [0, 1, 2].map((w) => GUIDELINES.G2.rows.map((r) => 1 / r.paper[w]));
    const c = counting(paper, 3);
    const r = await decideAdaptively(GUIDELINES.G2, c.measure, 40, 120, DRAWS);
    expect(r.tests.decision).toBe('confirms');
    expect(c.calls).toEqual([40]);
    expect(r.runs).toBe(40);
  });
  it('one round (--quick): never again, too few rounds to resample', async () => {
    const c = counting(same(4), 7);
    const r = await decideAdaptively(GUIDELINES.G1, c.measure, 5, 120, DRAWS);
    expect(r.tests.decision).toBe('inconclusive');
    expect(c.calls).toEqual([5]);
  });
  /** the first seed whose first pass of `runs` leaves G1 open on `close` (asserted by the callers) */
  async function openSeed(runs: number): Promise<number> {
    for (let seed = 1; seed < 50; seed++) {
      const r = await decideAdaptively(GUIDELINES.G1, counting(close, seed).measure, runs, runs, DRAWS);
      if (r.tests.decision === 'inconclusive') return seed;
    }
    throw new Error('no seed leaves the first pass open');
  }
  it('--max-runs equal to --runs: one pass, though the verdict is open', async () => {
    const c = counting(close, await openSeed(40));
    const r = await decideAdaptively(GUIDELINES.G1, c.measure, 40, 40, DRAWS);
    expect(r.tests.decision).toBe('inconclusive');
    expect(c.calls).toEqual([40]);
  });
  it('passes of 42: a short last round is dropped before the next joins; the cap counts what was timed', async () => {
    const c = counting(close, await openSeed(42));
    const r = await decideAdaptively(GUIDELINES.G1, c.measure, 42, 100, DRAWS);
    // 42 + 42 + the 16 left under the cap, or fewer passes if one decided
    expect(c.calls.slice(0, 2)).toEqual([42, 42]);
    // the procedure's own account of its passes is what was timed
    expect(r.passes).toEqual(c.calls);
    expect(c.calls.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100);
    const kept = c.calls.slice(0, -1).reduce((a, n) => a + n - (n % 5), 0) + (c.calls.at(-1) ?? 0);
    expect(r.runs).toBe(kept);
    expect(r.tests.trend.rounds).toBe(Math.ceil(kept / 5));
  });
});

describe('the verdict says when it was timed again', () => {
  it('G3 open after a pass of 40, decided by a second: "80 runs per network in 2 passes (40 + 40)"', async () => {
    // the first seed of the 2% parallel effect above that the procedure decides in exactly two passes
    let r: Awaited<ReturnType<typeof decideAdaptively>> | undefined;
    for (let seed = 1; seed < 50 && r?.runs !== 80; seed++) {
      const next = timer(seed);
      r = await decideAdaptively(GUIDELINES.G3, async (n) => next(g3(0.02), n), 40, 120, DRAWS);
    }
    expect(r?.runs).toBe(80);
    expect(r?.tests.decision).toBe('partly confirms');
    const text = verdict(GUIDELINES.G3, r?.tests as GuidelineTests, undefined, undefined, [40, 40]);
    expect(text).toMatch(/^G3: this CPU partly confirms the guideline/);
    expect(text).toMatch(
      /; 80 runs per network in 2 passes \(40 \+ 40\): the first one left the verdict inconclusive at this noise\.$/,
    );
  });
});

describe("the report's head says which guidelines were timed again", () => {
  const env = {
    cpu: 'CPU',
    cores: 2,
    memoryGiB: 8,
    node: 'v20',
    onnxruntime: '1.30.0',
    threads: 1,
    graphOptimizationLevel: 'all',
    platform: 'linux',
  };
  const result = (id: 'G1' | 'G3', runs: number, construction?: string): GuidelineResult => ({
    id,
    ...(construction ? { construction } : {}),
    runs,
    ...(runs > 40 ? { passes: Array(runs / 40).fill(40) } : {}),
    table: 'Table',
    claim: 'claim',
    hypothesis: 'hypothesis',
    platform: 'ARM',
    rows: [],
  });
  const head = (results: GuidelineResult[]) =>
    guidelinesDocument({ schemaVersion: 2, env, runs: 40, maxRuns: 120, results, warnings: [] }).head?.join(' ');
  it('none: the runs of a pass only', () => {
    expect(head([result('G1', 40)])).toMatch(
      /median of 40 runs per network \(rows of one width timed interleaved\)\. /,
    );
  });
  it('one: named with its runs, and the cap', () => {
    expect(head([result('G1', 40), result('G3', 80, 'channels in multiples of 8')])).toContain(
      'median of 40 runs per network (rows of one width timed interleaved); timed again while a verdict was ' +
        'inconclusive at this noise (up to 120): G3 (channels in multiples of 8) on 80. ',
    );
  });
});
