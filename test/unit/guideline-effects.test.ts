/**
 * Guidelines of several effects (G3, G4), tested effect by effect, on synthetic timings with a known
 * answer: the exact null against its closed form, and the verdicts' rates over seeds when every
 * effect is there, when one is and the other is not (ReLU fused into the convolution), when none is,
 * and when they are reversed.
 */
import { describe, expect, it } from 'vitest';
import { GUIDELINES } from '../../src/guidelines/defs.ts';
import { combined, type EffectTest, effectTest } from '../../src/guidelines/effects.ts';
import { LEVEL } from '../../src/guidelines/trend.ts';
import { timings } from '../synthetic-timings.ts';

const SEEDS = 100;
const G4 = GUIDELINES.G4;
const keys = (id: 'G3' | 'G4') => GUIDELINES[id].rows.map((r) => r.key);
const effectsOf = (id: 'G3' | 'G4', samples: number[][][], seed: number): EffectTest[] =>
  (GUIDELINES[id].effects ?? []).map((e) => effectTest(samples, keys(id), e, 5, 100, seed));

/** Verdicts over seeds: the combined one, and each effect's. */
function tally(id: 'G3' | 'G4', times: (w: number) => number[]) {
  const count = new Map<string, number>();
  const add = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
  for (let s = 1; s <= SEEDS; s++) {
    const effects = effectsOf(id, timings([0, 1, 2].map(times), s), s);
    add(combined(effects));
    for (const e of effects) add(`${e.key} ${e.verdict}`);
  }
  return count;
}
const n = (c: Map<string, number>, k: string) => c.get(k) ?? 0;

/** G4's rows (ReLU + shortcut, ReLU only, shortcut only, neither) as times: each element costs its share. */
const g4 = (relu: number, shortcut: number) => () => [1 + relu + shortcut, 1 + relu, 1 + shortcut, 1];

describe('the exact null of an effect', () => {
  it('every pair in the expected order at all 3 widths, 2 pairs each: p = 1/2^6, whatever the sizes', () => {
    // speeds with the expected-faster row of each pair ahead by different amounts: only the signs count for p here
    const runs = (t: number) => Array(40).fill(t);
    const samples = [0.9, 0.7, 0.95].map((slow) => [runs(1), runs(slow), runs(slow + 0.01), runs(slow * 0.8)]);
    // ReLU + shortcut slowest, neither fastest; ReLU only against shortcut only is no pair of the shortcut effect
    const fast = samples.map((w) => [w[0].map((x) => x * 1.2), w[1], w[0], w[1].map((x) => x * 0.9)]);
    const t = effectTest(fast, keys('G4'), G4.effects?.[0] as NonNullable<typeof G4.effects>[0], 5, 50);
    expect(t.p).toBeCloseTo(1 / 64, 12);
    expect(t.pReverse).toBeCloseTo(1, 12);
    expect(t.verdict).toBe('confirms');
  });
});

describe('G4, effect by effect (100 seeds each, this machine noise: 3% a run, 10% a round)', () => {
  it("the paper's sizes (ReLU 4%, shortcut 8%): confirms in at least 95% of seeds", () => {
    const c = tally('G4', g4(0.04, 0.08));
    expect(n(c, 'confirms'), JSON.stringify([...c])).toBeGreaterThanOrEqual(0.95 * SEEDS);
  });
  it('ReLU free (fused into the convolution), the shortcut 8%: partly confirms in at least 95% of seeds', () => {
    const c = tally('G4', g4(0, 0.08));
    expect(n(c, 'partly confirms'), JSON.stringify([...c])).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(n(c, 'shortcut confirms')).toBeGreaterThanOrEqual(0.95 * SEEDS);
    expect(n(c, 'relu confirms')).toBeLessThanOrEqual(LEVEL * SEEDS);
  });
  it(`no effect at all: confirms in at most ${100 * LEVEL}% of seeds, a confirmed effect in at most 10%`, () => {
    const c = tally('G4', g4(0, 0));
    expect(n(c, 'confirms'), JSON.stringify([...c])).toBeLessThanOrEqual(LEVEL * SEEDS);
    expect(n(c, 'confirms') + n(c, 'partly confirms'), JSON.stringify([...c])).toBeLessThanOrEqual(0.1 * SEEDS);
  });
  it('both effects reversed: contradicts in at least 95% of seeds', () => {
    const c = tally('G4', g4(-0.04, -0.08));
    expect(n(c, 'contradicts'), JSON.stringify([...c])).toBeGreaterThanOrEqual(0.95 * SEEDS);
  });
});

describe('G3, effect by effect', () => {
  /** rows 1-fragment, 2 and 4 in series, 2 and 4 in parallel: each fragment step and parallel's penalty */
  const g3 = (step: number, parallel: number) => () => [
    1,
    1 + step,
    1 + 2 * step,
    (1 + step) * (1 + parallel),
    (1 + 2 * step) * (1 + parallel),
  ];
  it('fragments 5% a step, parallel 10% more: confirms in at least 95% of seeds', () => {
    const c = tally('G3', g3(0.05, 0.1));
    expect(n(c, 'confirms'), JSON.stringify([...c])).toBeGreaterThanOrEqual(0.95 * SEEDS);
  });
  it('series fragments free, parallel 10% slower (this CPU): partly confirms in at least 95% of seeds', () => {
    const c = tally('G3', g3(0, 0.1));
    expect(n(c, 'partly confirms'), JSON.stringify([...c])).toBeGreaterThanOrEqual(0.95 * SEEDS);
  });
  it('no effect: a confirmed effect in at most 10% of seeds', () => {
    const c = tally('G3', g3(0, 0));
    expect(n(c, 'confirms') + n(c, 'partly confirms'), JSON.stringify([...c])).toBeLessThanOrEqual(0.1 * SEEDS);
  });
});
