/**
 * Per-layer costs of a graph, with totals for the model and for every group (stage, unit,
 * branch). Memory access is computed here, once, for every op: elements of every input tensor,
 * plus the weights the layer reads, plus elements of every output tensor; a pure view costs 0.
 */
import { NetcostError } from '../errors.ts';
import type { Graph, Layer, Shape, View } from '../graph/types.ts';
import { type OpCategory, opCounts } from '../ops/index.ts';
import { numel } from '../ops/op.ts';
import { type Summary, summary } from './summary.ts';

/**
 * Version of the JSON reports (report, compare, bench, check, guidelines). 2: the `spec` view is
 * called `original`; layers carry their group `path`; bench's `source` became `run`.
 */
export const SCHEMA_VERSION = 2;
export type Dtype = 'fp32' | 'fp16' | 'int8';
export const DTYPE_BYTES: Record<Dtype, number> = { fp32: 4, fp16: 2, int8: 1 };

export interface Totals {
  params: number;
  madds: number;
  flops: number;
  memoryAccess: number;
  memoryAccessBytes: number;
}

export interface LayerCost extends Totals {
  name: string;
  op: string;
  category: OpCategory;
  inputShapes: Shape[];
  outputShape: Shape;
  /** only for ops with several outputs (split) */
  outputShapes?: Shape[];
  /** FLOPs per byte of memory access (0 for a view) */
  intensity: number;
  /** the groups enclosing the layer, outermost first */
  path: string[];
  fusedFrom?: string[];
  [attr: string]: unknown;
}

export interface GroupCost extends Totals {
  name: string;
  kind: string;
  /** 1 for a top-level group (a stage), 2 for its children (units)... */
  depth: number;
  layers: number;
  intensity: number;
}

export interface CostReport {
  schemaVersion: number;
  model: string;
  file: string;
  input: Shape;
  view: View;
  dtype: Dtype;
  bytesPerElement: number;
  totals: Totals & { intensity: number; layers: number };
  layers: LayerCost[];
  groups: GroupCost[];
  /** totals by operator and by category, and the memory of one inference */
  summary: Summary;
  /** what the analysis could not cost (ONNX ops without a rule), present only when there is something to say */
  warnings?: string[];
}

const zero = (): Totals => ({ params: 0, madds: 0, flops: 0, memoryAccess: 0, memoryAccessBytes: 0 });
function addTo(t: Totals, c: Totals): void {
  t.params += c.params;
  t.madds += c.madds;
  t.flops += c.flops;
  t.memoryAccess += c.memoryAccess;
  t.memoryAccessBytes += c.memoryAccessBytes;
}
export const intensity = (t: Totals): number => (t.memoryAccessBytes > 0 ? t.flops / t.memoryAccessBytes : 0);

/**
 * What a layer runs, as shown in tables: `conv+bn+relu` for a deploy-view layer that fused them;
 * `NonMaxSuppression (rule)` for an op costed by a user rule, `(no rule)` for one costed as 0.
 */
export function opLabel(l: LayerCost): string {
  if (typeof l.foreignOp === 'string') return `${l.foreignOp} (${l.op === 'custom' ? 'rule' : 'no rule'})`;
  return l.fusedFrom
    ? [l.op, l.foldedBn ? 'bn' : '', typeof l.act === 'string' ? l.act : ''].filter(Boolean).join('+')
    : l.op;
}

export function layerCost(l: Layer, bytesPerElement: number): LayerCost {
  const c = opCounts(l);
  const memoryAccess = c.view ? 0 : c.inputsRead + c.weightsRead + l.outputShapes.reduce((a, s) => a + numel(s), 0);
  const t: Totals = {
    params: c.params,
    madds: c.madds,
    flops: c.flops,
    memoryAccess,
    memoryAccessBytes: memoryAccess * bytesPerElement,
  };
  return {
    name: l.name,
    op: l.op,
    category: c.category,
    inputShapes: l.inputShapes,
    outputShape: l.outputShapes[0],
    ...(l.outputShapes.length > 1 ? { outputShapes: l.outputShapes } : {}),
    ...t,
    intensity: intensity(t),
    ...l.attrs,
    path: l.path,
    ...(l.fusedFrom ? { fusedFrom: l.fusedFrom } : {}),
  };
}

/**
 * Every total is an exact integer or the analysis stops: past 2^53 a JavaScript number no longer
 * holds every integer, and netcost never prints a rounded count as if it were exact. (Layer and
 * group counts are at most the totals.)
 */
function exact(g: Graph, t: Totals): void {
  for (const [metric, v] of Object.entries(t)) {
    if (!Number.isSafeInteger(v)) {
      throw new NetcostError(
        `${g.file}: ${g.model}: the ${metric} total is beyond 2^53, past which counts are no longer exact; ` +
          'use a smaller input or batch',
      );
    }
  }
}

export function analyze(g: Graph, dtype: Dtype = 'fp32'): CostReport {
  const bpe = DTYPE_BYTES[dtype];
  const layers = g.layers.map((l) => layerCost(l, bpe));
  const totals = zero();
  const groups = new Map(
    g.groups.map((gr) => [gr.name, { ...zero(), name: gr.name, kind: gr.kind, depth: 0, layers: 0, intensity: 0 }]),
  );
  for (const l of layers) {
    addTo(totals, l);
    l.path.forEach((name, i) => {
      const gr = groups.get(name);
      if (!gr) throw new Error(`internal: layer ${l.name} is in group ${name}, which the graph does not list`);
      gr.depth = i + 1;
      addTo(gr, l);
      gr.layers += 1;
    });
  }
  for (const gr of groups.values()) gr.intensity = intensity(gr);
  exact(g, totals);
  return {
    schemaVersion: SCHEMA_VERSION,
    model: g.model,
    file: g.file,
    input: g.input.shape,
    view: g.view,
    dtype,
    bytesPerElement: bpe,
    totals: { ...totals, intensity: intensity(totals), layers: layers.length },
    layers,
    groups: [...groups.values()],
    summary: summary(g, layers, totals.params, bpe),
  };
}
