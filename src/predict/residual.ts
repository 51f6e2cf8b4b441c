/**
 * What a class's linear model (classes.ts) misses, learned from the sampled kernels: boosted trees
 * (boost.ts) over a kernel's shape predict log(measured / linear), so a kernel's time is
 * linear · exp(trees). The linear part carries the physics and extrapolates (twice the FLOPs, about
 * twice the time); the trees follow the regimes it cannot (cache levels, narrow or unaligned
 * channels, a window's cost per FLOP, thread scaling, what the kernel that wrote the input left in
 * the caches), and stay flat outside what they saw.
 *
 * Each class's error is reported cross-validated (k folds over the calibration models, so the
 * kernels of one chain are never on both sides), for the linear model alone and with the trees.
 */
import type { KernelWork } from '../engine/work.ts';
import { type Boosted, fitBoosted, predictBoosted } from './boost.ts';
import { gemmWidth } from './classes.ts';
import { median } from './fit.ts';

const log2 = (v: number) => Math.log2(Math.max(v, 1));
const ACT_CODE: Record<string, number> = {
  Relu: 1,
  Clip: 2,
  LeakyRelu: 3,
  HardSigmoid: 4,
  HardSwish: 5,
  Sigmoid: 6,
  Tanh: 7,
};

/**
 * The function an element-wise kernel computes, coded in about the order of its cost per element
 * (the trees split on thresholds, so neighbours in cost sit next to each other); 0 for the rest.
 */
const FN_CODE = new Map(
  [
    ...['Abs', 'Neg', 'Relu', 'Clip', 'LeakyRelu', 'HardSigmoid', 'HardSwish', 'Softsign', 'Reciprocal', 'Sqrt'],
    ...['Exp', 'Sigmoid', 'QuickGelu', 'Tanh', 'Softplus', 'Elu', 'Selu', 'Celu', 'Log', 'Pow', 'Erf', 'Gelu'],
    ...['FastGelu', 'BiasGelu', 'Mish', 'Sin', 'Cos'],
  ].map((op, i) => [op, i + 1]),
);

/** A kernel as the trees see it: its op, its work, and the work of the kernel that wrote its input. */
export type Shaped = { op: string; work: KernelWork; producer?: { bytes: number; flops: number } };

/** The shape features the trees split on (the same for every class; 0 where a kernel has no such thing). */
export function shapeFeatures({ op, work: w, producer }: Shaped): number[] {
  const c = w.conv;
  const g = w.gemm;
  const cout = c ? c.outPerGroup * c.groups : 0;
  const cin = c ? c.inPerGroup * c.groups : 0;
  return [
    log2(w.flops),
    log2(w.bytes),
    log2(w.elements),
    log2(w.weightBytes),
    log2(w.reuseBytes),
    w.flops / Math.max(w.bytes, 1),
    c ? c.window : 0,
    c ? c.stride : 0,
    c ? log2(c.groups) : 0,
    c ? log2(c.inPerGroup) : 0,
    c ? log2(c.outPerGroup) : 0,
    c ? log2(cin) : 0,
    c ? log2(cout) : 0,
    c ? cout % 16 : 0,
    c ? cin % 16 : 0,
    c && cout > 0 ? log2(w.elements / cout) : 0,
    g ? log2(g.m) : 0,
    g ? log2(g.n) : 0,
    g ? log2(g.k) : 0,
    g ? log2(g.batch) : 0,
    log2(gemmWidth(w) ?? 0),
    ACT_CODE[w.activation ?? ''] ?? (w.activation ? 8 : 0),
    w.blocked ? 1 : 0,
    log2(w.run ?? 0),
    FN_CODE.get(op) ?? 0,
    // appended, so a profile's trees from before keep their feature numbers
    log2(producer?.bytes ?? 0),
    log2(producer?.flops ?? 0),
  ];
}

/** fewest kernels a class needs before trees are fitted on its residuals */
export const MIN_FOR_TREES = 24;
/** how far the trees may move a prediction: a factor of e^±1.5 (about 4.5x) at most */
const CLAMP = 1.5;

/** log(measured / linear) learned over the kernels' shapes (undefined: too few kernels). */
export function fitResidual(kernels: Shaped[], linearMs: number[], ms: number[]): Boosted | undefined {
  if (kernels.length < MIN_FOR_TREES) return undefined;
  const X = kernels.map(shapeFeatures);
  const y = ms.map((m, i) => Math.log(m / Math.max(linearMs[i], 1e-9)));
  return fitBoosted(X, y, { minLeaf: Math.max(3, Math.floor(kernels.length / 60)) });
}

/** The factor the trees put on a kernel's linear prediction (1 without trees). */
export function residualFactor(trees: Boosted | undefined, k: Shaped): number {
  if (!trees || trees.trees.length === 0) return 1;
  const r = predictBoosted(trees, shapeFeatures(k));
  return Math.exp(Math.max(-CLAMP, Math.min(CLAMP, r)));
}

export interface CvError {
  /** median |predicted / measured - 1| of the linear model alone, each kernel predicted by a fit without its fold */
  linear: number;
  /** the same with the trees */
  trees: number;
  folds: number;
}

/** A cross-validation: the class's errors, and each sample's own out-of-fold error with the trees. */
export interface CrossValidation extends CvError {
  each: number[];
}

/**
 * k-fold cross-validation of one class: `fitOn` fits on the training kernels and returns a predictor;
 * folds are drawn by `group` (the calibration model), so no chain is on both sides.
 */
export function crossValidate<S>(
  samples: S[],
  group: (s: S) => string,
  fitOn: (train: S[]) => { linear: (s: S) => number; full: (s: S) => number },
  measured: (s: S) => number,
  folds = 5,
): CrossValidation | undefined {
  const groups = [...new Set(samples.map(group))];
  if (groups.length < folds) return undefined;
  const foldOf = new Map(groups.map((g, i) => [g, i % folds]));
  const lin = new Array<number>(samples.length);
  const full = new Array<number>(samples.length);
  for (let f = 0; f < folds; f++) {
    const model = fitOn(samples.filter((s) => foldOf.get(group(s)) !== f));
    for (const [i, s] of samples.entries()) {
      if (foldOf.get(group(s)) !== f) continue;
      lin[i] = Math.abs(model.linear(s) / measured(s) - 1);
      full[i] = Math.abs(model.full(s) / measured(s) - 1);
    }
  }
  return { linear: median(lin), trees: median(full), folds, each: full };
}
