// Statistics and measurement for scripts/predict-validation.mjs: ranks, relative least squares,
// summaries of errors, and timing models interleaved with the speed probes.

export const median = (xs) => quantileOf(xs, 0.5);
export function quantileOf(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const pos = (s.length - 1) * q;
  const [lo, hi] = [Math.floor(pos), Math.ceil(pos)];
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const pct = (x, d = 1) => `${(100 * x).toFixed(d)}%`;

export function spearman(x, y) {
  const rank = (v) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array(v.length);
    idx.forEach((i, k) => {
      r[i] = k;
    });
    return r;
  };
  const [rx, ry] = [rank(x), rank(y)];
  const n = x.length;
  return 1 - (6 * rx.reduce((a, r, i) => a + (r - ry[i]) ** 2, 0)) / (n * (n * n - 1));
}

/** least squares on relative error: y ≈ X·c (columns of X), c free */
export function fitRelative(X, y) {
  const n = X[0].length;
  const w = y.map((v) => 1 / (v * v));
  const A = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => X.reduce((s, r, k) => s + w[k] * r[i] * r[j], 0)),
    X.reduce((s, r, k) => s + w[k] * r[i] * y[k], 0),
  ]);
  for (let c = 0; c < n; c++) {
    const p = A.slice(c).reduce((b, r, i) => (Math.abs(r[c]) > Math.abs(A[b][c]) ? c + i : b), c);
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || A[c][c] === 0) continue;
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k];
    }
  }
  return A.map((r, i) => r[n] / r[i]);
}

/** errors (predicted / measured - 1) summarised: share within ±10%, median and max |error|, Spearman */
export const summary = (errors, measured, predicted) => ({
  n: errors.length,
  within: errors.filter((e) => Math.abs(e) <= 0.1).length / errors.length,
  mae: median(errors.map(Math.abs)),
  max: Math.max(...errors.map(Math.abs)),
  rho: spearman(measured, predicted),
});
export const HEAD =
  '| | models | within ±10% | median abs error | max abs error | Spearman |\n' +
  '| --- | ---: | ---: | ---: | ---: | ---: |';
export const row = (label, s) =>
  `| ${label} | ${s.n} | ${pct(s.within, 0)} | ${pct(s.mae)} | ${pct(s.max, 0)} | ${s.rho.toFixed(3)} |`;

/**
 * The baseline a·MAdds + b·MAC, fitted on the measurements themselves (relative least squares):
 * its errors on those very measurements, with MAC from `macOf` (a model's original or deploy view).
 */
export function baselineErrors(rows, macOf) {
  const X = rows.map((r) => [r.madds, macOf(r)]);
  const y = rows.map((r) => r.measured);
  const [a, b] = fitRelative(X, y);
  const pred = X.map(([m, c]) => a * m + b * c);
  return { errors: pred.map((p, i) => p / y[i] - 1), predicted: pred };
}

/**
 * The quantile of a model's runs taken as its time: every round is timed in the machine's
 * undisturbed phase (src/measure/phase.ts), as calibration times; the lower quartile of those runs,
 * as calibration takes them.
 */
export const LOW = 0.25;

/**
 * Time targets interleaved with the compute and memory probes, four at a time: per target its runs'
 * median and lower quartile (LOW),
 * and the probes' lower quartiles beside it. Small models get more runs, so that each spans at
 * least `spanMs` of the machine's time.
 */
export async function measure(nc, targets, { threads, runs, spanMs = 500 }) {
  const probes = [nc.speedProbe(), nc.memoryProbe()].map((m) => ({
    kind: 'onnx',
    file: `${m.name}.onnx`,
    bytes: m.bytes,
  }));
  const out = [];
  for (let i = 0; i < targets.length; i += 4) {
    const chunk = targets.slice(i, i + 4);
    // a first look at each model's time, to give the small ones more runs
    const look = await nc.benchMany(chunk, { runs: 3, warmup: 1, threads });
    const fastest = Math.min(...look.results.map((r) => r.latency.medianMs));
    const n = Math.max(runs, Math.min(100, Math.ceil(spanMs / Math.max(fastest, 0.05))));
    const r = await nc.benchMany([...probes, ...chunk], { runs: n, warmup: 3, threads, undisturbed: true });
    const q = (k) => quantileOf(r.samples[k], LOW);
    for (const k of chunk.keys())
      out.push({ low: q(k + 2), median: median(r.samples[k + 2]), probeMs: q(0), memoryMs: q(1), runs: n });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return out;
}
