/**
 * Fitting one kernel class's latency model to measured layers: overhead, compute efficiency and
 * memory efficiency, chosen to minimise the squared log error (a relative error, so small layers
 * weigh as much as large ones). Nelder-Mead over the logarithms of the three parameters.
 */
import { quantile } from '../measure/stats.ts';
import type { ClassFit, MachineProfile } from './machine.ts';
import { terms } from './predict.ts';

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
/**
 * The bandwidth roof comes from ReLU chains; a kernel that reuses data in cache (a pooling window,
 * a convolution's input rows) may move its counted bytes faster, up to this factor.
 */
const MAX_MEMORY_EFFICIENCY = 4;
/** weight of the prior on the efficiencies, against the sum of squared log errors */
const PRIOR_WEIGHT = 0.05;

export interface Sample {
  flops: number;
  bytes: number;
  ms: number;
  gemmWidth?: number;
  /** a convolution that ran without onnxruntime's blocked layout */
  plain?: boolean;
}

/** Minimise f from x0 (Nelder-Mead, standard coefficients). */
export function nelderMead(f: (x: number[]) => number, x0: number[], step = 1, iterations = 400): number[] {
  const n = x0.length;
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, y: f(x) }));
  const at = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i] - v));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.y - b.y);
    const worst = simplex[n];
    const centroid = x0.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i], 0) / n);
    const reflect = at(centroid, worst.x, -1);
    const yr = f(reflect);
    if (yr < simplex[0].y) {
      const expand = at(centroid, worst.x, -2);
      const ye = f(expand);
      simplex[n] = ye < yr ? { x: expand, y: ye } : { x: reflect, y: yr };
    } else if (yr < simplex[n - 1].y) {
      simplex[n] = { x: reflect, y: yr };
    } else {
      const contract = at(centroid, worst.x, 0.5);
      const yc = f(contract);
      if (yc < worst.y) simplex[n] = { x: contract, y: yc };
      else {
        const best = simplex[0].x;
        simplex = simplex.map((p, i) => (i === 0 ? p : { x: at(best, p.x, 0.5), y: f(at(best, p.x, 0.5)) }));
      }
    }
  }
  return simplex.sort((a, b) => a.y - b.y)[0].x;
}

export const median = (xs: number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

export const predictSample = (p: MachineProfile, fit: ClassFit, s: Sample): number => {
  const t = terms(p, fit, s.flops, s.bytes, s);
  return t.overhead + Math.max(t.compute, t.memory);
};

/** Fit one class to its samples against the machine's roofline (`p.classes` is not read). */
export function fitClass(p: MachineProfile, samples: Sample[]): ClassFit {
  const gemm = samples.every((s) => s.gemmWidth !== undefined);
  // convolutions with and without onnxruntime's blocked layout both among the samples: their
  // ratio is fitted (1 where there is no difference)
  const plains = samples.filter((s) => s.plain).length;
  const mixed = plains >= 2 && samples.length - plains >= 2;
  // efficiencies stay in (0, 1] of the peak and (0, MAX_MEMORY_EFFICIENCY] of the measured bandwidth
  const asFit = (x: number[]): ClassFit => ({
    overheadMs: Math.exp(x[0]),
    computeEfficiency: logistic(x[1]),
    memoryEfficiency: MAX_MEMORY_EFFICIENCY * logistic(x[2]),
    ...(gemm ? { halfWidth: Math.exp(x[3]) } : {}),
    ...(mixed ? { plainFactor: 2 * logistic(x[gemm ? 4 : 3]) } : {}),
    samples: samples.length,
    medianAbsError: 0,
  });
  // a weak pull toward compute efficiency 1/2 and memory efficiency 1, for a class whose layers
  // leave one term undetermined (all compute-bound, say): it stays plausible instead of drifting
  const prior = [0, -Math.log(MAX_MEMORY_EFFICIENCY - 1)];
  const loss = (x: number[]) => {
    const fit = asFit(x);
    const data = samples.reduce((a, s) => a + Math.log(predictSample(p, fit, s) / s.ms) ** 2, 0);
    return data + PRIOR_WEIGHT * ((x[1] - prior[0]) ** 2 + (x[2] - prior[1]) ** 2);
  };
  const minMs = Math.min(...samples.map((s) => s.ms));
  // start: half the smallest layer's time as overhead, the roofline at half efficiency
  // a GEMM class starts at half speed for 4-wide GEMMs
  const start = [Math.log(minMs / 2), ...prior, ...(gemm ? [Math.log(4)] : []), ...(mixed ? [0] : [])];
  const best = asFit(nelderMead(loss, start, 1, 800));
  return {
    ...best,
    medianAbsError: median(samples.map((s) => Math.abs(predictSample(p, best, s) / s.ms - 1))),
  };
}

/** One calibration network as a whole: median less the harness, its kernels' sum and count, its I/O bytes. */
export interface Whole {
  ms: number;
  kernelMs: number;
  kernels: number;
  ioBytes: number;
  overheadMs: number;
}

/** Weighted least squares: the x minimising sum w (row·x - y)^2 (normal equations, Gauss-Jordan). */
export function leastSquares(rows: number[][], y: number[], w: number[]): number[] {
  const n = rows[0].length;
  const a = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => rows.reduce((s, r, k) => s + w[k] * r[i] * r[j], 0)),
    rows.reduce((s, r, k) => s + w[k] * r[i] * y[k], 0),
  ]);
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

/**
 * How deflated kernel times (the profiler's cost per kernel taken off) relate to an unprofiled run:
 * ms = kernelScale · kernelMs + ioBytes / ioGbps, a run also copying its input and output. Least
 * squares on relative error; without a positive copying term, the scale alone.
 */
export function wholeModelFit(ws: Whole[]): { kernelScale: number; ioGbps: number } {
  const w = ws.map((x) => 1 / x.ms ** 2);
  const y = ws.map((x) => x.ms);
  const [a, b] = leastSquares(
    ws.map((x) => [x.kernelMs, x.ioBytes]),
    y,
    w,
  );
  if (a > 0 && b > 0) return { kernelScale: a, ioGbps: 1 / b / 1e6 };
  const [scale] = leastSquares(
    ws.map((x) => [x.kernelMs]),
    y,
    w,
  );
  return { kernelScale: scale, ioGbps: Number.MAX_VALUE };
}
