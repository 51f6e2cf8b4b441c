/** `netcost report`: one model's per-layer costs as a table, JSON, CSV or Markdown. */
import type { CostReport, LayerCost, Totals } from '../cost/analyze.ts';
import { opLabel } from '../cost/analyze.ts';
import { csvLine, fixed, int, kilo, mdTable, mega, pct, shape } from './format.ts';
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
}

const layerRow = (l: LayerCost): Row => ({
  name: l.name,
  op: opLabel(l),
  outputShape: (l.outputShapes ?? [l.outputShape]).map(shape).join(' + '),
  params: l.params,
  madds: l.madds,
  flops: l.flops,
  memoryAccess: l.memoryAccess,
  memoryAccessBytes: l.memoryAccessBytes,
  intensity: l.intensity,
  layers: 1,
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
    if (seen.has(gname)) continue;
    seen.add(gname);
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
    });
  }
  return rows;
}

const HEAD = [
  'layer',
  'op',
  'output',
  'params',
  'MAdds (M)',
  'FLOPs (M)',
  'MAC (K el)',
  'MAC (KB)',
  'FLOP/B',
  'MAdds %',
  'MAC %',
];

function cells(row: Row, t: Totals): string[] {
  return [
    row.name,
    row.op,
    row.outputShape,
    int(row.params),
    mega(row.madds, 3),
    mega(row.flops, 3),
    kilo(row.memoryAccess),
    kilo(row.memoryAccessBytes / 1.024),
    fixed(row.intensity),
    pct(row.madds, t.madds),
    pct(row.memoryAccess, t.memoryAccess),
  ];
}

function totalCells(r: CostReport): string[] {
  const t = r.totals;
  return [
    'total',
    `${t.layers} layers`,
    '',
    int(t.params),
    mega(t.madds, 3),
    mega(t.flops, 3),
    kilo(t.memoryAccess),
    kilo(t.memoryAccessBytes / 1.024),
    fixed(t.intensity),
    '100.0%',
    '100.0%',
  ];
}

export function renderReport(r: CostReport, format: Format, depth = Infinity): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const rows = rowsAtDepth(r, depth);
  if (format === 'csv') {
    const head = [
      'name',
      'op',
      'output',
      'params',
      'madds',
      'flops',
      'memoryAccess',
      'memoryAccessBytes',
      'intensity',
      'maddsShare',
      'memoryAccessShare',
    ];
    const lines = rows.map((x) =>
      csvLine([
        x.name,
        x.op,
        x.outputShape,
        x.params,
        x.madds,
        x.flops,
        x.memoryAccess,
        x.memoryAccessBytes,
        x.intensity.toFixed(4),
        (x.madds / (r.totals.madds || 1)).toFixed(6),
        (x.memoryAccess / (r.totals.memoryAccess || 1)).toFixed(6),
      ]),
    );
    return `${[csvLine(head), ...lines].join('\n')}\n`;
  }
  const title = `${r.model}  input ${shape(r.input)}  view ${r.view}  dtype ${r.dtype}  (${r.file})`;
  const body = rows.map((x) => cells(x, r.totals));
  // the by-stage table, unless the rows are already stages or the model has no top-level groups
  const top = rowsAtDepth(r, 1);
  const stages = depth === 1 || top.every((x) => x.layers === 1) ? undefined : top.map((x) => cells(x, r.totals));
  const t = r.totals;
  const summary =
    `total: ${int(t.params)} params, ${mega(t.madds)}M MAdds, ${mega(t.flops)}M FLOPs, ` +
    `${mega(t.memoryAccess)}M elements of memory access (${mega(t.memoryAccessBytes / 1.048576)} MiB at ` +
    `${r.dtype}), ${fixed(t.intensity)} FLOP/B, ${t.layers} layers`;
  if (format === 'md') {
    const parts = [
      `### ${r.model}`,
      '',
      `Input ${shape(r.input)}, view ${r.view}, dtype ${r.dtype}, from \`${r.file}\`.`,
      '',
      mdTable(
        HEAD,
        [...body, totalCells(r)],
        HEAD.map((_, i) => (i < 3 ? 'l' : 'r')),
      ),
    ];
    if (stages)
      parts.push(
        '',
        '#### By stage',
        '',
        mdTable(
          HEAD,
          [...stages, totalCells(r)],
          HEAD.map((_, i) => (i < 3 ? 'l' : 'r')),
        ),
      );
    parts.push('', summary, '', ...legend(r).map((x) => `- ${x}`));
    return `${parts.join('\n')}\n`;
  }
  const align = HEAD.map((_, i) => (i < 3 ? 'l' : 'r') as 'l' | 'r');
  const parts = [title, '', textTable(HEAD, [...body, totalCells(r)], align)];
  if (stages) parts.push('', 'By stage:', textTable(HEAD, [...stages, totalCells(r)], align));
  parts.push('', summary, '', ...legend(r));
  return `${parts.join('\n')}\n`;
}
