/**
 * The order rows are timed in (measure/runner.ts, util/random.ts roundOrder) and the family of a
 * guideline's effects (effects.ts, Holm): on synthetic timings with no effect at all, a machine
 * that slows steadily through a pass must not make the guideline's expected order look true.
 */
import { describe, expect, it } from 'vitest';
import { decideAdaptively, testGuideline } from '../../src/guidelines/adaptive.ts';
import { GUIDELINES } from '../../src/guidelines/defs.ts';
import { holmLevels } from '../../src/guidelines/effects.ts';
import { LEVEL } from '../../src/guidelines/trend.ts';
import type { GuidelineId } from '../../src/guidelines/types.ts';
import { roundOrder } from '../../src/util/random.ts';
import { driftingPass, timings } from '../synthetic-timings.ts';

const SEEDS = 200;
const DRAWS = 100;
const fixed = (_round: number, n: number) => Array.from({ length: n }, (_, i) => i);
const same = (id: GuidelineId) => [0, 1, 2].map(() => Array(GUIDELINES[id].rows.length).fill(1));

const isDecided = (d: string) => d === 'confirms' || d === 'partly confirms' || d === 'contradicts';

/** How often one pass of 40 runs per row, with no effect, is decided (confirms, partly, contradicts). */
function decided(id: GuidelineId, pass: (seed: number) => number[][][]): number {
  let n = 0;
  for (let s = 1; s <= SEEDS; s++) if (isDecided(testGuideline(GUIDELINES[id], pass(s), DRAWS).decision)) n++;
  return n;
}

/**
 * How often `guidelines`' whole procedure (40 runs a pass, more passes while the verdict is open, up
 * to 120) decides with no effect, each pass drifting 20% and timed in the order `order(seed, pass)`.
 */
async function decidedAdaptively(id: GuidelineId, order: (seed: number, pass: number) => typeof fixed) {
  let n = 0;
  for (let s = 1; s <= SEEDS; s++) {
    let pass = 0;
    const measure = async (runs: number) => {
      pass++;
      return driftingPass(1000 * s + pass, same(id), runs, order(s, pass));
    };
    if (isDecided((await decideAdaptively(GUIDELINES[id], measure, 40, 120, DRAWS)).tests.decision)) n++;
  }
  return n;
}

describe('a steady 20% drift through each pass, no effect', () => {
  const shuffled = (s: number, pass: number) => (r: number, k: number) => roundOrder(1000 * s + pass, r, k);
  for (const id of ['G1', 'G3', 'G4'] as const) {
    it(`${id}: rows timed in a seeded random order each round: decided in at most ${100 * LEVEL}%`, async () => {
      expect(await decidedAdaptively(id, shuffled)).toBeLessThanOrEqual(LEVEL * SEEDS);
    });
  }
  it('G1: rows timed in their own order every round: decided over 4x as often (what the order prevents)', async () => {
    expect(await decidedAdaptively('G1', () => fixed)).toBeGreaterThan(4 * LEVEL * SEEDS);
  });
});

describe("a guideline's effects as a family (Holm)", () => {
  it('step-down levels', () => {
    expect(holmLevels([0.01, 0.04])).toEqual([0.025, 0.05]);
    expect(holmLevels([0.04, 0.01])).toEqual([0.05, 0.025]);
    // the smallest not decided at 0.05/2: the other stays at that level too
    expect(holmLevels([0.03, 0.04])).toEqual([0.025, 0.025]);
    expect(holmLevels([0.001, 0.02, 0.03])).toEqual([0.05 / 3, 0.025, 0.05]);
  });
  it(`G3 and G4 with no effect, no drift: "partly confirms" or more in at most ${100 * LEVEL}% of seeds`, () => {
    for (const id of ['G3', 'G4'] as const)
      expect(
        decided(id, (s) => timings(same(id), s)),
        id,
      ).toBeLessThanOrEqual(LEVEL * SEEDS);
  });
});

describe('roundOrder', () => {
  it('a permutation, the same for the same seed and round, and every row first about equally often', () => {
    expect(roundOrder(7, 3, 5)).toEqual(roundOrder(7, 3, 5));
    const first = [0, 0, 0, 0];
    for (let r = 0; r < 4000; r++) {
      const o = roundOrder(11, r, 4);
      expect([...o].sort()).toEqual([0, 1, 2, 3]);
      first[o[0]]++;
    }
    // 1,000 expected each; 4 standard deviations is about 110
    for (const f of first) expect(Math.abs(f - 1000)).toBeLessThan(110);
  });
});
