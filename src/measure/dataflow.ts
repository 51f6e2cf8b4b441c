/**
 * Which netcost unit each node of onnxruntime's optimized graph works for, by dataflow.
 *
 * onnxruntime rewrites the graph before it runs it: it fuses patterns into kernels named after
 * none of their nodes (x·sigmoid(x) -> `QuickGelu`, the erf form of GELU -> `Gelu`, a decomposed
 * layer norm -> `LayerNormalization`, MatMul+Transpose+scale -> `FusedMatMul`), moves convolutions
 * to its blocked layout (`<node>_nchwc`, with new tensors between them) and inserts layout
 * reorders. The session writes the graph it runs (`optimizedModelFilePath`); its tensors are
 * joined to the original graph's, in this order:
 *
 * 1. a node that produces a tensor of the original graph and reads only tensors of the original
 *    graph stands for the original nodes between them: it works for the unit among theirs that
 *    does the most FLOPs (MatMul+Transpose+scale -> the MatMul's unit, not the scale's). Reading
 *    new tensors, it works for its output's producer (an output reorder: the conv);
 * 2. a node whose outputs are all new keeps its original name with a suffix (`_nchwc`);
 * 3. a node still unknown (an input reorder) works for the first known node its outputs feed,
 *    else for the first known node that feeds it.
 */
import onnxProto from 'onnx-proto';
import { byCandidates } from './profile.ts';

/** A fused kernel standing for more original nodes than this is not looked into. */
const MAX_COVER = 64;

export interface GraphNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
}

/** The nodes of an ONNX model's main graph, in file order. */
export function graphNodes(model: Uint8Array): GraphNode[] {
  const m = onnxProto.onnx.ModelProto.decode(model);
  return (m.graph?.node ?? []).map((n) => ({
    name: n.name ?? '',
    opType: n.opType ?? '',
    inputs: (n.input ?? []).filter((t) => t !== ''),
    outputs: (n.output ?? []).filter((t) => t !== ''),
  }));
}

/**
 * Unit of each optimized node, by name. `unitOf` maps an original node, layer or tensor name to
 * its unit (or undefined). Nodes that join no unit are left out.
 */
export function unitsByDataflow(
  optimized: GraphNode[],
  original: GraphNode[],
  unitOf: (name: string) => string | undefined,
  /** FLOPs of a unit, to choose among the units a fused kernel stands for */
  flopsOf: (unit: string) => number,
): Map<string, string> {
  const producer = new Map<string, GraphNode>();
  const known = new Set<string>();
  for (const n of original) {
    for (const t of n.outputs) producer.set(t, n);
    for (const t of [...n.inputs, ...n.outputs]) known.add(t);
  }
  const byName = byCandidates(unitOf);
  const ofTensor = (t: string) => {
    const p = producer.get(t);
    return p === undefined ? undefined : (unitOf(t) ?? byName(p.name));
  };
  /** units of the original nodes between a node's inputs and outputs (undefined past MAX_COVER) */
  const covered = (n: GraphNode): string[] | undefined => {
    const stop = new Set(n.inputs);
    const seen = new Set<GraphNode>();
    const stack = n.outputs.filter((t) => producer.has(t));
    while (stack.length > 0) {
      const p = producer.get(stack.pop() as string);
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      if (seen.size > MAX_COVER) return undefined;
      stack.push(...p.inputs.filter((t) => !stop.has(t)));
    }
    return [...seen]
      .map((p) => p.outputs.map(ofTensor).find((u) => u !== undefined) ?? byName(p.name))
      .filter((u): u is string => u !== undefined);
  };

  const unit = new Map<string, string>();
  for (const n of optimized) {
    let u = n.outputs.map(ofTensor).find((x) => x !== undefined);
    if (u !== undefined && n.inputs.every((t) => known.has(t))) {
      for (const c of covered(n) ?? []) if (flopsOf(c) > flopsOf(u)) u = c;
    }
    u ??= byName(n.name);
    if (u !== undefined) unit.set(n.name, u);
  }
  // the rest by their neighbours in the optimized graph: consumers first, then producers
  const consumers = new Map<string, GraphNode[]>();
  const producers = new Map<string, GraphNode>();
  for (const n of optimized) {
    for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n]);
    for (const t of n.outputs) producers.set(t, n);
  }
  const search = (start: GraphNode, next: (n: GraphNode) => GraphNode[]) => {
    const seen = new Set<GraphNode>([start]);
    const queue = next(start);
    while (queue.length > 0) {
      const n = queue.shift() as GraphNode;
      if (seen.has(n)) continue;
      seen.add(n);
      const u = unit.get(n.name);
      if (u !== undefined) return u;
      queue.push(...next(n));
    }
    return undefined;
  };
  const downstream = (n: GraphNode) => n.outputs.flatMap((t) => consumers.get(t) ?? []);
  const upstream = (n: GraphNode) => n.inputs.flatMap((t) => producers.get(t) ?? []);
  const open = optimized.filter((n) => !unit.has(n.name));
  const found = open.map((n) => search(n, downstream) ?? search(n, upstream));
  open.forEach((n, i) => {
    if (found[i] !== undefined) unit.set(n.name, found[i]);
  });
  return unit;
}
