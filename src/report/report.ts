/**
 * `netcost report` as a document: the per-layer tree (cut at `--depth` by the writers), the stage,
 * operator and category tables, the totals, memory, notes, warnings and the legend.
 */
import { type CostReport, intensity, type Totals } from '../cost/analyze.ts';
import type { PredictedReport, PredictionSummary } from '../predict/attach.ts';
import { type Cell, type Column, type Document, lines, num, type TableSection, text } from '../result/document.ts';
import { bytes, count, fixed, int, shape } from '../result/format.ts';
import { reportCharts } from './charts/commands.ts';
import { COUNT_COLUMNS, countCells } from './columns.ts';
import { legend } from './legend.ts';
import { cutTree, type Row, reportTree } from './rows.ts';

/** The element types a report's bytes are at: the spec's one type, or each tensor's own (a file's). */
export function dtypeLabel(r: CostReport): string {
  if (r.dtype !== 'file') return r.dtype;
  const kinds = (r.precision ?? []).map((p) => `${p.dtype} ${p.layers}`).join(', ');
  return `per tensor${kinds ? ` (layers: ${kinds})` : ''}`;
}

/** Does the report mix precisions (a quantized model's float ends), so that rows show theirs? */
const mixed = (r: CostReport) => (r.precision?.length ?? 0) > 1;

/** Why the params total differs from the layers' sum, and what reading the model decided. */
export function noteLines(r: CostReport): string[] {
  const out: string[] = [];
  const p = r.params;
  if (p) {
    const shared = p.shared
      .slice(0, 3)
      .map(
        (s) =>
          `${s.tensor} (${int(s.elements)} elements, read ${s.uses} times: ${s.layers.join(', ')}` +
          `${s.uses > s.layers.length ? ', ...' : ''})`,
      )
      .join('; ');
    const more = p.shared.length > 3 ? `; ${p.shared.length - 3} more` : '';
    out.push(
      `params: the file stores ${int(p.stored)}; its layers use ${int(p.layers)} (${int(p.layers - p.stored)} more), ` +
        `because ${p.shared.length} stored tensor${p.shared.length === 1 ? ' is' : 's are'} read by more than one ` +
        `layer or aliased (torch writes one initializer for equal constants): ${shared}${more}. The total counts ` +
        'each stored tensor once; each row, what its layer uses.',
    );
  }
  for (const n of r.notes ?? []) out.push(`note: ${n}`);
  return out;
}

/** The machine a prediction is for, and what the total is made of. */
function predictionLines(p: PredictionSummary): string[] {
  const fixedCost = p.predictedMs - p.layersMs;
  return [
    `predicted ${fixed(p.predictedMs, 3)} ms per run (${fixed(p.lowMs, 3)}-${fixed(p.highMs, 3)} over the ` +
      `profile's uncertainty) on ${p.machine.cpu} (${p.machine.threads} thread${p.machine.threads === 1 ? '' : 's'}, ` +
      `onnxruntime ${p.machine.onnxruntime}): ${p.kernels} kernels ${fixed(p.layersMs, 3)} ms + ` +
      `${fixed(fixedCost, 3)} ms per run (harness, copying the output out); profile ${p.profile}`,
    `roofline: peak ${fixed(p.peakGflops, 1)} GFLOP/s, ${fixed(p.memoryGbps, 1)} GB/s from memory ` +
      `(${fixed(p.cacheGbps, 1)} GB/s in cache), balance point ${fixed(p.balancePoint, 1)} FLOP/B; a layer's time is ` +
      'its share of the kernels onnxruntime runs for it; bound: compute or memory when that term is at least ' +
      'twice the ' +
      'other, balanced otherwise, overhead when neither reaches the per-kernel cost',
    ...p.notes.map((n) => `note: ${n}`),
  ];
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;

/** torchinfo's summary block: params, activations, input and the estimated total. */
function memoryLines(r: CostReport): string[] {
  const m = r.summary.memory;
  return [
    `memory at ${r.dtype === 'file' ? "each tensor's own type" : r.dtype}: params ${mib(m.paramsBytes)}, ` +
      `input ${mib(m.inputBytes)}, ` +
      `all activations ${mib(m.activationBytes)} (every layer output kept), ` +
      `peak live activations ${mib(m.peakActivationBytes)} (at ${m.peakAt}, each tensor freed after its last ` +
      `reader), ` +
      `estimated total ${mib(m.totalBytes)} (params + input + peak activations)` +
      (m.cacheBytes
        ? `; key-value cache written ${mib(m.cacheBytes)} (the present keys and values, for the next step)`
        : ''),
  ];
}

/** The cost columns of every report table: the counts, and each one's share of the model's MAdds and MAC. */
const COSTS: Column[] = [
  ...COUNT_COLUMNS,
  num('maddsShare', 'MAdds %', 'share', { hideRank: 5 }),
  num('memoryAccessShare', 'MAC %', 'share', { hideRank: 4 }),
];
const costCells = (x: Totals & { intensity: number }, t: Totals): Cell[] => [
  ...countCells(x),
  x.madds / (t.madds || 1),
  x.memoryAccess / (t.memoryAccess || 1),
];

/** A layer attribute `--columns` may add, as the row shows it (`3x3`, `2x2`, `4`). */
const ATTRS = ['kernel', 'stride', 'groups'] as const;
const attrCell = (x: Row, a: (typeof ATTRS)[number]): Cell => {
  const v = x.layer?.[a];
  return Array.isArray(v) ? v.join('x') : typeof v === 'number' ? v : null;
};

/** The per-layer (and by-stage) columns: which show depends on the report (dtype, prediction). */
function layerColumns(r: CostReport, predicted: boolean): Column[] {
  return [
    text('model', 'model', { only: 'csv' }),
    text('name', 'layer'),
    text('op'),
    text('output', 'output', { hideRank: 6 }),
    text('dtype', 'dtype', { optional: !mixed(r) }),
    ...ATTRS.map((a) => text(a, a, { optional: true })),
    ...COSTS,
    ...(predicted
      ? [
          num('predictedUs', 'pred (us)', 'fixed', { digits: 1, alias: 'predicted', only: 'display' }),
          num('predictedMs', 'predictedMs', 'fixed', { only: 'csv' }),
          text('bound'),
        ]
      : []),
  ];
}

function layerCells(r: CostReport, x: Row, predicted: boolean): Cell[] {
  const ms = x.predictedMs;
  return [
    r.model,
    x.name,
    x.op,
    x.outputShape,
    x.dtype ?? null,
    ...ATTRS.map((a) => attrCell(x, a)),
    ...costCells(x, r.totals),
    ...(predicted ? [ms === undefined ? null : 1000 * ms, ms ?? null, x.bound ?? null] : []),
  ];
}

function totalRow(r: CostReport): Row {
  const t = r.totals;
  const p = (r as Partial<PredictedReport>).prediction;
  return {
    ...t,
    name: 'total',
    op: `${t.layers} layers`,
    outputShape: '',
    ...(p ? { predictedMs: p.predictedMs } : {}),
  };
}

/** The by-operator or by-category table: what kind of work the model's cost is. */
function breakdown(r: CostReport, by: 'byOp' | 'byCategory', title: string): TableSection {
  const first = by === 'byOp' ? 'operator' : 'category';
  return {
    kind: 'table',
    id: first,
    title,
    columns: [text(first), num('layers', 'layers', 'int'), ...COSTS],
    rows: r.summary[by].map((b) => [b.name, b.layers, ...costCells({ ...b, intensity: intensity(b) }, r.totals)]),
  };
}

/** The totals line: what the model costs in one sentence, each count in its own scale (1.9K, 8.13M, 2.30G). */
function summaryLine(r: CostReport): string {
  const t = r.totals;
  return (
    `total: ${int(t.params)} params, ${count(t.madds)} MAdds, ${count(t.flops)} FLOPs, ` +
    `${count(t.memoryAccess)} elements of memory access (${bytes(t.memoryAccessBytes)} at ` +
    `${r.dtype === 'file' ? "each tensor's own type" : r.dtype}), ${fixed(t.intensity)} FLOP/B, ${t.layers} layers`
  );
}

/** A report as a document; `warnings` are what reading the model said. */
export function reportDocument(r: CostReport, warnings: string[] = []): Document {
  const prediction = (r as Partial<PredictedReport>).prediction;
  const predicted = prediction !== undefined;
  const tree = reportTree(r);
  const columns = layerColumns(r, predicted);
  const stages = cutTree(tree, 1).map((x) => x.row);
  const sections: Document['sections'] = [
    {
      kind: 'table',
      id: 'layers',
      label: 'Per layer',
      primary: true,
      columns,
      rows: tree.rows.map((x) => layerCells(r, x, predicted)),
      tree: { level: tree.level, group: tree.group },
      total: layerCells(r, totalRow(r), predicted),
    },
  ];
  if (!stages.every((x) => x.layers === 1))
    sections.push({
      kind: 'table',
      id: 'stages',
      title: 'By stage',
      redundantAtDepth: 1,
      columns,
      rows: stages.map((x) => layerCells(r, x, predicted)),
      total: layerCells(r, totalRow(r), predicted),
    });
  sections.push(breakdown(r, 'byOp', 'By operator'), breakdown(r, 'byCategory', 'By category'));
  sections.push(lines('summary', [summaryLine(r), ...memoryLines(r), ...noteLines(r)], 'plain', 'Totals'));
  if (warnings.length) sections.push(lines('warnings', warnings, 'warning', 'Warnings'));
  sections.push(lines('legend', legend(r), 'list', 'Legend'));
  return {
    title: `netcost report: ${r.model}`,
    head: [
      `${r.model}  input ${shape(r.input)}  view ${r.view}  dtype ${dtypeLabel(r)}  (${r.file})`,
      ...(prediction ? predictionLines(prediction) : []),
    ],
    sections,
    data: warnings.length ? { ...r, warnings } : r,
    charts: (o) => reportCharts(r, o.depth),
  };
}
