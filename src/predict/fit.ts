/**
 * Fitting the latency model: each kernel class's parameters by non-negative least squares on
 * relative error (a small kernel weighs as much as a large one), with bootstrap resamples for their
 * uncertainty; the bandwidth curve from the element-wise sweep; and how profiled kernel times add
 * up to an unprofiled run.
 */
import { quantileOf } from '../measure/stats.ts';
import { mulberry32 } from '../util/random.ts';
import { RATE } from './machine.ts';

export const median = (xs: number[]): number => quantileOf(xs, 0.5);

/** Weighted least squares: the x minimising sum w (row·x - y)^2 (+ ridge·diag), by Gauss-Jordan. */
export function leastSquares(rows: number[][], y: number[], w: number[], ridge = 0): number[] {
  const n = rows[0].length;
  const a = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => rows.reduce((s, r, k) => s + w[k] * r[i] * r[j], 0)),
    rows.reduce((s, r, k) => s + w[k] * r[i] * y[k], 0),
  ]);
  for (let i = 0; i < n; i++) a[i][i] *= 1 + ridge;
  for (let c = 0; c < n; c++) {
    const p = a.slice(c).reduce((best, r, i) => (Math.abs(r[c]) > Math.abs(a[best][c]) ? c + i : best), c);
    [a[c], a[p]] = [a[p], a[c]];
    if (a[c][c] === 0) return new Array(n).fill(Number.NaN);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, i) => r[n] / r[i]);
}

/** a little ridge keeps nearly collinear features (FLOPs and FLOPs/width at one width) from trading off */
const RIDGE = 1e-4;

/**
 * Non-negative least squares on relative error over the features in `active` (indices into each
 * row): the best of the fits on every subset whose coefficients all come out non-negative (exact
 * for the few features a class has). Returns a coefficient per row entry (0 off `active`).
 */
export function nnlsRelative(rows: number[][], ms: number[], active: number[]): number[] {
  return nnls(
    rows,
    ms,
    active,
    ms.map((t) => 1 / (t * t)),
  );
}

/** Non-negative weighted least squares over the features in `active` (see nnlsRelative). */
export function nnls(rows: number[][], ms: number[], active: number[], w: number[]): number[] {
  let best: { x: number[]; loss: number } | undefined;
  for (let mask = 1; mask < 1 << active.length; mask++) {
    const cols = active.filter((_, i) => mask & (1 << i));
    const sub = rows.map((r) => cols.map((c) => r[c]));
    if (sub.every((r) => r.every((v) => v === 0))) continue;
    const coef = leastSquares(sub, ms, w, RIDGE);
    if (coef.some((v) => !(v >= 0))) continue;
    const x = new Array(rows[0].length).fill(0);
    cols.forEach((c, i) => {
      x[c] = coef[i];
    });
    const loss = rows.reduce((s, r, k) => s + w[k] * (r.reduce((a, v, j) => a + v * x[j], 0) - ms[k]) ** 2, 0);
    if (!best || loss < best.loss) best = { x, loss };
  }
  return best?.x ?? new Array(rows[0].length).fill(0);
}

export interface ClassFitResult {
  /** coefficients in feature order */
  params: number[];
  /** bootstrap draws of the coefficients */
  draws: number[][];
  /** median |predicted / measured - 1| over the samples */
  medianAbsError: number;
}

export const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

/**
 * NNLS on relative error, re-centred: least squares on relative error leans low when times are
 * noisy (an under-prediction costs at most -100%, an over-prediction without bound), by 15% on the
 * convolutions of a two-thread calibration here; one factor on every parameter makes the median of
 * measured / predicted 1, keeping the terms' proportions.
 */
export function nnlsCentred(rows: number[][], ms: number[], active: number[]): number[] {
  const x = nnlsRelative(rows, ms, active);
  const ratios = rows.flatMap((r, k) => {
    const p = dot(r, x);
    return p > 0 ? [ms[k] / p] : [];
  });
  const f = ratios.length > 0 ? median(ratios) : 1;
  return x.map((v) => v * f);
}

/** Fit one class: centred NNLS on all samples, and on `draws` bootstrap resamples of them. */
export function fitClass(rows: number[][], ms: number[], active: number[], draws = 40): ClassFitResult {
  const params = nnlsCentred(rows, ms, active);
  const next = mulberry32(0x5eed ^ rows.length);
  const boot: number[][] = [];
  for (let b = 0; b < draws; b++) {
    const pick = rows.map(() => Math.floor(next() * rows.length));
    boot.push(
      nnlsCentred(
        pick.map((i) => rows[i]),
        pick.map((i) => ms[i]),
        active,
      ),
    );
  }
  const medianAbsError = median(rows.map((r, k) => Math.abs(dot(r, params) / ms[k] - 1)));
  return { params, draws: boot, medianAbsError };
}

/**
 * One calibration model as a whole: median less the harness, its profiled kernels' sum and count,
 * the tensors the profiler wrote out for them, its I/O bytes.
 */
export interface Whole {
  ms: number;
  kernelMs: number;
  kernels: number;
  tensors: number;
  /** bytes of its outputs, which the run copies out to the caller (its inputs are read in place) */
  outputBytes: number;
  /** the profiled session's witness: its kernels' mean time (ms; witness.ts), where it had one */
  witnessMs?: number;
}

/**
 * onnxruntime's profiler times each kernel with its own bookkeeping inside the clock: it formats
 * every input's and output's type and shape as a string, and the thread pool's statistics
 * (session_scope.cc). So a profiled kernel is `perKernelMs + perTensorMs · tensors` longer than
 * it runs; measured here at 1.9 µs + 0.13 µs per tensor at one thread and 4 µs at two.
 */
export interface ProfilerCost {
  perKernelMs: number;
  perTensorMs: number;
}

/**
 * The profiler's time in `kernels` kernels writing out `tensors` tensors, in a session whose witness
 * kernels took `witnessMs` each (witness.ts: then perKernelMs is what a kernel pays beyond them).
 */
export const profilerCostOf = (c: ProfilerCost, kernels: number, tensors: number, witnessMs = 0): number =>
  (c.perKernelMs + witnessMs) * kernels + c.perTensorMs * tensors;

/**
 * The profiler's cost from chains of tiny kernels whose own work is next to nothing: each chain's
 * profiled time per kernel beyond its unprofiled time per kernel, against the tensors per kernel
 * (non-negative least squares, a + b · tensors; b only where the chains differ in tensors). A
 * direct measurement: fitting it jointly with the scale over every chain traded one against the
 * other, and a disturbed host moved it from 2 µs to 12 µs.
 */
export function profilerCostFit(chains: Whole[]): ProfilerCost {
  const use = chains.filter((c) => c.kernels > 0 && Number.isFinite(c.ms));
  if (use.length === 0) return { perKernelMs: 0, perTensorMs: 0 };
  const rows = use.map((c) => [1, c.tensors / c.kernels]);
  const y = use.map((c) => Math.max(0, (c.kernelMs - c.ms) / c.kernels));
  const spread = new Set(rows.map((r) => r[1])).size > 1;
  const [a, b] = nnls(
    rows,
    y,
    spread ? [0, 1] : [0],
    y.map(() => 1),
  );
  return { perKernelMs: a, perTensorMs: b };
}

/**
 * The profiler's cost per kernel in context: what a profiled kernel of a long chain of small kernels
 * of many kinds takes beyond its unprofiled time (each chain's rounds: the median of what each says,
 * less the per-tensor cost of `isolated`; with a witness in each session, beyond its witness's
 * kernels, witness.ts). Between two kernels the profiler's bookkeeping evicts
 * some of the next kernel's code and data, which a chain of one tiny kernel repeated keeps in the
 * caches: here 2.4-2.9 µs per kernel in small networks against 1.9 in a chain of ReLUs on 1 KiB, and
 * the profiles that took 1.5 µs off every kernel predicted every small network 20-50% too slow
 * (2026-12-06). Without context chains, `isolated` as it is.
 */
export function profilerCostInContext(isolated: ProfilerCost, context: Whole[]): ProfilerCost {
  const use = context.filter((w) => w.kernels > 0 && Number.isFinite(w.ms));
  const says = use.map((w) => (w.kernelMs - w.ms - isolated.perTensorMs * w.tensors) / w.kernels - (w.witnessMs ?? 0));
  // beyond a witness a kernel may pay less than the witness's ReLU does (negative); alone, at least 0
  const witnessed = use.some((w) => w.witnessMs !== undefined);
  return says.length ? { ...isolated, perKernelMs: witnessed ? median(says) : Math.max(0, median(says)) } : isolated;
}

/** whole runs shorter than this (beyond the harness) are left out of the fit below */
const MIN_WHOLE_MS = 0.005;
/** runs (and ms of kernels each) the scale's median needs; fewer, and the least-squares scale stands */
const ROBUST_MIN = 5;
const ROBUST_MIN_MS = 0.05;

/** each run weighs as its relative error, with its time counted at least this (the harness's noise, in ms) */
const NOISE_FLOOR_MS = 0.02;

/**
 * How profiled kernel times relate to an unprofiled run: ms = kernelScale · (kernelMs - the
 * profiler's cost) + outputBytes / ioGbps. The profiler's cost is measured apart (profilerCostFit);
 * a run also copies its outputs out to the caller (its inputs it reads where they are). Non-negative least
 * squares on relative error, the copy term kept where it lowers the loss by 1% or more. A copy
 * rate the data leave at 0 time is the fastest a profile holds.
 *
 * The scale is then the median over the runs of what each says (its time less the copies, over its
 * kernels less the cost), where at least ROBUST_MIN runs of ROBUST_MIN_MS of kernels say it: a run
 * whose profiled and unprofiled halves fell in different phases of a busy host says 0.7 or 1.5, and
 * least squares followed a few such runs (one calibration here fitted 0.68 where the two beside it
 * fitted 0.99 and 1.01).
 */
export function wholeModelFit(ws: Whole[], cost: ProfilerCost): { kernelScale: number; ioGbps: number } {
  // a run of a few tiny kernels is mostly harness: its remainder says little, and 1/ms² would let it outweigh the rest
  const timed = ws.filter((w) => w.ms >= MIN_WHOLE_MS && Number.isFinite(w.ms));
  const rows = timed.map((w) => [
    w.kernelMs - profilerCostOf(cost, w.kernels, w.tensors, w.witnessMs),
    w.outputBytes / 1e6,
  ]);
  const ms = timed.map((w) => w.ms);
  const weights = ms.map((t) => 1 / (t + NOISE_FLOOR_MS) ** 2);
  const loss = (x: number[]) => rows.reduce((s, r, k) => s + weights[k] * (dot(r, x) - ms[k]) ** 2, 0);
  // the kernels alone: one coefficient, in closed form
  const sxy = rows.reduce((a, r, k) => a + weights[k] * r[0] * ms[k], 0);
  const sxx = rows.reduce((a, r, k) => a + weights[k] * r[0] * r[0], 0);
  let best = [sxx > 0 ? sxy / sxx : 1, 0];
  const both = nnls(rows, ms, [0, 1], weights);
  // the copy term only where it explains what the kernels leave (not where it is collinear with them)
  if (both[0] > 0 && loss(both) < 0.99 * loss(best)) best = both;
  const [fitted, msPerByte] = best;
  const says = rows.flatMap((r, k) => (r[0] >= ROBUST_MIN_MS ? [(ms[k] - r[1] * msPerByte) / r[0]] : []));
  const scale = says.length >= ROBUST_MIN ? median(says) : fitted;
  const ioGbps = msPerByte > 0 ? 1 / msPerByte : RATE.max;
  return { kernelScale: scale > 0 ? scale : 1, ioGbps: Math.min(RATE.max, Math.max(RATE.min, ioGbps)) };
}

/**
 * What touching the caller's buffers costs beyond a kernel's class, from the edge kernels'
 * residuals over their class's prediction (absolute error: a cost per byte, which small kernels say
 * little about). Writing a model output: ms per MiB (a fresh output buffer faults its pages in each
 * run), the least-squares slope, at least 0. The residuals stay signed: clipped at 0, as calibration
 * did before 2026-12-06, they keep only the kernels their class under-predicts, so the class's own
 * error (15-40% of a kernel) reads as a cost per byte.
 *
 * Reading a model input: 0. Fitted the same way it came out at 0.11-0.14 ms per MiB here, and a
 * 0.26 MiB image then cost its stem convolution 37 µs more than the stem takes inside a network.
 * Measured directly (the same chain reading the caller's buffer, then an inner tensor), a 3-channel
 * stem convolution at 152x152 and 224x224 takes the same time either way (59 and 58 µs, 126 and 124 µs)
 * and a ReorderInput of 0.4 to 1.5 MiB about 0.01 ms per MiB more: the fitted cost was the edge kernels'
 * own misses (first kernels of a chain, of shapes the inner fit rarely sees), not the buffer's.
 */
export function edgeCostFit(edges: { outputMiB: number; residualMs: number }[]): {
  inputMsPerMiB: number;
  outputMsPerMiB: number;
} {
  const out = edges.filter((e) => e.outputMiB > 0);
  const sxx = out.reduce((a, e) => a + e.outputMiB * e.outputMiB, 0);
  const sxy = out.reduce((a, e) => a + e.outputMiB * e.residualMs, 0);
  const slope = out.length >= MIN_EDGE_KERNELS && sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  return { inputMsPerMiB: 0, outputMsPerMiB: slope };
}

/** the kernels writing a model output calibration needs before it fits a cost per byte of it */
const MIN_EDGE_KERNELS = 3;

/**
 * GB/s by working set from copies of growing size (each sample: bytes moved and ms). A kernel's
 * time is a fixed cost plus its traffic over the bandwidth; the fixed cost comes from the two
 * smallest sizes, and each size's bandwidth is its traffic over the rest of its time. The curve is
 * made non-increasing (a larger working set never moves faster).
 */
export function bandwidthCurve(samples: { bytes: number; ms: number }[]): { bytes: number; gbps: number }[] {
  const bySize = new Map<number, number[]>();
  for (const s of samples) bySize.set(s.bytes, [...(bySize.get(s.bytes) ?? []), s.ms]);
  const pts = [...bySize].map(([bytes, ms]) => ({ bytes, ms: median(ms) })).sort((a, b) => a.bytes - b.bytes);
  const [a, b] = pts;
  const fixed = b ? Math.min(Math.max(0, (a.ms * b.bytes - b.ms * a.bytes) / (b.bytes - a.bytes)), 0.9 * a.ms) : 0;
  const raw = pts.map((p) => ({ bytes: p.bytes, gbps: p.bytes / Math.max(p.ms - fixed, 0.1 * p.ms) / 1e6 }));
  for (let i = raw.length - 2; i >= 0; i--) raw[i].gbps = Math.max(raw[i].gbps, raw[i + 1].gbps);
  return raw;
}
