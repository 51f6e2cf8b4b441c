/** `netcost compare`: totals of several models side by side, ratios to the first, per-stage breakdown. */
import { type CostReport, SCHEMA_VERSION } from '../cost/analyze.ts';
import type { LatencyOf } from '../measure/bench.ts';
import type { MeasureEnv } from '../measure/env.ts';
import { spearman } from '../measure/stats.ts';
import { mdText } from '../util/text.ts';
import { corr, costCells, costHead, count, csvLine, fixed, mdTable, pct, ratio, shape, type Units } from './format.ts';
import type { Format } from './report.ts';
import { textTable } from './table.ts';

/** Latency measured for every compared model in one interleaved run. */
export interface CompareMeasurement {
  env: MeasureEnv;
  latencies: LatencyOf[];
  /** Spearman rank correlation over the compared models */
  spearmanMadds: number;
  spearmanMemoryAccess: number;
  warnings: string[];
}

/** Latency predicted from one machine profile for every compared model (`--predict`, each `--profile`). */
export interface ComparePrediction {
  machine: string;
  threads: number;
  profile: string;
  /** per model, in the order compared */
  predictedMs: number[];
  /** per model: the prediction's interval over the profile's bootstrap (10th, 90th percentile) */
  lowMs: number[];
  highMs: number[];
  /** with --measure: rank correlation of predicted with measured latency */
  spearmanMeasured?: number;
}

export interface CompareResult {
  schemaVersion: number;
  view: string;
  dtype: string;
  measured?: CompareMeasurement;
  /** one per machine profile */
  predicted?: ComparePrediction[];
  models: {
    model: string;
    file: string;
    input: number[];
    totals: CostReport['totals'];
    stages: {
      name: string;
      params: number;
      madds: number;
      flops: number;
      memoryAccess: number;
      memoryAccessBytes: number;
    }[];
  }[];
}

export function measurement(
  reports: CostReport[],
  m: { results: LatencyOf[]; env: MeasureEnv; warnings: string[] },
): CompareMeasurement {
  const lat = m.results.map((r) => r.latency.medianMs);
  return {
    env: m.env,
    latencies: m.results,
    spearmanMadds: spearman(
      lat,
      reports.map((r) => r.totals.madds),
    ),
    spearmanMemoryAccess: spearman(
      lat,
      reports.map((r) => r.totals.memoryAccess),
    ),
    warnings: m.warnings,
  };
}

export function compareResult(
  reports: CostReport[],
  measured?: CompareMeasurement,
  predicted?: ComparePrediction[],
): CompareResult {
  const withRank = predicted?.map((p) =>
    measured
      ? {
          ...p,
          spearmanMeasured: spearman(
            p.predictedMs,
            measured.latencies.map((l) => l.latency.medianMs),
          ),
        }
      : p,
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    view: reports[0].view,
    dtype: reports[0].dtype,
    ...(measured ? { measured } : {}),
    ...(withRank ? { predicted: withRank } : {}),
    models: reports.map((r) => ({
      model: r.model,
      file: r.file,
      input: r.input,
      totals: r.totals,
      summary: r.summary,
      stages: r.groups
        .filter((g) => g.depth === 1 && g.kind !== 'conv')
        .map(({ name, params, madds, flops, memoryAccess, memoryAccessBytes }) => ({
          name,
          params,
          madds,
          flops,
          memoryAccess,
          memoryAccessBytes,
        })),
    })),
  };
}

export function renderCompare(
  reports: CostReport[],
  format: Format,
  measured?: CompareMeasurement,
  units: Units = 'auto',
  predicted?: ComparePrediction[],
): string {
  const res = compareResult(reports, measured, predicted);
  const preds = res.predicted ?? [];
  // machines are columns A, B, ... when there are several
  const tag = (k: number) => (preds.length > 1 ? ` ${String.fromCharCode(65 + k)}` : '');
  if (format === 'json') return `${JSON.stringify(res, null, 2)}\n`;
  const base = reports[0].totals;
  const lat = measured?.latencies;
  const head = [
    'model',
    'input',
    ...costHead(units),
    'params x',
    'MAdds x',
    'MAC x',
    'layers',
    ...(lat ? ['latency (ms)', 'p10-p90 (ms)', 'latency x'] : []),
    ...preds.flatMap((_, k) => [`predicted${tag(k)} (ms)`, `predicted${tag(k)} x`, ...(lat ? [`error${tag(k)}`] : [])]),
  ];
  const rows = reports.map((r, i) => {
    const t = r.totals;
    return [
      r.model,
      shape(r.input),
      ...costCells(t, units),
      ratio(t.params, base.params),
      ratio(t.madds, base.madds),
      ratio(t.memoryAccess, base.memoryAccess),
      String(t.layers),
      ...(lat
        ? [
            fixed(lat[i].latency.medianMs, 3),
            `${fixed(lat[i].latency.p10Ms, 2)}-${fixed(lat[i].latency.p90Ms, 2)}`,
            ratio(lat[i].latency.medianMs, lat[0].latency.medianMs),
          ]
        : []),
      ...preds.flatMap((pred) => [
        fixed(pred.predictedMs[i], 3),
        ratio(pred.predictedMs[i], pred.predictedMs[0]),
        ...(lat ? [pct(pred.predictedMs[i] - lat[i].latency.medianMs, lat[i].latency.medianMs)] : []),
      ]),
    ];
  });
  if (format === 'csv') {
    const lines = reports.map((r) => {
      const t = r.totals;
      return csvLine([
        r.model,
        shape(r.input),
        t.params,
        t.madds,
        t.flops,
        t.memoryAccess,
        t.memoryAccessBytes,
        t.intensity.toFixed(4),
        (t.params / base.params).toFixed(4),
        (t.madds / base.madds).toFixed(4),
        (t.memoryAccess / base.memoryAccess).toFixed(4),
        t.layers,
      ]);
    });
    const withLat = lines.map(
      (l, i) =>
        l +
        (lat ? `,${lat[i].latency.medianMs},${lat[i].latency.p10Ms},${lat[i].latency.p90Ms}` : '') +
        preds.map((pred) => `,${pred.predictedMs[i]}`).join(''),
    );
    const csvHead = [
      'model',
      'input',
      'params',
      'madds',
      'flops',
      'memoryAccess',
      'memoryAccessBytes',
      'intensity',
      'paramsRatio',
      'maddsRatio',
      'memoryAccessRatio',
      'layers',
      ...(lat ? ['medianMs', 'p10Ms', 'p90Ms'] : []),
      ...preds.map((_, k) => `predictedMs${tag(k).trim()}`),
    ];
    return `${[csvLine(csvHead), ...withLat].join('\n')}\n`;
  }
  // per-stage breakdown: stages in first-seen order across models
  const stageNames: string[] = [];
  for (const m of res.models) for (const s of m.stages) if (!stageNames.includes(s.name)) stageNames.push(s.name);
  const sHead = ['stage', ...res.models.map((m) => m.model)];
  const sRows = stageNames.map((n) => [
    n,
    ...res.models.map((m) => {
      const s = m.stages.find((x) => x.name === n);
      return s ? `${count(s.madds, units)} / ${count(s.memoryAccess, units)}` : '-';
    }),
  ]);
  // what kind of work each model's cost is: the V1/V2 papers' argument in one table
  const categories: string[] = [];
  for (const r of reports)
    for (const b of r.summary.byCategory) if (!categories.includes(b.name)) categories.push(b.name);
  const cHead = ['category', ...reports.map((r) => r.model)];
  const cRows = categories.map((c) => [
    c,
    ...reports.map((r) => {
      const b = r.summary.byCategory.find((x) => x.name === c);
      return b ? `${pct(b.madds, r.totals.madds)} / ${pct(b.memoryAccess, r.totals.memoryAccess)}` : '-';
    }),
  ]);
  const notes = [
    `ratios (x) are to the first model, ${reports[0].model}. MAdds: multiply-adds of conv and linear layers (the ` +
      `papers' "FLOPs"); MAC: memory access cost in elements (reads incl. weights + writes), MiB at ` +
      `${res.dtype === 'file' ? "each ONNX tensor's own type" : res.dtype}; ` +
      `view ${res.view}.`,
    `stage cells: MAdds / MAC (elements); category cells: share of the model's MAdds / MAC; top-level layers and ` +
      `conv groups (conv1, conv5, pool, fc...) are in ` +
      `the totals only.`,
  ];
  if (measured) {
    const e = measured.env;
    notes.push(
      `latency: onnxruntime ${e.onnxruntime} on ${e.cpu}, ${e.threads} intra-op ` +
        `thread${e.threads === 1 ? '' : 's'}, graph optimisation '${e.graphOptimizationLevel}'; median of ` +
        `${measured.latencies[0].latency.runs} runs per model, timed in interleaved rounds of 5 runs each so ` +
        `drift hits every model alike.`,
      `rank correlation (Spearman) over these ${reports.length} models: latency vs MAdds ` +
        `${corr(measured.spearmanMadds)}, latency vs MAC ${corr(measured.spearmanMemoryAccess)}.`,
      ...measured.warnings.map((w) => `warning: ${w}`),
    );
  }
  for (const [k, pred] of preds.entries()) {
    const order = pred.predictedMs.map((_, i) => i).sort((a, b) => pred.predictedMs[a] - pred.predictedMs[b]);
    notes.push(
      `predicted${tag(k)} for ${pred.machine}, ${pred.threads} thread${pred.threads === 1 ? '' : 's'} ` +
        `(${pred.profile}), ` +
        `without running anything; fastest first: ${order.map((i) => reports[i].model).join(' < ')}.` +
        (pred.spearmanMeasured !== undefined
          ? ` Rank correlation of predicted with measured latency: ${corr(pred.spearmanMeasured)}.`
          : ''),
    );
  }
  if (format === 'md') {
    const parts = ['### netcost compare', '', mdTable(head, rows)];
    if (stageNames.length) parts.push('', '#### By stage: MAdds / MAC (elements)', '', mdTable(sHead, sRows));
    parts.push('', '#### By category: share of MAdds / MAC', '', mdTable(cHead, cRows));
    parts.push('', ...notes.map((x) => `- ${mdText(x)}`));
    return `${parts.join('\n')}\n`;
  }
  const parts = [
    textTable(
      head,
      rows,
      head.map((_, i) => (i < 2 ? 'l' : 'r')),
    ),
  ];
  if (stageNames.length) parts.push('', 'By stage, MAdds / MAC (elements):', textTable(sHead, sRows));
  parts.push('', 'By category, share of MAdds / MAC:', textTable(cHead, cRows));
  parts.push('', ...notes);
  return `${parts.join('\n')}\n`;
}
