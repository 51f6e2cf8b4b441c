/**
 * Where netcost's rules cannot tell: onnxruntime's transpose optimizer (level 1) pushes a Transpose
 * through the nodes after it when that costs no new Transpose (their other inputs are constants,
 * which it transposes in place, or Transposes it cancels) and removes pairs that undo each other.
 * netcost does not reproduce it; these are the Transposes it may move, so that a caller can say
 * that the kernels around them may differ from what onnxruntime runs.
 */
import { Edges, type ENode, type EngineGraph, intsAttr, isConstant } from '../graph.ts';
import { rename, untilStable } from '../rewrite.ts';

/** Ops the transpose optimizer pushes a Transpose through (element-wise, reductions, axis ops). */
const PUSHABLE = new Set([
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mod', 'Where', 'Equal', 'Less', 'Greater', 'And', 'Or', 'Not'],
  ...['Relu', 'Sigmoid', 'Tanh', 'Erf', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Clip', 'LeakyRelu', 'HardSigmoid', 'Cast'],
  ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ArgMax', 'ArgMin', 'Softmax'],
  ...['Concat', 'Split', 'Slice', 'Squeeze', 'Unsqueeze', 'Pad', 'Transpose', 'QuantizeLinear', 'DequantizeLinear'],
]);

/**
 * A Reshape a Transpose can pass: each run of the transposed axes it merges into one was a run, in
 * order, before the transpose (splitting an axis is always fine). Seen in onnxruntime 1.30: a
 * Transpose [0,2,1] before a Reshape that splits the last axis moves after it, and a Transpose, two
 * Reshapes back to the shape and the inverse Transpose vanish; a channel shuffle's Reshape, which
 * merges the two axes the Transpose swapped, stops it.
 */
function passable(g: EngineGraph, t: ENode, reshape: ENode): boolean {
  const perm = intsAttr(t, 'perm');
  const a = g.tensors.get(reshape.inputs[0])?.shape;
  const b = g.tensors.get(reshape.outputs[0])?.shape;
  if (!perm || !a || !b || !isConstant(g, reshape.inputs[1])) return false;
  let [i, j] = [0, 0];
  while (i < a.length && j < b.length) {
    const merged = [i];
    let [p, q] = [a[i++], b[j++]];
    while (p !== q && i <= a.length && j <= b.length) {
      if (p < q && i < a.length) {
        merged.push(i);
        p *= a[i++];
      } else if (j < b.length) q *= b[j++];
      else return false;
    }
    const real = merged.filter((k) => a[k] !== 1);
    if (real.some((k, n) => n > 0 && perm[k] !== perm[real[n - 1]] + 1)) return false;
  }
  return true;
}

/**
 * The nodes a movable Transpose's moves may change: its readers, and through Reshapes (which merge,
 * and which a Transpose passes), their readers in turn.
 */
export function transposeReach(g: EngineGraph, t: ENode, e = new Edges(g)): ENode[] {
  const reach = new Set<ENode>();
  const walk = (n: ENode) => {
    for (const c of e.consumers.get(n.outputs[0]) ?? []) {
      if (reach.has(c)) continue;
      reach.add(c);
      if (c.op === 'Reshape' && c.domain === '') walk(c);
    }
  };
  walk(t);
  return [...reach];
}

/** The Transposes of the graph onnxruntime's transpose optimizer may move or cancel. */
export function movableTransposes(g: EngineGraph): ENode[] {
  const e = new Edges(g);
  const fromTranspose = (t: string) => e.producer.get(t)?.op === 'Transpose';
  return g.nodes.filter((t) => {
    if (t.op !== 'Transpose' || t.domain !== '') return false;
    return (e.consumers.get(t.outputs[0]) ?? []).some(
      (c) =>
        c.domain === '' &&
        ((c.op === 'Reshape' && passable(g, t, c)) ||
          (PUSHABLE.has(c.op) &&
            c.inputs.every((x) => !x || x === t.outputs[0] || isConstant(g, x) || fromTranspose(x)))),
    );
  });
}

/**
 * The part of the transpose optimizer netcost reproduces: a Transpose of a Transpose. Two that undo
 * each other go (their readers read the first one's input; when the second writes a graph output,
 * the node before the first writes it instead, and the readers of its own output read that); two that do not
 * become one Transpose of the composed permutation.
 */
export function transposePairs(g: EngineGraph): void {
  untilStable(g, (t2, e) => {
    if (t2.op !== 'Transpose' || t2.domain !== '') return false;
    const t1 = e.producer.get(t2.inputs[0]);
    const p1 = t1 && t1.op === 'Transpose' && t1.domain === '' ? intsAttr(t1, 'perm') : undefined;
    const p2 = intsAttr(t2, 'perm');
    if (!t1 || !p1 || !p2 || p1.length !== p2.length) return false;
    const composed = p2.map((i) => p1[i]);
    const x = t1.inputs[0];
    const y = t2.outputs[0];
    if (!composed.every((v, i) => v === i)) {
      t2.inputs = [x];
      t2.attrs.set('perm', composed);
      t2.covers = [...t1.covers, ...t2.covers];
    } else if (!g.outputs.has(y)) {
      rename(g, y, x);
      g.nodes.splice(g.nodes.indexOf(t2), 1);
    } else {
      // the graph output's name moves up: the node before the pair writes it, and x's readers read it;
      // with no node before (x a graph input), an Identity writes it
      const before = e.producer.get(x);
      if (g.outputs.has(x)) return false;
      if (!before) {
        const identity = { name: 'Identity', op: 'Identity', domain: '', inputs: [x], outputs: [y], attrs: new Map() };
        g.nodes[g.nodes.indexOf(t2)] = { ...identity, covers: [...t1.covers, ...t2.covers] };
      } else {
        g.nodes.splice(g.nodes.indexOf(t2), 1);
        rename(g, x, y);
        before.outputs[before.outputs.indexOf(x)] = y;
      }
    }
    if (!g.outputs.has(t1.outputs[0]) && !g.nodes.some((n) => n.inputs.includes(t1.outputs[0])))
      g.nodes.splice(g.nodes.indexOf(t1), 1);
    return true;
  });
}
