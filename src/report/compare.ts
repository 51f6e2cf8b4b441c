/** `netcost compare` as a document: totals side by side, ratios, latency measured and predicted, stages, categories. */
import { compareCharts } from '../pictures/charts.ts';
import { type Cell, type Column, type Document, lines, num, type TableSection, text } from '../result/document.ts';
import type { CompareResult } from './compare-result.ts';
import { corr, fixed, shape } from './format.ts';

const ratio = (x: number, base: number) => (base > 0 ? x / base : null);

/** The models table: costs, ratios to the first model, latency measured (p10-p90) and each machine's prediction. */
function modelsTable(c: CompareResult): TableSection {
  const preds = c.predicted ?? [];
  // machines are columns A, B, ... when there are several
  const tag = (k: number) => (preds.length > 1 ? String.fromCharCode(65 + k) : '');
  const lat = c.measured?.latencies;
  const base = c.models[0].totals;
  const columns: Column[] = [
    text('model'),
    text('input'),
    num('params', 'params', 'int'),
    num('madds', 'MAdds', 'count', { scaled: true }),
    num('flops', 'FLOPs', 'count', { scaled: true }),
    num('memoryAccess', 'MAC (el)', 'count', { scaled: true, alias: 'mac' }),
    num('memoryAccessBytes', 'MAC (bytes)', 'bytes', { alias: 'bytes' }),
    num('intensity', 'FLOP/B', 'fixed'),
    num('paramsRatio', 'params x', 'ratio'),
    num('maddsRatio', 'MAdds x', 'ratio'),
    num('memoryAccessRatio', 'MAC x', 'ratio'),
    num('layers', 'layers', 'int'),
    ...(lat
      ? [
          num('medianMs', 'latency (ms)', 'fixed', { digits: 3, alias: 'latency' }),
          text('p10p90', 'p10-p90 (ms)', { only: 'display' }),
          num('p10Ms', 'p10Ms', 'fixed', { only: 'csv' }),
          num('p90Ms', 'p90Ms', 'fixed', { only: 'csv' }),
          num('latencyRatio', 'latency x', 'ratio'),
        ]
      : []),
    ...preds.flatMap((_, k) => {
      const t = tag(k) ? ` ${tag(k)}` : '';
      return [
        num(`predictedMs${tag(k)}`, `predicted${t} (ms)`, 'fixed', { digits: 3, alias: `predicted${tag(k)}` }),
        text(`predictedRange${tag(k)}`, `p10-p90${t} (ms)`, { only: 'display' }),
        num(`predictedRatio${tag(k)}`, `predicted${t} x`, 'ratio'),
        ...(lat ? [num(`error${tag(k)}`, `error${t}`, 'signed')] : []),
      ];
    }),
  ];
  const rows = c.models.map((m, i): Cell[] => {
    const t = m.totals;
    const l = lat?.[i].latency;
    return [
      m.model,
      shape(m.input),
      t.params,
      t.madds,
      t.flops,
      t.memoryAccess,
      t.memoryAccessBytes,
      t.intensity,
      ratio(t.params, base.params),
      ratio(t.madds, base.madds),
      ratio(t.memoryAccess, base.memoryAccess),
      t.layers,
      ...(l && lat
        ? [
            l.medianMs,
            `${fixed(l.p10Ms)}-${fixed(l.p90Ms)}`,
            l.p10Ms,
            l.p90Ms,
            ratio(l.medianMs, lat[0].latency.medianMs),
          ]
        : []),
      ...preds.flatMap((p) => [
        p.predictedMs[i],
        `${fixed(p.lowMs[i])}-${fixed(p.highMs[i])}`,
        ratio(p.predictedMs[i], p.predictedMs[0]),
        ...(l ? [p.predictedMs[i] / l.medianMs - 1] : []),
      ]),
    ];
  });
  return { kind: 'table', id: 'models', label: 'Models', primary: true, columns, rows };
}

/** Stages in first-seen order across models; a cell is a stage's MAdds / MAC. */
function stagesTable(c: CompareResult): TableSection | undefined {
  const names: string[] = [];
  for (const m of c.models) for (const s of m.stages) if (!names.includes(s.name)) names.push(s.name);
  if (names.length === 0) return undefined;
  return {
    kind: 'table',
    id: 'stages',
    title: 'By stage, MAdds / MAC (elements)',
    columns: [text('stage'), ...c.models.map((m, i) => num(`model${i}`, m.model, 'pair'))],
    rows: names.map((n) => [
      n,
      ...c.models.map((m): Cell => {
        const s = m.stages.find((x) => x.name === n);
        return s ? [s.madds, s.memoryAccess] : null;
      }),
    ]),
  };
}

/** What kind of work each model's cost is: the V1/V2 papers' argument in one table. */
function categoriesTable(c: CompareResult): TableSection {
  const names: string[] = [];
  for (const m of c.models) for (const b of m.summary.byCategory) if (!names.includes(b.name)) names.push(b.name);
  return {
    kind: 'table',
    id: 'categories',
    title: 'By category, share of MAdds / MAC',
    columns: [text('category'), ...c.models.map((m, i) => num(`model${i}`, m.model, 'sharePair'))],
    rows: names.map((n) => [
      n,
      ...c.models.map((m): Cell => {
        const b = m.summary.byCategory.find((x) => x.name === n);
        return b ? [b.madds / (m.totals.madds || 1), b.memoryAccess / (m.totals.memoryAccess || 1)] : null;
      }),
    ]),
  };
}

function noteLines(c: CompareResult): string[] {
  const first = c.models[0].model;
  const notes = [
    `ratios (x) are to the first model, ${first}. MAdds: multiply-adds of conv and linear layers (the ` +
      `papers' "FLOPs"); MAC: memory access cost in elements (reads incl. weights + writes), bytes at ` +
      `${c.dtype === 'file' ? "each ONNX tensor's own type" : c.dtype}; view ${c.view}.`,
    "stage cells: MAdds / MAC (elements); category cells: share of the model's MAdds / MAC; top-level layers and " +
      'conv groups (conv1, conv5, pool, fc...) are in the totals only.',
  ];
  const m = c.measured;
  if (m) {
    const e = m.env;
    notes.push(
      `latency: onnxruntime ${e.onnxruntime} on ${e.cpu}, ${e.threads} intra-op ` +
        `thread${e.threads === 1 ? '' : 's'}, graph optimisation '${e.graphOptimizationLevel}'; median of ` +
        `${m.latencies[0].latency.runs} runs per model, timed in interleaved rounds of 5 runs each so ` +
        'drift hits every model alike.',
      `rank correlation (Spearman) over these ${c.models.length} models: latency vs MAdds ` +
        `${corr(m.spearmanMadds)}, latency vs MAC ${corr(m.spearmanMemoryAccess)}.`,
    );
  }
  const preds = c.predicted ?? [];
  for (const [k, p] of preds.entries()) {
    const tag = preds.length > 1 ? ` ${String.fromCharCode(65 + k)}` : '';
    const order = p.predictedMs.map((_, i) => i).sort((a, b) => p.predictedMs[a] - p.predictedMs[b]);
    notes.push(
      `predicted${tag} for ${p.machine}, ${p.threads} thread${p.threads === 1 ? '' : 's'} (${p.profile}), ` +
        `without running anything; p10-p90 over the profile's uncertainty; fastest first: ` +
        `${order.map((i) => c.models[i].model).join(' < ')}.` +
        (p.spearmanMeasured !== undefined
          ? ` Rank correlation of predicted with measured latency: ${corr(p.spearmanMeasured)}.`
          : ''),
    );
  }
  return notes;
}

export function compareDocument(c: CompareResult): Document {
  const stages = stagesTable(c);
  const warnings = c.measured?.warnings ?? [];
  return {
    title: `netcost compare: ${c.models.length} models`,
    head: [],
    sections: [
      modelsTable(c),
      ...(stages ? [stages] : []),
      categoriesTable(c),
      lines('notes', noteLines(c), 'list', 'Notes'),
      ...(warnings.length ? [lines('warnings', warnings, 'warning', 'Warnings')] : []),
    ],
    data: c,
    charts: () => compareCharts(c),
  };
}
