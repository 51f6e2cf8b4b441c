/**
 * A guideline's tests on its timed rounds, and more rounds while the noise leaves its verdict open.
 *
 * A verdict is "inconclusive at this noise" when resampling the rounds moves its decision (trend.ts).
 * More rounds narrow that, so `guidelines` times another pass of the same size for that guideline
 * alone, up to a cap, and decides on all its rounds; a decided verdict stops it. Looking again only
 * while the verdict is open is optional stopping: the false-confirmation rate of the whole procedure,
 * not of one look, is what test/unit/guideline-adaptive.test.ts holds to the level.
 */

import { ROUND_RUNS as BLOCK } from '../measure/options.ts';
import { combined, type EffectTest, effectTests } from './effects.ts';
import { MIN_ROUNDS, type TrendTest, type TrendVerdict, trendTest } from './trend.ts';
import type { GuidelineDef } from './types.ts';

export interface GuidelineTests {
  trend: TrendTest;
  /** a guideline of several effects: each tested apart */
  effects?: EffectTest[];
  /** the verdict's kind: the trend test's, or the effects' combined */
  decision: TrendVerdict;
}

/** Every test of one guideline on `samples[w][k]`, row k's run times at width w, in rounds of BLOCK runs. */
export function testGuideline(def: GuidelineDef, samples: number[][][], draws = 1000): GuidelineTests {
  const trend = trendTest(samples, def.expected, BLOCK, draws);
  const keys = def.rows.map((r) => r.key);
  const effects = def.effects && effectTests(samples, keys, def.effects, BLOCK, draws);
  return { trend, ...(effects ? { effects } : {}), decision: effects ? combined(effects) : trend.verdict };
}

/** Whether more rounds could decide: open at this noise, not for want of rounds to resample (--quick). */
const open = (t: GuidelineTests) => t.decision === 'inconclusive' && t.trend.rounds >= MIN_ROUNDS;

/**
 * Time `runs` runs per network (`measure` returns them as `[width][row][run]`), test, and while the
 * verdict is inconclusive at this noise time another `runs` (at most `maxRuns` in all) and test on
 * everything timed. Returns the samples, the tests on them, how many runs per network they hold, and
 * the runs of each pass timed.
 */
export async function decideAdaptively(
  def: GuidelineDef,
  measure: (runs: number) => Promise<number[][][]>,
  runs: number,
  maxRuns: number,
  draws = 1000,
): Promise<{ samples: number[][][]; tests: GuidelineTests; runs: number; passes: number[] }> {
  const passes = [runs];
  let samples = await measure(runs);
  let tests = testGuideline(def, samples, draws);
  // a pass's last round is short when --runs is not a multiple of BLOCK: it is dropped before the
  // next pass joins, so that every resampled round stays one stretch of time shared by the width's networks
  const whole = (r: number[]) => r.slice(0, r.length - (r.length % BLOCK));
  for (let taken = runs; open(tests) && taken < maxRuns; ) {
    const step = Math.min(runs, maxRuns - taken);
    const more = await measure(step);
    samples = samples.map((nets, w) => nets.map((r, k) => [...whole(r), ...more[w][k]]));
    passes.push(step);
    taken += step;
    tests = testGuideline(def, samples, draws);
  }
  return { samples, tests, runs: samples[0][0].length, passes };
}
