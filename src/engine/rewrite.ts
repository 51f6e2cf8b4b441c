/** Rewriting an engine graph: removing a pass-through node, fusing a chain of nodes into one. */
import { type AttrValue, Edges, type ENode, type EngineGraph } from './graph.ts';

/**
 * Offer each node to `rewrite` in graph order; after a rewrite, start over on the changed graph
 * (with fresh edges), until a whole pass rewrites nothing: how onnxruntime's fusions reach a fixpoint.
 */
export function untilStable(g: EngineGraph, rewrite: (n: ENode, e: Edges) => boolean): void {
  for (let changed = true; changed; ) {
    const e = new Edges(g);
    changed = g.nodes.some((n) => rewrite(n, e));
  }
}

/**
 * A name no tensor (nor any name in `taken`, which gets it) has: `base`, else `base_token_<k>`, as
 * onnxruntime generates the names of the nodes and tensors its rules write.
 */
export function freshName(g: EngineGraph, base: string, taken = new Set<string>()): string {
  let name = base;
  for (let k = 0; taken.has(name) || g.tensors.has(name); k++) name = `${base}_token_${k}`;
  taken.add(name);
  return name;
}

/** Every reader of tensor `from` reads `to` instead. */
export function rename(g: EngineGraph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((x) => (x === from ? to : x));
}

/**
 * Remove a node that passes its first input through (Identity, Dropout): its readers read the
 * input. A node whose output is a graph output stays (the engine keeps the name).
 */
export function bypass(g: EngineGraph, n: ENode): boolean {
  if (n.outputs.some((o) => g.outputs.has(o))) return false;
  rename(g, n.outputs[0], n.inputs[0]);
  g.nodes.splice(g.nodes.indexOf(n), 1);
  return true;
}

/**
 * Replace `chain` (in graph order) by one node doing all their work, placed where the last of them
 * was: it covers every original node they covered.
 */
export function fuse(
  g: EngineGraph,
  chain: ENode[],
  node: {
    op: string;
    domain: string;
    inputs: string[];
    outputs: string[];
    attrs?: Map<string, AttrValue>;
    name?: string;
  },
): ENode {
  const at = Math.max(...chain.map((c) => g.nodes.indexOf(c)));
  const fused: ENode = {
    name: node.name ?? chain[chain.length - 1].name,
    op: node.op,
    domain: node.domain,
    inputs: node.inputs,
    outputs: node.outputs,
    attrs: node.attrs ?? new Map(),
    covers: [...new Set(chain.flatMap((c) => c.covers))],
    // a node a rule could not place for sure leaves the fusion that takes it unsure too
    ...(chain.some((c) => c.uncertain) ? { uncertain: true } : {}),
  };
  g.nodes[at] = fused;
  const gone = new Set(chain);
  g.nodes = g.nodes.filter((n) => !gone.has(n));
  return fused;
}
