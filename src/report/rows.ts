/** A report's rows: its layers, its groups as subtotals, flat at a depth or as one tree. */
import { type CostReport, type LayerCost, opLabel, type Totals } from '../cost/analyze.ts';
import { shape } from '../result/format.ts';
import { shownAtDepth } from '../result/layout.ts';

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
  /** a layer's own attributes (kernel, stride, groups), for `--columns` */
  layer?: LayerCost;
}

/** The prediction fields `withPrediction` puts on a layer, when present. */
const predicted = (l: LayerCost): Pick<Row, 'predictedMs' | 'bound'> =>
  typeof l.predictedMs === 'number' ? { predictedMs: l.predictedMs, bound: String(l.bound) } : {};

export const layerRow = (l: LayerCost): Row => ({
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
  layer: l,
  ...predicted(l),
});

/** A group's row: its subtotals, its last layer's output, and its layers' predicted time summed. */
function groupRows(r: CostReport): Map<string, Row> {
  const out = new Map<string, Row>();
  const members = new Map<string, LayerCost[]>();
  for (const l of r.layers)
    for (const g of l.path) {
      const ls = members.get(g);
      if (ls) ls.push(l);
      else members.set(g, [l]);
    }
  for (const g of r.groups) {
    const ls = members.get(g.name) ?? [];
    if (ls.length === 0) continue;
    const ms = ls.map((l) => predicted(l).predictedMs);
    out.set(g.name, {
      name: g.name,
      op: `[${g.kind}]`,
      outputShape: shape(ls[ls.length - 1].outputShape),
      params: g.params,
      madds: g.madds,
      flops: g.flops,
      memoryAccess: g.memoryAccess,
      memoryAccessBytes: g.memoryAccessBytes,
      intensity: g.intensity,
      layers: g.layers,
      ...(ms.some((x) => x !== undefined)
        ? { predictedMs: ms.reduce<number>((a, x) => a + (x ?? 0), 0), bound: '' }
        : {}),
    });
  }
  return out;
}

export interface ReportTree {
  rows: Row[];
  level: number[];
  group: boolean[];
  /** each row's top-level group (itself when it is one, or a top-level layer) */
  top: string[];
}

/** Every group and layer in graph order, a group before its members: rows, their depth, and which are groups. */
export function reportTree(r: CostReport): ReportTree {
  const groups = groupRows(r);
  const rows: Row[] = [];
  const level: number[] = [];
  const group: boolean[] = [];
  const top: string[] = [];
  const emitted = new Set<string>();
  for (const l of r.layers) {
    // the layer's groups that have a row, outermost first; each opened once, where its first layer is
    const chain = l.path.filter((g) => groups.has(g));
    chain.forEach((g, d) => {
      if (emitted.has(g)) return;
      emitted.add(g);
      rows.push(groups.get(g) as Row);
      level.push(d);
      group.push(true);
      top.push(chain[0]);
    });
    rows.push(layerRow(l));
    level.push(chain.length);
    group.push(false);
    top.push(chain[0] ?? l.name);
  }
  return { rows, level, group, top };
}

/** A tree's rows at a depth: each group at the cut stands for its members (depth Infinity: every layer). */
export const cutTree = (t: ReportTree, depth: number): { row: Row; top: string }[] =>
  t.rows.flatMap((row, i) => (shownAtDepth(t.level[i], t.group[i], depth) ? [{ row, top: t.top[i] }] : []));

/**
 * Rows at a given depth: a layer deeper than `depth` is replaced by its enclosing group at that
 * depth (summed); depth 0 or Infinity keeps every layer.
 */
export const rowsAtDepth = (r: CostReport, depth: number): Row[] =>
  cutTree(reportTree(r), depth > 0 ? depth : Number.POSITIVE_INFINITY).map((x) => x.row);
