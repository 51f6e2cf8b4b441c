/** `netcost report`: one model's per-layer costs as a table, JSON, CSV or Markdown. */
import { type CostReport, intensity, type LayerCost, opLabel, type Totals } from '../cost/analyze.ts';
import type { PredictedReport, PredictionSummary } from '../predict/attach.ts';
import { mdCode, mdText } from '../util/text.ts';
import { costCells, costHead, csvLine, fixed, int, mdTable, mega, pct, shape, type Units } from './format.ts';
import { legend } from './legend.ts';
import { textTable } from './table.ts';

export type Format = 'table' | 'json' | 'csv' | 'md';

/** A row of a report: a layer, or a group collapsed by --depth. */
export interface Row extends Totals {
  name: string;
  /** op of a layer; `[kind]` of a collapsed group */
  op: string;
  outputShape: string;
  intensity: number;
  layers: number;
  /** with --predict */
  predictedMs?: number;
  bound?: string;
  /** an imported file's layer precision */
  dtype?: string;
}

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

/** The prediction fields `withPrediction` puts on a layer, when present. */
const predicted = (l: LayerCost): Pick<Row, 'predictedMs' | 'bound'> =>
  typeof l.predictedMs === 'number' ? { predictedMs: l.predictedMs, bound: String(l.bound) } : {};

const layerRow = (l: LayerCost): Row => ({
  name: l.name,
  op: opLabel(l),
  ...(l.dtype !== undefined ? { dtype: l.dtype } : {}),
  outputShape: (l.outputShapes ?? [l.outputShape]).map(shape).join(' + '),
  params: l.params,
  madds: l.madds,
  flops: l.flops,
  memoryAccess: l.memoryAccess,
  memoryAccessBytes: l.memoryAccessBytes,
  intensity: l.intensity,
  layers: 1,
  ...predicted(l),
});

/**
 * Rows at a given depth: a layer deeper than `depth` is replaced by its enclosing group at that
 * depth (summed); depth 0 or Infinity keeps every layer.
 */
export function rowsAtDepth(r: CostReport, depth: number): Row[] {
  if (!(depth > 0) || !Number.isFinite(depth)) return r.layers.map(layerRow);
  const groups = new Map(r.groups.map((g) => [g.name, g]));
  const groupAt = (l: LayerCost) => l.path[depth - 1];
  const lastOf = new Map<string, LayerCost>();
  for (const l of r.layers) if (groupAt(l) !== undefined) lastOf.set(groupAt(l), l);
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const l of r.layers) {
    const gname = groupAt(l);
    const g = gname === undefined ? undefined : groups.get(gname);
    if (gname === undefined || !g) {
      rows.push(layerRow(l));
      continue;
    }
    if (seen.has(gname)) {
      const row = rows.find((x) => x.name === gname) as Row;
      if (row.predictedMs !== undefined) row.predictedMs += predicted(l).predictedMs ?? 0;
      continue;
    }
    seen.add(gname);
    const p = predicted(l);
    rows.push({
      name: g.name,
      op: `[${g.kind}]`,
      outputShape: shape(lastOf.get(gname)!.outputShape),
      params: g.params,
      madds: g.madds,
      flops: g.flops,
      memoryAccess: g.memoryAccess,
      memoryAccessBytes: g.memoryAccessBytes,
      intensity: g.intensity,
      layers: g.layers,
      ...(p.predictedMs !== undefined ? { predictedMs: p.predictedMs, bound: '' } : {}),
    });
  }
  return rows;
}

/** The columns of every report table, counts in the chosen units. */
function head(first: string, u: Units, withPrediction: boolean, withDtype = false): string[] {
  const breakdown = first === 'operator' || first === 'category';
  return [
    first,
    breakdown ? 'layers' : 'op',
    breakdown ? '' : 'output',
    ...(withDtype ? ['dtype'] : []),
    ...costHead(u),
    'MAdds %',
    'MAC %',
    ...(withPrediction ? ['pred (us)', 'bound'] : []),
  ];
}

function cells(row: Row, t: Totals, u: Units, withPrediction: boolean, withDtype = false): string[] {
  return [
    row.name,
    row.op,
    row.outputShape,
    ...(withDtype ? [row.dtype ?? ''] : []),
    ...costCells(row, u),
    pct(row.madds, t.madds),
    pct(row.memoryAccess, t.memoryAccess),
    ...(withPrediction
      ? [row.predictedMs === undefined ? '' : (1000 * row.predictedMs).toFixed(1), row.bound ?? '']
      : []),
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

/** The machine a prediction is for, and what the total is made of. */
function predictionLines(p: PredictionSummary): string[] {
  const fixedCost = p.predictedMs - p.layersMs;
  return [
    `predicted ${fixed(p.predictedMs, 3)} ms per run (${fixed(p.lowMs, 3)}-${fixed(p.highMs, 3)} over the ` +
      `profile's uncertainty) on ${p.machine.cpu} (${p.machine.threads} thread${p.machine.threads === 1 ? '' : 's'}, ` +
      `onnxruntime ${p.machine.onnxruntime}): ${p.kernels} kernels ${fixed(p.layersMs, 3)} ms + ` +
      `${fixed(fixedCost, 3)} ms per run (harness, copying input and output); profile ${p.profile}`,
    `roofline: peak ${fixed(p.peakGflops, 1)} GFLOP/s, ${fixed(p.memoryGbps, 1)} GB/s from memory ` +
      `(${fixed(p.cacheGbps, 1)} GB/s in cache), balance point ${fixed(p.balancePoint, 1)} FLOP/B; a layer's time is ` +
      'its share of the kernels onnxruntime runs for it; bound: compute or memory when that term is at least ' +
      'twice the ' +
      'other, balanced otherwise, overhead when neither reaches the per-kernel cost',
    ...p.notes.map((n) => `note: ${n}`),
  ];
}

/** The by-operator and by-category tables: what kind of work the model's cost is. */
function breakdownRows(r: CostReport, by: 'byOp' | 'byCategory'): Row[] {
  return r.summary[by].map((b) => ({
    ...b,
    op: String(b.layers),
    outputShape: '',
    intensity: intensity(b),
  }));
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
      `estimated total ${mib(m.totalBytes)} (params + input + peak activations)`,
  ];
}

/** Columns the per-layer rows can be sorted by (largest first), as `--sort` names them. */
export const SORT_KEYS = {
  params: (x: Row) => x.params,
  madds: (x: Row) => x.madds,
  flops: (x: Row) => x.flops,
  mac: (x: Row) => x.memoryAccess,
  bytes: (x: Row) => x.memoryAccessBytes,
  intensity: (x: Row) => x.intensity,
  predicted: (x: Row) => x.predictedMs ?? 0,
} as const;
export type SortKey = keyof typeof SORT_KEYS;

/** Which rows a table shows: sorted by a column (largest first, graph order among equals) and the first N. */
export interface RowChoice {
  sort?: SortKey;
  top?: number;
}

export function renderReport(
  r: CostReport,
  format: Format,
  depth = Infinity,
  units: Units = 'auto',
  choice: RowChoice = {},
): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const all = rowsAtDepth(r, depth);
  const key = choice.sort ? SORT_KEYS[choice.sort] : undefined;
  const sorted = key ? [...all].sort((a, b) => key(b) - key(a)) : all;
  const rows = choice.top === undefined ? sorted : sorted.slice(0, choice.top);
  const hidden = all.length - rows.length;
  if (format === 'csv') {
    const predictedCsv = (r as Partial<PredictedReport>).prediction !== undefined;
    const csvHead = ['model', 'name', 'op', 'output', 'params', 'madds', 'flops', 'memoryAccess', 'memoryAccessBytes'];
    const line = (x: Row) =>
      csvLine([
        r.model,
        x.name,
        x.op,
        x.outputShape,
        x.params,
        x.madds,
        x.flops,
        x.memoryAccess,
        x.memoryAccessBytes,
        x.intensity,
        x.madds / (r.totals.madds || 1),
        x.memoryAccess / (r.totals.memoryAccess || 1),
        ...(predictedCsv ? [x.predictedMs ?? '', x.bound ?? ''] : []),
      ]);
    const headLine = csvLine([
      ...csvHead,
      'intensity',
      'maddsShare',
      'memoryAccessShare',
      ...(predictedCsv ? ['predictedMs', 'bound'] : []),
    ]);
    return `${[headLine, ...rows.map(line), line(totalRow(r))].join('\n')}\n`;
  }
  const md = format === 'md';
  const prediction = (r as Partial<PredictedReport>).prediction;
  const table = (first: string, rs: Row[], total = true) => {
    const wp = prediction !== undefined && total;
    const wd = first === 'layer' && mixed(r);
    const body = [...rs, ...(total ? [totalRow(r)] : [])].map((x) => cells(x, r.totals, units, wp, wd));
    const h = head(first, units, wp, wd);
    const left = 3 + (wd ? 1 : 0);
    const align = h.map((_, i) => (i < left || (wp && i === h.length - 1) ? 'l' : 'r') as 'l' | 'r');
    return md ? mdTable(h, body, align) : textTable(h, body, align);
  };
  // the by-stage table, unless the rows are already stages or the model has no top-level groups
  const top = rowsAtDepth(r, 1);
  const stages = depth === 1 || top.every((x) => x.layers === 1) ? undefined : top;
  const t = r.totals;
  const summary =
    `total: ${int(t.params)} params, ${mega(t.madds)}M MAdds, ${mega(t.flops)}M FLOPs, ` +
    `${mega(t.memoryAccess)}M elements of memory access (${mega(t.memoryAccessBytes / 1.048576)} MiB at ` +
    `${r.dtype === 'file' ? "each tensor's own type" : r.dtype}), ${fixed(t.intensity)} FLOP/B, ${t.layers} layers`;
  const section = (title: string, body: string) => (md ? ['', `#### ${title}`, '', body] : ['', `${title}:`, body]);
  // with a prediction, the header says which machine and what the total is made of
  const machine = prediction ? predictionLines(prediction) : [];
  const shown = choice.sort ? `the ${rows.length} largest by ${choice.sort}` : `the first ${rows.length}`;
  const more = hidden
    ? [`${md ? '\n' : ''}... ${hidden} more rows (${shown} shown); the total counts every layer`]
    : [];
  const parts = md
    ? [
        `### ${mdText(r.model)}`,
        '',
        `Input ${shape(r.input)}, view ${r.view}, dtype ${dtypeLabel(r)}, from ${mdCode(r.file)}.`,
        ...machine.flatMap((x) => ['', mdText(x)]),
        '',
        table('layer', rows),
        ...more,
      ]
    : [
        `${r.model}  input ${shape(r.input)}  view ${r.view}  dtype ${dtypeLabel(r)}  (${r.file})`,
        ...machine,
        '',
        table('layer', rows),
        ...more,
      ];
  if (stages) parts.push(...section('By stage', table('layer', stages)));
  parts.push(...section('By operator', table('operator', breakdownRows(r, 'byOp'), false)));
  parts.push(...section('By category', table('category', breakdownRows(r, 'byCategory'), false)));
  // in Markdown every line of words is text: the names in notes (shared tensors, machines) render as written
  const words = (x: string) => (md ? mdText(x) : x);
  parts.push(
    '',
    ...[summary, ...memoryLines(r), ...noteLines(r)].map(words),
    '',
    ...legend(r).map((x) => (md ? `- ${mdText(x)}` : x)),
  );
  return `${parts.join('\n')}\n`;
}
