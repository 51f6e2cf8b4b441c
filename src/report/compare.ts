/** `netcost compare` as a document: totals side by side, ratios, latency measured and predicted, stages, categories. */

import { type Cell, type Column, type Document, lines, num, type TableSection, text } from '../result/document.ts';
import { corr, fixed, shape } from '../result/format.ts';
import { compareCharts } from './charts/compare.ts';
import { COUNT_COLUMNS, countCells } from './columns.ts';
import type { CompareResult } from './compare-result.ts';

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
    // in a narrow terminal, after the count columns' own: layers, the ratios, the ranges, the input
    text('input', 'input', { hideRank: 10 }),
    ...COUNT_COLUMNS,
    num('paramsRatio', 'params x', 'ratio', { hideRank: 5 }),
    num('maddsRatio', 'MAdds x', 'ratio', { hideRank: 11 }),
    num('memoryAccessRatio', 'MAC x', 'ratio', { hideRank: 6 }),
    num('layers', 'layers', 'int', { hideRank: 4 }),
    ...(lat
      ? [
          num('medianMs', 'latency (ms)', 'fixed', { digits: 3, alias: 'latency' }),
          text('p10p90', 'p10-p90 (ms)', { only: 'display', hideRank: 7 }),
          num('p10Ms', 'p10Ms', 'fixed', { only: 'csv' }),
          num('p90Ms', 'p90Ms', 'fixed', { only: 'csv' }),
          num('latencyRatio', 'latency x', 'ratio'),
          num('itemsPerSecond', 'items/s', 'fixed', { digits: 1, alias: 'throughput' }),
        ]
      : []),
    ...preds.flatMap((_, k) => {
      const t = tag(k) ? ` ${tag(k)}` : '';
      return [
        num(`predictedMs${tag(k)}`, `predicted${t} (ms)`, 'fixed', { digits: 3, alias: `predicted${tag(k)}` }),
        text(`predictedRange${tag(k)}`, `p10-p90${t} (ms)`, { only: 'display', hideRank: 8 }),
        num(`predictedRatio${tag(k)}`, `predicted${t} x`, 'ratio', { hideRank: 9 }),
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
      ...countCells(t),
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
            // a batch of N is N items: the input's first dimension
            (1000 * (m.input[0] ?? 1)) / l.medianMs,
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

type Model = CompareResult['models'][number];

/**
 * One row per item (a stage, a category) in first-seen order across the models, one column per
 * model: a pair of numbers, or empty where the model has no such item.
 */
function perModel(
  c: CompareResult,
  what: { id: string; title: string; first: string; kind: 'pair' | 'sharePair' },
  items: (m: Model) => { name: string; pair: [number, number] }[],
): TableSection {
  const byModel = c.models.map((m) => new Map(items(m).map((x) => [x.name, x.pair])));
  const names = [...new Set(byModel.flatMap((m) => [...m.keys()]))];
  return {
    kind: 'table',
    id: what.id,
    title: what.title,
    columns: [text(what.first), ...c.models.map((m, i) => num(`model${i}`, m.model, what.kind))],
    rows: names.map((n): Cell[] => [n, ...byModel.map((m) => m.get(n) ?? null)]),
  };
}

/** Each model's stages: MAdds / MAC. */
const stagesTable = (c: CompareResult) =>
  perModel(c, { id: 'stages', title: 'By stage, MAdds / MAC (elements)', first: 'stage', kind: 'pair' }, (m) =>
    m.stages.map((s) => ({ name: s.name, pair: [s.madds, s.memoryAccess] })),
  );

/** What kind of work each model's cost is, as shares of its MAdds / MAC: the V1/V2 papers' argument in one table. */
const categoriesTable = (c: CompareResult) =>
  perModel(
    c,
    { id: 'categories', title: 'By category, share of MAdds / MAC', first: 'category', kind: 'sharePair' },
    (m) =>
      m.summary.byCategory.map((b) => ({
        name: b.name,
        pair: [b.madds / (m.totals.madds || 1), b.memoryAccess / (m.totals.memoryAccess || 1)],
      })),
  );

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
      ...(stages.rows.length ? [stages] : []),
      categoriesTable(c),
      lines('notes', noteLines(c), 'list', 'Notes'),
      ...(warnings.length ? [lines('warnings', warnings, 'warning', 'Warnings')] : []),
    ],
    data: c,
    charts: () => compareCharts(c),
  };
}
