/**
 * The sampled latency model's parts on data with a known answer: the boosted trees recover a
 * step function and stay flat beyond what they saw; the residual factor multiplies the linear
 * prediction and is bounded; cross-validation keeps a calibration model's kernels on one side; the
 * random networks and the sampled calibration chains are the same for the same seed and read.
 */
import { describe, expect, it } from 'vitest';
import type { KernelWork } from '../../src/engine/work.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { fitBoosted, predictBoosted, predictTree } from '../../src/predict/boost.ts';
import { drawOf, sampledModel, sampledNear } from '../../src/predict/kernel-sampler.ts';
import { FAMILIES, randomNetwork, randomNetworks } from '../../src/predict/random-nets.ts';
import { crossValidate, fitResidual, residualFactor } from '../../src/predict/residual.ts';
import { mulberry32 } from '../../src/util/random.ts';

/** y = 1 below x0 = 0.5 and 3 above, plus 0.5 where x1 > 0.3; x2 is noise the trees must ignore */
const truth = (x: number[]) => (x[0] < 0.5 ? 1 : 3) + (x[1] > 0.3 ? 0.5 : 0);

describe('boosted trees', () => {
  const next = mulberry32(11);
  const X = Array.from({ length: 400 }, () => [next(), next(), next()]);
  const model = fitBoosted(X, X.map(truth), { rounds: 200, rate: 0.2, lambda: 0 });

  it('recover a step function in two features to within 2%', () => {
    for (const x of [
      [0.1, 0.1, 0.5],
      [0.9, 0.1, 0.2],
      [0.2, 0.8, 0.9],
      [0.7, 0.6, 0.1],
    ])
      expect(predictBoosted(model, x)).toBeCloseTo(truth(x), 1);
  });

  it('stay flat beyond the range they saw', () => {
    expect(predictBoosted(model, [50, 0.1, 0.5])).toBeCloseTo(predictBoosted(model, [0.99, 0.1, 0.5]), 9);
  });

  it('route a sample to the leaf its splits give (level order; -1 sends everything left)', () => {
    const t = { feature: [0, -1, 1], threshold: [0.5, 0, 2], leaf: [10, 20, 30, 40] };
    expect(predictTree(t, 2, [0.2, 9])).toBe(10);
    expect(predictTree(t, 2, [0.7, 1])).toBe(30);
    expect(predictTree(t, 2, [0.7, 3])).toBe(40);
  });
});

const work = (flops: number, over: Partial<KernelWork> = {}, op = 'Conv') => ({
  op,
  work: { flops, bytes: flops / 10, weightBytes: 0, reuseBytes: 0, elements: flops / 100, blocked: true, ...over },
});

describe('the residual on the linear model', () => {
  it('learns a factor of 2 on one regime (window 7) and 1 elsewhere, within 5%', () => {
    const next = mulberry32(5);
    const works = Array.from({ length: 300 }, (_, i) =>
      work(1e6 * (1 + 100 * next()), {
        conv: {
          window: i % 2 ? 49 : 9,
          stride: 1,
          groups: 1,
          inPerGroup: 16,
          outPerGroup: 16,
          depthwise: false,
          rows: 28,
        },
      }),
    );
    const linear = works.map((w) => w.work.flops / 1e9);
    const ms = works.map((w, i) => linear[i] * (w.work.conv?.window === 49 ? 2 : 1));
    const trees = fitResidual(works, linear, ms);
    expect(residualFactor(trees, works[1])).toBeCloseTo(2, 1);
    expect(residualFactor(trees, works[0])).toBeCloseTo(1, 1);
  });

  it("learns an element-wise function's own cost: Erf 3x and Exp 1.5x what a linear rate gives, Sqrt 1x", () => {
    const next = mulberry32(9);
    const ops = ['Erf', 'Exp', 'Sqrt'];
    const factor = new Map([
      ['Erf', 3],
      ['Exp', 1.5],
      ['Sqrt', 1],
    ]);
    const kernels = Array.from({ length: 240 }, (_, i) => work(1e6 * (1 + 50 * next()), {}, ops[i % 3]));
    const linear = kernels.map((k) => k.work.elements / 1e6);
    const trees = fitResidual(
      kernels,
      linear,
      kernels.map((k, i) => linear[i] * (factor.get(k.op) ?? 0)),
    );
    for (const [i, op] of ops.entries()) expect(residualFactor(trees, kernels[i])).toBeCloseTo(factor.get(op) ?? 0, 1);
  });

  it('learns what the kernel before leaves: 1.8x after a producer of 2 MB, 1x after one of 50 KB', () => {
    const next = mulberry32(11);
    const kernels = Array.from({ length: 200 }, (_, i) => ({
      ...work(1e5 * (1 + 20 * next()), {}, 'Transpose'),
      producer: { bytes: i % 2 ? 2e6 : 5e4, flops: i % 2 ? 1e9 : 1e6 },
    }));
    const linear = kernels.map((k) => k.work.elements / 1e6);
    const ms = kernels.map((k, i) => linear[i] * ((k.producer?.bytes ?? 0) > 1e6 ? 1.8 : 1));
    const trees = fitResidual(kernels, linear, ms);
    expect(residualFactor(trees, kernels[1])).toBeCloseTo(1.8, 1);
    expect(residualFactor(trees, kernels[0])).toBeCloseTo(1, 1);
  });

  it('is 1 without trees, and never more than e^1.5 either way', () => {
    expect(residualFactor(undefined, work(1e6))).toBe(1);
    const huge = { depth: 1, trees: [{ feature: [-1], threshold: [0], leaf: [9, 9] }] };
    expect(residualFactor(huge, work(1e6))).toBeCloseTo(Math.exp(1.5), 9);
  });

  it('cross-validates by group: a model fitted without a group predicts it, its errors reported', () => {
    // samples of 10 groups; the "fit" predicts the mean of the training samples' values
    const samples = Array.from({ length: 50 }, (_, i) => ({ g: `m${i % 10}`, v: i % 10 === 3 ? 2 : 1 }));
    const cv = crossValidate(
      samples,
      (s) => s.g,
      (train) => {
        const seen = new Set(train.map((s) => s.g));
        const mean = train.reduce((a, s) => a + s.v, 0) / train.length;
        // a group on both sides would be a leak: the test fails loudly if cross-validation allows it
        return { linear: () => mean, full: (s) => (seen.has(s.g) ? Number.NaN : mean) };
      },
      (s) => s.v,
    );
    expect(cv?.folds).toBe(5);
    expect(cv?.each.every(Number.isFinite)).toBe(true);
  });
});

describe('random networks and sampled calibration chains', () => {
  it('the same seed draws the same networks, every family in turn, at any batch', () => {
    const a = randomNetworks(42, 6);
    const b = randomNetworks(42, 6);
    expect(a.map((n) => n.family)).toEqual([...FAMILIES]);
    for (const [i, n] of a.entries()) expect(Buffer.from(n.bytes).equals(Buffer.from(b[i].bytes))).toBe(true);
    expect(randomNetwork(7, { batch: 8 }).input.shape[0]).toBe(8);
  });

  it('every network of a seed reads in netcost with its drawn input', () => {
    for (const n of randomNetworks(3, 12)) {
      const g = importOnnx(n.bytes, { file: n.name }).graph;
      expect(g.input.shape).toEqual(n.input.shape);
      expect(g.layers.length).toBeGreaterThan(10);
    }
  });

  it('sampled chains read, and a chain drawn near a kernel starts with a jittered copy of it', () => {
    for (let i = 0; i < 20; i++) importOnnx(sampledModel(1, i).bytes, { file: `s${i}` });
    const dw = drawOf(
      work(1e6, {
        elements: 64 * 28 * 28,
        activation: 'Relu',
        conv: { window: 9, stride: 1, groups: 64, inPerGroup: 1, outPerGroup: 1, depthwise: true, rows: 28 },
      }).work,
    );
    expect(dw).toEqual({
      kind: 'conv',
      batch: 1,
      cin: 64,
      cout: 64,
      hw: 28,
      k: 3,
      stride: 1,
      dilation: 1,
      groups: 64,
      act: 'Relu',
    });
    if (!dw) return;
    const near = importOnnx(sampledNear(1, 0, dw).bytes, { file: 'near' }).graph;
    const c = near.input.shape[1];
    expect(c).toBeGreaterThanOrEqual(51);
    expect(c).toBeLessThanOrEqual(80);
  });
});
