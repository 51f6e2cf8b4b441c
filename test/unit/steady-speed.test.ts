/**
 * Calibration's rounds put at the machine's undisturbed speed (rounds.ts steadySpeed), on synthetic
 * rounds with a known answer: kernels that take 10 µs on the undisturbed machine, timed through a
 * slow phase that stretches every time, the probes' and the kernels' alike.
 */
import { describe, expect, it } from 'vitest';
import type { PlannedKernel } from '../../src/predict/plan.ts';
import { atSpeed, type ModelRun, mergeRounds, probeDrift, steadySpeed } from '../../src/predict/rounds.ts';
import { mulberry32 } from '../../src/util/random.ts';

const kernel = { key: 'conv@a', cls: 'conv', op: 'Conv' } as PlannedKernel;

/** One model's round at `slow` times the undisturbed speed: a 10 µs kernel, probes of 0.6 and 0.5 ms (or none). */
function round(slow: number, probed: boolean): ModelRun {
  return {
    measured: [{ kernel, us: 10 * slow, tensors: 2, witnessUs: 2 * slow }],
    whole: { ms: 0.012 * slow, kernelMs: 0.01 * slow, kernels: 1, tensors: 2, outputBytes: 0, witnessMs: 0.002 * slow },
    kinds: ['Conv'],
    probeMs: probed ? 0.6 * slow : Number.POSITIVE_INFINITY,
    memoryProbeMs: probed ? 0.5 * slow : Number.POSITIVE_INFINITY,
  };
}

/** 3 rounds of 60 models, in the order they run; `slowAt(k)` the slowdown of the k-th run, probes every `every`. */
function rounds(slowAt: (k: number) => number, every = 1): ModelRun[][] {
  const models = 60;
  return Array.from({ length: models }, (_, i) =>
    Array.from({ length: 3 }, (_, r) => round(slowAt(r * models + i), i % every === 0)),
  );
}

const steady = (perRound: ModelRun[][], ref?: number) => {
  const s = steadySpeed(perRound, ref);
  return perRound.map((rs, i) => mergeRounds(rs.map((r, k) => atSpeed(r, s.factors[i][k]))).measured[0].us);
};

describe("calibration's rounds at the undisturbed speed", () => {
  it('a slow phase of 1.3x over the first 100 of 180 runs: every kernel back at 10 µs, within 1%', () => {
    const perRound = rounds((k) => (k < 100 ? 1.3 : 1));
    // merged without the correction, the models measured in the slow phase twice of three times read 13 µs
    expect(perRound.map((rs) => mergeRounds(rs).measured[0].us)[10]).toBeCloseTo(13, 6);
    for (const us of steady(perRound)) expect(us).toBeCloseTo(10, 1);
    expect(probeDrift(perRound)).toBeCloseTo(1 / 1.3 - 1, 6);
  });

  it('probes of every fourth model only: the runs between read their speed from the neighbours, within 1%', () => {
    const perRound = rounds((k) => (k >= 40 && k < 130 ? 1.25 : 1), 4);
    for (const us of steady(perRound)) expect(Math.abs(us / 10 - 1)).toBeLessThan(0.01);
  });

  it('an undisturbed machine with 2% noise on every run: kernels kept within 3% of their time', () => {
    const next = mulberry32(3);
    const noisy = rounds(() => 1 + 0.02 * (2 * next() - 1));
    for (const us of steady(noisy)) expect(Math.abs(us / 10 - 1)).toBeLessThan(0.03);
  });

  it("a reference given (the adaptive round's): its rounds are put at that speed, not their own", () => {
    // every run 1.2x slow, and the speed to put them at is the first rounds' (probes 0.6 and 0.5 ms)
    const perRound = rounds(() => 1.2);
    const ref = Math.sqrt(0.6 * 0.5);
    for (const us of steady(perRound, ref)) expect(us).toBeCloseTo(10, 6);
    // on their own, the runs are their own reference: nothing moves
    for (const us of steady(perRound)) expect(us).toBeCloseTo(12, 6);
  });

  it('without probes every factor is 1; a factor never moves a round beyond 0.5x-1.5x', () => {
    expect(steadySpeed(rounds(() => 1, 1000).map((rs) => rs.map((r) => ({ ...r, probeMs: Infinity }))))).toEqual({
      ref: Number.NaN,
      factors: Array.from({ length: 60 }, () => [1, 1, 1]),
    });
    const wild = steadySpeed(rounds((k) => (k > 120 ? 4 : 1)));
    expect(Math.min(...wild.factors.flat())).toBe(0.5);
  });
});
