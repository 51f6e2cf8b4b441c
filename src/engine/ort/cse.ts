/**
 * onnxruntime's CommonSubexpressionElimination (level 1, after the rewrite rules): value numbering
 * over the graph in onnxruntime's topological order. A graph input or a stored tensor is its own
 * value (by name, not by contents; a single-value constant by its value, see sharedValue); a
 * node's outputs are the same values as an earlier node's when both have the same op, domain,
 * attributes and input values (trailing empty inputs dropped). Readers of the later node's outputs
 * read the earlier one's instead, except a graph output, which stays; the node goes when nothing
 * reads it any more, and the kernel left does the work of both.
 */
import { Edges, type ENode, type EngineGraph } from '../graph.ts';
import { rename } from '../rewrite.ts';

/** ops whose every run differs (onnxruntime's IsOperationDeterministic) */
const RANDOM = new Set(['RandomUniform', 'RandomNormal', 'RandomUniformLike', 'RandomNormalLike', 'Multinomial']);

/**
 * A node no other can equal: a random op; one with an attribute the engine does not read (a tensor or
 * a graph, which onnxruntime never finds equal). A folded convolution reads weights of its own
 * (basic.ts convFolds names them afresh, as onnxruntime does).
 */
const unique = (n: ENode): boolean => RANDOM.has(n.op) || n.opaque === true;

function keyOf(n: ENode, numberOf: (t: string) => string): string {
  const inputs = [...n.inputs];
  while (inputs.length && !inputs[inputs.length - 1]) inputs.pop();
  const attrs = [...n.attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([n.domain, n.op, attrs, inputs.map(numberOf)]);
}

/**
 * The order onnxruntime's graph viewer gives the nodes, which decides which of two equal nodes is
 * kept: a depth-first walk up from the nodes nothing reads (the last of them first), each node's
 * producers taken highest index first, every node listed once its producers are.
 */
function ortOrder(g: EngineGraph): ENode[] {
  const e = new Edges(g);
  const index = new Map(g.nodes.map((n, i) => [n, i]));
  const leaves = g.nodes.filter((n) => n.outputs.every((o) => !e.consumers.get(o)?.length));
  const stack: [ENode, boolean][] = leaves.map((n) => [n, false]);
  const seen = new Set<ENode>();
  const order: ENode[] = [];
  while (stack.length) {
    const [n, leave] = stack.pop() as [ENode, boolean];
    if (leave) {
      order.push(n);
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push([n, true]);
    const producers = n.inputs.flatMap((x) => {
      const p = x ? e.producer.get(x) : undefined;
      return p ? [p] : [];
    });
    producers.sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
    for (const p of producers) stack.push([p, false]);
  }
  return order;
}

/** onnxruntime's value of a stored type, as its ConstantSharing keeps it (fp16 read as float) */
const SHARED_TYPES: Partial<Record<string, string>> = { fp32: 'float', fp16: 'float', fp64: 'double' };
const SHARED_INTS = new Set(['int32', 'int64']);

/**
 * A single-value constant ([] or [1]) of a float or 32- or 64-bit integer type is one value with every
 * other of its value, type and rank: onnxruntime's ConstantSharing (level 1) gives them one name,
 * which this pass then compares. Any other constant or input is its own value.
 */
export function sharedValue(g: EngineGraph, t: string): string | undefined {
  const x = g.tensors.get(t);
  const rank = x?.shape?.length;
  if (!x?.constant || rank === undefined || rank > 1 || (rank === 1 && x.shape?.[0] !== 1)) return undefined;
  const kind = SHARED_TYPES[x.type] ?? (SHARED_INTS.has(x.type) ? x.type : undefined);
  const v = kind ? x.values?.() : undefined;
  return v?.length === 1 ? `const:${kind}:${v[0]}:${rank}` : undefined;
}

export function commonSubexpressions(g: EngineGraph): void {
  const value = new Map<string, string>();
  const numberOf = (t: string) => (t ? (value.get(t) ?? sharedValue(g, t) ?? `=${t}`) : '');
  // each distinct node key gets a number; an output's value is its node's number and its position
  const first = new Map<string, { node: ENode; id: number }>();
  const merged: [ENode, ENode][] = [];
  for (const [i, n] of ortOrder(g).entries()) {
    const key = unique(n) ? `#${i}` : keyOf(n, numberOf);
    const earlier = first.get(key) ?? { node: n, id: first.size };
    if (earlier.node === n) first.set(key, earlier);
    else merged.push([n, earlier.node]);
    for (const [k, o] of n.outputs.entries()) value.set(o, `${earlier.id}@${k}`);
  }
  if (!merged.length) return;
  for (const [n, earlier] of merged) {
    for (const [k, o] of n.outputs.entries()) if (!g.outputs.has(o)) rename(g, o, earlier.outputs[k]);
  }
  const e = new Edges(g);
  for (const [n, earlier] of merged) {
    if (n.outputs.some((o) => e.uses(o) > 0)) continue;
    earlier.covers = [...earlier.covers, ...n.covers];
    g.nodes.splice(g.nodes.indexOf(n), 1);
  }
}
