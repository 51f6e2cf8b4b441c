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

import { pairNameless } from '../measure/profile.ts';
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
 * name, and for a nameless node (an inlined function's body) `<op>_<node index>` (pairNameless).
 */
export function byTraceName(theirs: Kernel[], traced: string[]): Map<string, Kernel> {
  const named = new Map(theirs.filter((k) => k.node.name !== '').map((k) => [k.node.name, k]));
  return new Map([...named, ...pairNameless(theirs, (k) => k.node, traced)]);
}
