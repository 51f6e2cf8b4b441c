/**
 * Each kernel class fitted on its calibration kernels: the linear model (non-negative least
 * squares on relative error, re-centred, with bootstrap draws of its parameters), then boosted trees on what
 * it leaves (residual.ts), and both cross-validated by calibration model.
 */
import { quantile } from '../measure/stats.ts';
import type { Boosted } from './boost.ts';
import { type Bandwidth, featuresOf, KERNEL_CLASSES, type KernelClass, PARAMS, paramsOf } from './classes.ts';
import { dot, fitClass, nnlsCentred } from './fit.ts';
import type { ClassFit } from './machine.ts';
import type { PlannedKernel } from './plan.ts';
import { type CrossValidation, crossValidate, fitResidual, residualFactor } from './residual.ts';

/** A kernel calibration timed: its plan, its unprofiled time (ms) and the calibration model it ran in. */
export interface TimedKernel {
  kernel: PlannedKernel;
  ms: number;
  model: string;
}

type ParamRecord = Record<(typeof PARAMS)[number], number>;
const record = (pick: (k: number) => number) => Object.fromEntries(PARAMS.map((p, k) => [p, pick(k)])) as ParamRecord;

/** Round to 5 significant digits: the trees are written into the profile, and more digits say nothing. */
const round5 = (v: number) => (v === 0 ? 0 : Number(v.toPrecision(5)));
const compact = (b: Boosted | undefined): Boosted | undefined =>
  b && {
    depth: b.depth,
    trees: b.trees.map((t) => ({
      feature: t.feature,
      threshold: t.threshold.map(round5),
      leaf: t.leaf.map(round5),
    })),
  };

/** One class: the linear fit with its draws, the trees on its residuals, the cross-validated errors. */
function fitOne(cls: KernelClass, mine: TimedKernel[], bw: Bandwidth): { fit: ClassFit; cv?: CrossValidation } {
  const active = paramsOf(cls).map((p) => PARAMS.indexOf(p));
  const rowsOf = (ks: TimedKernel[]) => ks.map((s) => featuresOf(cls, s.kernel.work, bw));
  const rows = rowsOf(mine);
  const ms = mine.map((s) => s.ms);
  const f = fitClass(rows, ms, active);
  const linearMs = rows.map((r) => dot(r, f.params));
  const trees = fitResidual(
    mine.map((s) => s.kernel),
    linearMs,
    ms,
  );
  const q = (k: number, at: number) =>
    quantile(
      f.draws.map((d) => d[k]).sort((a, b) => a - b),
      at,
    );
  const cv = crossValidate(
    mine,
    (s) => s.model,
    (train) => {
      const params = nnlsCentred(
        rowsOf(train),
        train.map((s) => s.ms),
        active,
      );
      const lin = (s: TimedKernel) => dot(featuresOf(cls, s.kernel.work, bw), params);
      const t = fitResidual(
        train.map((s) => s.kernel),
        train.map(lin),
        train.map((s) => s.ms),
      );
      return { linear: lin, full: (s) => lin(s) * residualFactor(t, s.kernel) };
    },
    (s) => s.ms,
  );
  // the trees stay only where they predict unseen kernels better than the linear model alone
  const keep = trees !== undefined && (cv === undefined || cv.trees < cv.linear);
  const fit: ClassFit = {
    params: record((k) => f.params[k]),
    lo: record((k) => q(k, 0.1)),
    hi: record((k) => q(k, 0.9)),
    draws: f.draws.slice(0, 40),
    samples: mine.length,
    medianAbsError: f.medianAbsError,
    ...(keep ? { trees: compact(trees) } : {}),
    ...(cv ? { cv: { linear: cv.linear, trees: cv.trees, folds: cv.folds } } : {}),
  };
  return { fit, cv };
}

/**
 * Every class with at least 3 kernels, fitted; with each kernel's out-of-fold error (the adaptive
 * round samples near the worst of them).
 */
export function fitClasses(
  samples: TimedKernel[],
  bw: Bandwidth,
): { classes: Partial<Record<KernelClass, ClassFit>>; outOfFold: { kernel: TimedKernel; error: number }[] } {
  const classes: Partial<Record<KernelClass, ClassFit>> = {};
  const outOfFold: { kernel: TimedKernel; error: number }[] = [];
  for (const cls of KERNEL_CLASSES) {
    const mine = samples.filter((s) => s.kernel.cls === cls);
    if (mine.length < 3) continue;
    const { fit, cv } = fitOne(cls, mine, bw);
    classes[cls] = fit;
    if (cv) for (const [i, s] of mine.entries()) outOfFold.push({ kernel: s, error: cv.each[i] });
  }
  return { classes, outOfFold };
}
