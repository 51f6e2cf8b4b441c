/**
 * Half precision on a CPU without fp16 arithmetic: onnxruntime's InsertCastTransformer and
 * RemoveDuplicateCastTransformer, which run after the level 2 and 3 rules. An op with no fp16
 * kernel on the CPU provider runs in fp32 between a Cast of each fp16 input up and of each fp16
 * output back down; an op that could run in fp16 but sits with casts on every side runs in fp32
 * too; then a Cast up right after a Cast down (or the reverse) cancels. At level 3 the session goes
 * round once more on the fp32 graph this leaves: the casts of weights fold into fp32 weights
 * (FuseFp16InitializerToFp32NodeTransformer) and the level 2 and 3 rules run again, so the
 * convolutions between casts become blocked fp32 convolutions with their activations fused.
 */
import type { ElemType } from '../../graph/dtype.ts';
import { Edges, type ENode, type EngineGraph } from '../graph.ts';
import { freshName, rename } from '../rewrite.ts';
import { sharedValue } from './cse.ts';

/**
 * The ops onnxruntime 1.30's CPU provider runs on fp16 tensors on x64, and the opsets from (and
 * before) which it does: probed one node each at opsets 11, 12, 13, 17 and 21 (a Cast inserted or
 * not around it). Every other op, elementwise arithmetic, convolutions and products included,
 * has only fp32 kernels here.
 */
const FP16_KERNELS: ReadonlyMap<string, { since?: number; before?: number }> = new Map([
  ...[
    ...['Cast', 'Identity', 'Shape', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Split'],
    ...['Slice', 'Gather', 'GatherElements', 'GatherND', 'ScatterND', 'ScatterElements', 'Expand', 'Compress'],
    ...['ReverseSequence', 'Sign', 'Round', 'Mod', 'Shrink', 'IsNaN'],
    ...['LayerNormalization', 'SimplifiedLayerNormalization', 'com.microsoft:SkipLayerNormalization'],
  ].map((op) => [op, {}] as const),
  ...['Clip', 'Max', 'Min'].map((op) => [op, { since: 12 }] as const),
  ['Dropout', { before: 12 }],
]);

/**
 * fp16 ops onnxruntime 1.30 replaces by their ONNX function body (no fp16 kernel, a body at that
 * opset; probed at opsets 11-23), from and to the opsets given: netcost keeps each as one node
 * between casts and flags it (Softmax, LogSoftmax, HardSwish and Relu it does expand: inline.ts).
 */
type Opsets = [from: number, to: number];
const FP16_FUNCTIONS = new Map<string, Opsets>([
  ['PRelu', [16, 18]],
  ...['Elu', 'Selu', 'HardSigmoid', 'Softplus', 'Softsign', 'ThresholdedRelu'].map((op): [string, Opsets] => [
    op,
    [18, 18],
  ]),
  ['Mish', [18, Infinity]],
  ['GroupNormalization', [18, Infinity]],
  // approximate 'tanh' (the other one runs as its body: inline.ts inlineHalfGelus)
  ['Gelu', [20, Infinity]],
]);

const inlinedByRuntime = (n: ENode, opset: number): boolean => {
  const range = n.domain === '' ? FP16_FUNCTIONS.get(n.op) : undefined;
  return range !== undefined && opset >= range[0] && opset <= range[1];
};

/** onnxruntime's name stem for the casts it inserts (its duplicate-cast remover reads it too). */
const PREFIX = 'InsertedPrecisionFreeCast_';
const CONTROL = new Set(['If', 'Loop', 'Scan']);

function hasFp16Kernel(n: ENode, opset: number): boolean {
  const v = FP16_KERNELS.get(n.domain ? `${n.domain}:${n.op}` : n.op);
  return v !== undefined && opset >= (v.since ?? 0) && opset < (v.before ?? Infinity);
}

/**
 * Rules of levels 2 and 3 match only nodes a provider took, and the CPU provider takes an fp16 node
 * only where it has an fp16 kernel: the rest wait for their casts. Run `rules` with those nodes out
 * of reach (their domain set aside, so no rule matches them) and give them back.
 */
export function withUntakenAside(g: EngineGraph, rules: () => void): void {
  const aside = new Map<ENode, string>();
  for (const n of g.nodes) {
    if (CONTROL.has(n.op) || hasFp16Kernel(n, g.opset) || fp16(g, n.inputs).length === 0) continue;
    aside.set(n, n.domain);
    n.domain = 'netcost.untaken';
  }
  try {
    rules();
  } finally {
    for (const [n, domain] of aside) n.domain = domain;
  }
}

/** A node's fp16 inputs (or outputs). */
const fp16 = (g: EngineGraph, ts: string[]) => ts.filter((t) => t !== '' && g.tensors.get(t)?.type === 'fp16');

/**
 * Insert the casts (the graph's opset picks the kernels that exist); true when the graph has fp16
 * tensors. `shared`: equal single-value constants are one tensor by now (level 1 ran).
 */
export function insertCasts(g: EngineGraph, shared: boolean): boolean {
  if (![...g.tensors.values()].some((t) => t.type === 'fp16')) return false;
  const e = new Edges(g);
  // the nodes that keep fp16 tensors: a kernel of their own for them (or a subgraph, never cast)
  const fp16Runs = new Set(g.nodes.filter((n) => CONTROL.has(n.op) || hasFp16Kernel(n, g.opset)));
  const needsCast = (n: ENode) => !fp16Runs.has(n) && fp16(g, n.inputs).length > 0;
  for (const n of g.nodes) if (fp16Runs.has(n) && isolated(g, e, n, needsCast)) fp16Runs.delete(n);
  const taken = new Set(g.nodes.map((n) => n.name));
  const upcast = new Map<string, string>();
  const sharing = shared ? sharedNames(g) : new Map<string, { name: string; among: number }>();
  for (const n of [...g.nodes]) {
    if (!needsCast(n)) continue;
    if (inlinedByRuntime(n, g.opset)) n.uncertain = true;
    for (const x of fp16(g, n.inputs)) {
      const share = sharing.get(x);
      const source = share?.name ?? x;
      let up = upcast.get(source);
      if (up === undefined) {
        up = freshName(g, PREFIX + source, taken);
        upcast.set(source, up);
        const cast = addCast(g, g.nodes.indexOf(n), source, up, 'fp32');
        // which of several equal constants keeps its name is the order of onnxruntime's hash map
        if ((share?.among ?? 1) > 1) cast.unsureName = true;
      }
      n.inputs = n.inputs.map((t) => (t === x ? (up as string) : t));
    }
    for (const y of fp16(g, n.outputs)) {
      const down = freshName(g, PREFIX + y, taken);
      n.outputs = n.outputs.map((t) => (t === y ? down : t));
      g.tensors.set(down, { ...(g.tensors.get(y) ?? { constant: false }), type: 'fp32' });
      addCast(g, g.nodes.indexOf(n) + 1, down, y, 'fp16', down);
    }
  }
  removeDuplicateCasts(g);
  return true;
}

/**
 * Single-value constants of one value, type and rank are one tensor to onnxruntime (its
 * ConstantSharing, level 1): each one's shared name (the last of them in the file here; onnxruntime
 * keeps whichever its hash map gives first) and how many share it (read or not by now: twins that
 * common subexpressions merged read them too, and which twin stays depends on the name).
 */
function sharedNames(g: EngineGraph): Map<string, { name: string; among: number }> {
  const groups = new Map<string, string[]>();
  for (const t of g.tensors.keys()) {
    const v = sharedValue(g, t);
    if (v !== undefined) groups.set(v, [...(groups.get(v) ?? []), t]);
  }
  const named = new Map<string, { name: string; among: number }>();
  for (const ts of groups.values()) for (const t of ts) named.set(t, { name: ts[ts.length - 1], among: ts.length });
  return named;
}

function addCast(g: EngineGraph, at: number, x: string, y: string, to: ElemType, name = y): ENode {
  const t = g.tensors.get(x);
  if (!g.tensors.has(y)) g.tensors.set(y, { ...(t?.shape ? { shape: t.shape } : {}), type: to, constant: false });
  const cast: ENode = { name, op: 'Cast', domain: '', inputs: [x], outputs: [y], attrs: new Map(), covers: [] };
  cast.attrs.set('to', to === 'fp32' ? 1 : 10);
  g.nodes.splice(at, 0, cast);
  return cast;
}

/**
 * A node that could run in fp16 but whose fp16 inputs all come from nodes cast to fp32, and whose
 * fp16 outputs all go to such nodes: it runs in fp32 too, saving a cast on each side. Not when no
 * node feeds it or it writes a graph output.
 */
function isolated(g: EngineGraph, e: Edges, n: ENode, needsCast: (n: ENode) => boolean): boolean {
  if (CONTROL.has(n.op) || n.outputs.some((o) => g.outputs.has(o))) return false;
  if (!n.inputs.some((x) => e.producer.has(x))) return false;
  const ins = fp16(g, n.inputs);
  const outs = fp16(g, n.outputs);
  if (ins.length === 0 || outs.length === 0) return false;
  const from = ins.flatMap((x) => e.producer.get(x) ?? []);
  const to = outs.flatMap((y) => e.consumers.get(y) ?? []);
  return from.every(needsCast) && to.every(needsCast);
}

const FLOAT_BITS: Partial<Record<ElemType, number>> = { fp16: 16, bf16: 16, fp32: 32, fp64: 64 };

/**
 * A cast that loses precision, which a following cast back must not undo: between floats, to fewer
 * bits unless it is one of the inserted casts (which only carried fp32 work). Casts to or from
 * other types stay as they are here (the inserted casts are float to float).
 */
function lossy(from: ElemType, to: ElemType, name: string): boolean {
  const [a, b] = [FLOAT_BITS[from], FLOAT_BITS[to]];
  if (a === undefined || b === undefined) return true;
  if (a === 16 && b === 16) return from !== to;
  return a > b && !name.startsWith(PREFIX);
}

/**
 * A Cast followed by Casts back to its input's type: both go. One pass, as onnxruntime's, in its
 * order of node indices: the model's own nodes first, then the casts it inserted.
 */
export function removeDuplicateCasts(g: EngineGraph): void {
  const typeOf = (t: string) => g.tensors.get(t)?.type ?? 'fp32';
  const inserted = (n: ENode) => n.op === 'Cast' && n.name.startsWith(PREFIX);
  for (const c of [...g.nodes.filter((n) => !inserted(n)), ...g.nodes.filter(inserted)]) {
    if (c.op !== 'Cast' || c.domain !== '' || !g.nodes.includes(c)) continue;
    const e = new Edges(g);
    const [x, y] = [c.inputs[0], c.outputs[0]];
    const loses = lossy(typeOf(x), typeOf(y), c.name);
    const children = e.consumers.get(y) ?? [];
    const casts = children.filter((k) => k.op === 'Cast' && k.domain === '');
    if (loses && casts.some((k) => lossy(typeOf(k.outputs[0]), typeOf(k.inputs[0]), k.name))) continue;
    const back = casts.filter((k) => !g.outputs.has(k.outputs[0]) && typeOf(k.outputs[0]) === typeOf(x));
    for (const k of back) {
      rename(g, k.outputs[0], x);
      g.nodes.splice(g.nodes.indexOf(k), 1);
    }
    if (children.length > 0 && casts.length === children.length && !g.outputs.has(y)) {
      rename(g, y, x);
      g.nodes.splice(g.nodes.indexOf(c), 1);
    }
  }
}

/**
 * onnxruntime's MatMul fusions of the second round look through a Cast to a Transpose before it
 * (it moves the Cast and fuses the Transpose), which netcost's do not: a MatMul so placed, the Cast
 * and the Transpose are flagged.
 */
export function flagTransposesThroughCasts(g: EngineGraph): void {
  const e = new Edges(g);
  for (const n of g.nodes) {
    if (n.op !== 'MatMul' && n.op !== 'FusedMatMul') continue;
    for (const x of n.inputs) {
      const cast = e.producer.get(x);
      const t = cast?.op === 'Cast' ? e.producer.get(cast.inputs[0]) : undefined;
      if (!cast || t?.op !== 'Transpose') continue;
      for (const m of [n, cast, t]) m.uncertain = true;
    }
  }
}

/**
 * A Cast of an fp16 weight up to fp32 read by one node folds into an fp32 weight named
 * `FusedBack_<weight>`, as onnxruntime's level-3 round writes it (its
 * FuseFp16InitializerToFp32NodeTransformer): no kernel casts it at run time. A cast several nodes
 * read (a shared constant: the bounds of every ReLU6) stays a kernel, and keeps a Clip from fusing.
 */
export function foldWeightCasts(g: EngineGraph): void {
  const e = new Edges(g);
  for (const c of [...g.nodes]) {
    const w = g.tensors.get(c.inputs[0]);
    if (c.op !== 'Cast' || !w?.initializer || g.outputs.has(c.outputs[0])) continue;
    const readers = e.consumers.get(c.outputs[0]) ?? [];
    if (readers.length !== 1) continue;
    const folded = `FusedBack_${c.inputs[0]}`;
    g.tensors.set(folded, { ...w, type: 'fp32', constant: true, initializer: true });
    rename(g, c.outputs[0], folded);
    g.nodes.splice(g.nodes.indexOf(c), 1);
  }
}
