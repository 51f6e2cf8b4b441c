/**
 * The graph an inference engine starts from: the model's ONNX nodes as the engine sees them, with
 * each tensor's shape, element type and whether it is known before run time (netcost's importer
 * says, having folded the same shape arithmetic the engine folds). Engine rules (src/engine/ort)
 * rewrite it into the kernels the engine runs; each node remembers the original nodes it stands for.
 */
import type { ElemType } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';
import { decodedModel } from '../onnx/decoded.ts';
import type { ImportResult } from '../onnx/import.ts';
import { assignNodeNames } from '../onnx/node-names.ts';
import { overridableInitializers } from '../onnx/overridable.ts';
import { long, type ModelProto, type NodeProto, onnx } from '../onnx/proto.ts';

type AttributeProto = NonNullable<NodeProto['attribute']>[number];

export type AttrValue = number | number[] | string | { f: number } | { floats: number[] };

export interface ENode {
  name: string;
  op: string;
  /** '' for the default domain, `com.microsoft`, `com.microsoft.nchwc` */
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
  /** the original nodes (by netcost's node names) whose work this node does */
  covers: string[];
  /** a blocked (NCHWc) node: the original tensor its blocked output stands for */
  originalOutput?: string;
  /** it carries an attribute the engine does not read (a tensor, a graph) */
  opaque?: boolean;
  /** a rule placed it but cannot tell for sure what onnxruntime runs here (the rule says why) */
  uncertain?: boolean;
  /** a rule placed it for sure, but cannot tell what onnxruntime names it (the rule says why) */
  unsureName?: boolean;
}

export interface ETensor {
  shape?: Shape;
  type: ElemType;
  /** known before run time: an initializer, or folded arithmetic */
  constant: boolean;
  /** an initializer's dims (weights), when it is one */
  initializer?: boolean;
  /** kept in the engine's blocked channel layout (NCHWc): the logical channels it holds */
  blockedChannels?: number;
  /** a constant's values (read on demand: a weight's can be large) */
  values?: () => number[] | undefined;
}

export interface EngineGraph {
  nodes: ENode[];
  tensors: Map<string, ETensor>;
  /** the graph's outputs (never removed by a rewrite) */
  outputs: Set<string>;
  /** graph inputs */
  inputs: Set<string>;
  /** the default domain's opset the model imports (some passes depend on it) */
  opset: number;
}

const attrValue = (a: AttributeProto): AttrValue | undefined => {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return long(a.i);
    case T.INTS:
      return (a.ints ?? []).map(long);
    case T.FLOAT:
      return { f: Number(a.f) };
    case T.FLOATS:
      return { floats: (a.floats ?? []).map(Number) };
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    default:
      return undefined;
  }
};

/**
 * The engine's starting graph for an ONNX model and netcost's import of it: the main graph's
 * nodes that compute at run time (constant ones fold away, as the engine folds them; a
 * DequantizeLinear of a weight stays when `keepDequantize`, as onnxruntime keeps it for its QDQ
 * fusions). Nodes are named as netcost names them, or as the file does with `rawNames` (a graph the
 * engine wrote, whose nameless nodes are its own).
 */
export function engineGraph(bytes: Uint8Array, imported: ImportResult, opts: GraphOptions = {}): EngineGraph {
  return graphOf(onnx.ModelProto.decode(bytes), imported, opts);
}

/** The engine's starting graph for a model netcost imported, from the file as its import decoded it. */
export function importedEngineGraph(imported: ImportResult, opts: GraphOptions = {}): EngineGraph {
  return graphOf(decodedModel(imported), imported, opts);
}

interface GraphOptions {
  keepDequantize?: boolean;
  allNodes?: boolean;
  rawNames?: boolean;
}

function graphOf(m: ModelProto, imported: ImportResult, opts: GraphOptions): EngineGraph {
  const g = m.graph;
  const names = assignNodeNames(g?.node ?? []);
  const tensors = new Map<string, ETensor>();
  const initializers = new Set((g?.initializer ?? []).map((t) => t.name ?? ''));
  const runtime = overridableInitializers(m);
  const tensor = (name: string, forceRuntime = false): ETensor | undefined => {
    if (!name) return undefined;
    const known = tensors.get(name);
    if (known) return known;
    const t = imported.tensorOf(name);
    if (!t) return undefined;
    const e: ETensor = {
      shape: t.shape,
      type: t.type,
      constant: t.constant && !forceRuntime && !runtime.has(name),
      ...(initializers.has(name) ? { initializer: true } : {}),
      ...(t.constant ? { values: () => imported.constant(name)?.data } : {}),
    };
    tensors.set(name, e);
    return e;
  };
  const nodes: ENode[] = [];
  for (const [i, n] of (g?.node ?? []).entries()) {
    const op = n.opType ?? '';
    const domain = n.domain === 'ai.onnx' ? '' : (n.domain ?? '');
    const outs = (n.output ?? []).filter((o) => o);
    const dequantizeWeight = opts.keepDequantize === true && op === 'DequantizeLinear' && domain === '';
    // a value computed from an overridable initializer is known only at run time (a shape is not)
    if (!SHAPE_ONLY.has(op) && (n.input ?? []).some((x) => runtime.has(x))) for (const o of outs) runtime.add(o);
    const outInfo = outs.map((o) => tensor(o, dequantizeWeight));
    // a node whose outputs are all constants is folded by the engine: it runs nothing
    const folds = op === 'Constant' || (outInfo.length > 0 && outInfo.every((t) => t?.constant));
    if (folds && !opts.allNodes) continue;
    for (const x of n.input ?? []) tensor(x);
    const attrs = new Map<string, AttrValue>();
    let opaque = false;
    for (const a of n.attribute ?? []) {
      const v = attrValue(a);
      if (v !== undefined) attrs.set(a.name ?? '', v);
      else opaque = true;
    }
    nodes.push({
      ...(opaque ? { opaque } : {}),
      name: opts.rawNames ? (n.name ?? '') : names[i],
      op,
      domain,
      inputs: [...(n.input ?? [])],
      outputs: outs,
      attrs,
      covers: [names[i]],
    });
  }
  return {
    nodes,
    tensors,
    outputs: new Set((g?.output ?? []).map((o) => o.name ?? '')),
    inputs: new Set((g?.input ?? []).map((o) => o.name ?? '').filter((x) => !initializers.has(x))),
    opset: Number(m.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 1),
  };
}

const SHAPE_ONLY = new Set(['Shape', 'Size']);

/** Producers and consumers of tensors, recomputed after a rewrite. */
export class Edges {
  readonly producer = new Map<string, ENode>();
  readonly consumers = new Map<string, ENode[]>();
  constructor(readonly g: EngineGraph) {
    for (const n of g.nodes) {
      for (const o of n.outputs) this.producer.set(o, n);
      // one entry per input slot, as onnxruntime counts edges: Add(c, c) reads c twice
      for (const x of n.inputs) {
        if (!x) continue;
        const list = this.consumers.get(x);
        if (list) list.push(n);
        else this.consumers.set(x, [n]);
      }
    }
  }
  /** the only node reading t (and t is not a graph output), if exactly one does */
  sole(t: string | undefined): ENode | undefined {
    if (t === undefined || this.g.outputs.has(t)) return undefined;
    const c = this.consumers.get(t);
    return c?.length === 1 ? c[0] : undefined;
  }
  uses(t: string): number {
    return (this.consumers.get(t)?.length ?? 0) + (this.g.outputs.has(t) ? 1 : 0);
  }
}

export const isConstant = (g: EngineGraph, t: string | undefined): boolean =>
  t !== undefined && t !== '' && g.tensors.get(t)?.constant === true;

/** A node fusion may absorb as an activation: any but a Clip whose bounds are not constant. */
export const constantBounds = (g: EngineGraph, n: ENode): boolean =>
  n.op !== 'Clip' || n.inputs.slice(1).every((x) => !x || isConstant(g, x));

export const intAttr = (n: ENode, k: string, d: number): number => {
  const v = n.attrs.get(k);
  return typeof v === 'number' ? v : d;
};
export const intsAttr = (n: ENode, k: string): number[] | undefined => {
  const v = n.attrs.get(k);
  return Array.isArray(v) ? v : undefined;
};
export const strAttr = (n: ENode, k: string, d: string): string => {
  const v = n.attrs.get(k);
  return typeof v === 'string' ? v : d;
};
