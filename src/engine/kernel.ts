/**
 * A kernel: one node of the graph the engine runs, named so that a reproduced kernel and a
 * measured one (a node of onnxruntime's optimized graph) join. Its key is its op and domain, the
 * activation or residual it absorbed, and its anchor: the tensor of the original model its result
 * stands for (a blocked convolution: the original output it computes; a ReorderInput: the tensor it
 * reorders; a ReorderOutput: the tensor it restores; any other node: its output, or its own name
 * when its output is a tensor the engine made, as the engine names it: `<node>/<Fusion>/`; a
 * nameless node (an inlined function's body) making a tensor of its own: `<` and the first original
 * tensor it reads, else empty).
 */

import type { ImportResult } from '../onnx/import.ts';
import type { ENode, EngineGraph } from './graph.ts';
import { engineGraph } from './graph.ts';

export const NCHWC = 'com.microsoft.nchwc';

export interface Kernel {
  /** op@domain[+activation][+sum] */
  kind: string;
  anchor: string;
  /** the original nodes whose work it does */
  covers: string[];
  node: ENode;
  /** the engine may run something else here (a rearrangement netcost's rules do not reproduce) */
  uncertain?: boolean;
}

/** The engine ops whose node onnxruntime names after the original output they compute (`<output>_nchwc`). */
const NAMED_AFTER_OUTPUT = new Set([
  'Conv',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'Upsample',
]);

export function kindOf(n: ENode): string {
  const act = n.attrs.get('activation');
  const sum = n.domain === NCHWC && n.op === 'Conv' && n.inputs.length > 3 && n.inputs[3] !== '';
  const fusedSum = n.op === 'FusedConv' && n.inputs.length > 3 && n.inputs[3] !== '';
  const domain = n.domain ? `${n.domain}.` : '';
  return `${domain}${n.op}${typeof act === 'string' ? `+${act}` : ''}${sum || fusedSum ? '+sum' : ''}`;
}

/** The anchor of a node: see the module comment; `original` tells the original model's tensors. */
export function anchorOf(n: ENode, original: (t: string) => boolean, nchwcOutput?: string): string {
  if (n.domain === NCHWC && n.op === 'ReorderInput') return n.inputs[0];
  if (n.domain === NCHWC && n.op === 'ReorderOutput') return n.outputs[0];
  if (n.domain === NCHWC && NAMED_AFTER_OUTPUT.has(n.op)) {
    return nchwcOutput ?? n.name.replace(/(_bn|_mul)?_nchwc(_token_\d+)?$/, '');
  }
  const out = n.outputs[0];
  if (out !== undefined && original(out)) return out;
  if (n.name === '') {
    const from = n.inputs.find((t) => t !== '' && original(t));
    return from === undefined ? '' : `<${from}`;
  }
  // a name the engine generated carries a `_token_<n>` suffix when it was taken (one per generation: a
  // cast of a generated tensor can carry two): the stem anchors it
  return n.name.replace(/(_token_\d+)+$/, '');
}

export const keyOf = (k: Pick<Kernel, 'kind' | 'anchor'>): string => `${k.kind}@${k.anchor}`;

/** The kernels of onnxruntime's own optimized graph of a model (read back from the file it wrote). */
export function kernelsOfOptimized(
  optimized: Uint8Array,
  original: (t: string) => boolean,
  imported: ImportResult,
): Kernel[] {
  const g: EngineGraph = engineGraph(optimized, imported, { allNodes: true, rawNames: true });
  return g.nodes.map((n) => ({ kind: kindOf(n), anchor: anchorOf(n, original), covers: [], node: n }));
}

/**
 * The kernels of an optimized graph by the names onnxruntime's profiler gives them: a node's own
 * name, and for a nameless node (the body of a function it inlined at load: HardSwish's HardSigmoid
 * and Mul, which its optimized graph file keeps nameless) `<op>_<node index>`. The file holds no
 * index: per op, the nameless nodes in file order pair with the trace's unclaimed `<op>_<n>` names in
 * order of n (inlining numbers a body's nodes as it goes); an op whose counts differ pairs none.
 */
export function byTraceName(theirs: Kernel[], traced: string[]): Map<string, Kernel> {
  const named = new Map(theirs.filter((k) => k.node.name !== '').map((k) => [k.node.name, k]));
  const nameless = new Map<string, Kernel[]>();
  for (const k of theirs) if (k.node.name === '') nameless.set(k.node.op, [...(nameless.get(k.node.op) ?? []), k]);
  const unclaimed = new Map<string, { name: string; index: number }[]>();
  for (const name of traced) {
    const m = /^(.+)_(\d+)$/.exec(name);
    if (named.has(name) || !m || !nameless.has(m[1])) continue;
    unclaimed.set(m[1], [...(unclaimed.get(m[1]) ?? []), { name, index: Number(m[2]) }]);
  }
  const out = new Map(named);
  for (const [op, ks] of nameless) {
    const ts = (unclaimed.get(op) ?? []).sort((a, b) => a.index - b.index);
    if (ts.length === ks.length) for (const [i, t] of ts.entries()) out.set(t.name, ks[i]);
  }
  return out;
}
