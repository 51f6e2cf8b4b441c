/**
 * Per-layer costs of a graph, with totals for the model and for every group (stage, unit,
 * branch). Memory access is computed here, once, for every op: elements of every input tensor,
 * plus the weights the layer reads, plus elements of every output tensor; a pure view costs 0.
 */
import { NetcostError } from '../errors.ts';
import { bytesOf, DTYPE_BYTES, type Dtype, precisionOf } from '../graph/dtype.ts';
import type { Graph, Layer, Shape, View } from '../graph/types.ts';
import { type OpCounts, opCounts } from '../ops/index.ts';
import { numel } from '../ops/op.ts';
import { intensity, type LayerCost, type Totals } from './layer.ts';
import { type StoredParams, storedParams } from './stored.ts';
import { type Summary, summary } from './summary.ts';

/**
 * Version of the JSON reports (report, compare, bench, check, guidelines). 2: the `spec` view is
 * called `original`; layers carry their group `path`; bench's `source` became `run`.
 */
export const SCHEMA_VERSION = 2;
export type { Dtype } from '../graph/dtype.ts';
export { DTYPE_BYTES } from '../graph/dtype.ts';
export { intensity, type LayerCost, opLabel, type Totals } from './layer.ts';

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
  /** the one element type of every tensor (specs), or `file`: each tensor at its own type (imported files) */
  dtype: Dtype | 'file';
  /** bytes per element of every tensor (specs only) */
  bytesPerElement?: number;
  /** imported files: layers by precision, most first */
  precision?: { dtype: string; layers: number }[];
  /** imported files: params as stored, against what the layers use (weights shared or aliased) */
  params?: StoredParams;
  totals: Totals & { intensity: number; layers: number };
  layers: LayerCost[];
  groups: GroupCost[];
  /** totals by operator and by category, and the memory of one inference */
  summary: Summary;
  /** what the analysis could not cost (ONNX ops without a rule), present only when there is something to say */
  warnings?: string[];
  /** what reading the model decided (an If's branch, a Loop's trips), present only when there is something to say */
  notes?: string[];
}

const zero = (): Totals => ({ params: 0, madds: 0, flops: 0, memoryAccess: 0, memoryAccessBytes: 0 });
function addTo(t: Totals, c: Totals): void {
  t.params += c.params;
  t.madds += c.madds;
  t.flops += c.flops;
  t.memoryAccess += c.memoryAccess;
  t.memoryAccessBytes += c.memoryAccessBytes;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * Bytes of a typed layer's memory access: each input read and output written at its own element
 * type, the weights read at their types (weighted by their elements: an int8 weight and its int32
 * bias).
 */
function typedBytes(l: Layer, c: OpCounts, outputs: number[]): number {
  const t = l.types as NonNullable<Layer['types']>;
  const fallback = t.outputs[0] ?? 'fp32';
  const reads = c.inputsRead.reduce((a, n, k) => a + bytesOf(n, t.inputs[k] ?? fallback), 0);
  const writes = outputs.reduce((a, n, k) => a + bytesOf(n, t.outputs[k] ?? fallback), 0);
  if (c.weightsRead === 0) return reads + writes;
  const refs = (l.weights ?? []).filter((w) => !w.operand);
  const learned = refs.filter((w) => w.param);
  const basis = learned.length ? learned : refs;
  const elements = sum(basis.map((w) => w.elements));
  const perElement =
    elements > 0 ? sum(basis.map((w) => bytesOf(w.elements, w.type))) / elements : bytesOf(1, fallback);
  return reads + writes + Math.round(c.weightsRead * perElement);
}

export function layerCost(l: Layer, bytesPerElement: number): LayerCost {
  const c = opCounts(l);
  const runs = l.runs ?? 1;
  const outputs = l.outputShapes.map(numel);
  const perRun = c.view ? 0 : sum(c.inputsRead) + c.weightsRead + sum(outputs);
  const bytes = c.view ? 0 : l.types ? typedBytes(l, c, outputs) : perRun * bytesPerElement;
  const t: Totals = {
    params: c.params,
    madds: c.madds * runs,
    flops: c.flops * runs,
    memoryAccess: perRun * runs,
    memoryAccessBytes: bytes * runs,
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
    ...(l.types ? { dtype: precisionOf({ ...l.types, weights: l.weights ?? [] }) } : {}),
    ...(l.runs !== undefined && l.runs !== 1 ? { runs: l.runs } : {}),
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

/** Layers by precision, most first (imported files). */
function precisionSummary(layers: LayerCost[]): { dtype: string; layers: number }[] | undefined {
  const by = new Map<string, number>();
  for (const l of layers) if (l.dtype !== undefined) by.set(l.dtype, (by.get(l.dtype) ?? 0) + 1);
  if (by.size === 0) return undefined;
  return [...by].map(([dtype, n]) => ({ dtype, layers: n })).sort((a, b) => b.layers - a.layers);
}

export function analyze(g: Graph, dtype: Dtype = 'fp32'): CostReport {
  const typed = g.layers.some((l) => l.types !== undefined);
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
  // params as the file stores them: a tensor several layers read (or alias) counts once
  const stored = typed ? storedParams(g.layers, layers) : undefined;
  if (stored) totals.params = stored.stored;
  exact(g, totals);
  const precision = precisionSummary(layers);
  return {
    schemaVersion: SCHEMA_VERSION,
    model: g.model,
    file: g.file,
    input: g.input.shape,
    view: g.view,
    dtype: typed ? 'file' : dtype,
    ...(typed ? {} : { bytesPerElement: bpe }),
    ...(precision ? { precision } : {}),
    ...(stored && stored.stored !== stored.layers ? { params: stored } : {}),
    ...(g.notes?.length ? { notes: g.notes } : {}),
    totals: { ...totals, intensity: intensity(totals), layers: layers.length },
    layers,
    groups: [...groups.values()],
    summary: summary(g, layers, totals.params, typed ? undefined : bpe, stored?.bytes),
  };
}
