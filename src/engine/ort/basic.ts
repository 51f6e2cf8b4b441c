/**
 * onnxruntime's basic optimisations (level 1) that change which kernels run: nodes that pass data
 * through are removed (Identity, Dropout, a Cast to the same type, an Expand to the same shape), a
 * Pad joins the convolution or pooling after it, a BatchNormalization, Mul or Add of per-channel
 * constants after a convolution folds into it, and a MatMul followed by the Add of a bias becomes
 * one Gemm.
 */

import { Edges, type ENode, type EngineGraph, type ETensor, intsAttr, isConstant, strAttr } from '../graph.ts';
import { bypass, freshName, fuse, rename, untilStable } from '../rewrite.ts';
import { constantValues } from './constants.ts';

const numel = (s: number[] | undefined) => (s ?? []).reduce((a, b) => a * b, 1);

/**
 * Identity; Dropout in inference (training_mode absent or a constant false, its mask unread); Cast
 * to its input's type; Expand to its input's shape.
 */
export function eliminations(g: EngineGraph): void {
  const e = new Edges(g);
  const inference = (n: ENode) =>
    (!n.inputs[2] || constantValues(g, n.inputs[2])?.[0] === 0) && n.outputs.slice(1).every((o) => e.uses(o) === 0);
  for (const n of [...g.nodes]) {
    if (n.domain !== '') continue;
    const x = g.tensors.get(n.inputs[0]);
    const y = g.tensors.get(n.outputs[0]);
    const same =
      n.op === 'Identity' ||
      (n.op === 'Dropout' && inference(n)) ||
      (n.op === 'Cast' && x !== undefined && y !== undefined && x.type === y.type) ||
      (n.op === 'Expand' && x?.shape !== undefined && x.shape.join() === y?.shape?.join());
    if (same && !bypass(g, n) && n.op === 'Identity') identityToOutput(g, e, n);
  }
}

/** The neutral value of each op NoopElimination removes, and whether the constant may come first. */
const NEUTRAL = new Map([
  ['Add', { value: 0, first: true }],
  ['Sub', { value: 0, first: false }],
  ['Mul', { value: 1, first: true }],
  ['Div', { value: 1, first: false }],
]);
const NOOP_TYPES = new Set(['fp32', 'fp16', 'fp64', 'int32', 'int64']);

/**
 * An Add or Sub of 0, a Mul or Div by 1 (onnxruntime's NoopElimination, as 1.30 applies it): the
 * constant a single value of no higher rank than the other input (so nothing broadcasts), second
 * for Sub and Div; the other input written by a node (of a graph input, the node stays) and the
 * output no graph output. Readers read the other input. An fp16 epsilon too small for fp16 is 0.
 */
export function noopElimination(g: EngineGraph): void {
  const e = new Edges(g);
  for (const n of [...g.nodes]) {
    const rule = NEUTRAL.get(n.op);
    if (!rule || n.domain !== '' || n.inputs.length !== 2 || g.outputs.has(n.outputs[0])) continue;
    const [a, b] = n.inputs.map((t) => isConstant(g, t));
    if (a === b || (a && !rule.first)) continue;
    const [x, c] = a ? [n.inputs[1], n.inputs[0]] : n.inputs;
    const ct = g.tensors.get(c);
    const rank = g.tensors.get(x)?.shape?.length;
    if (!e.producer.has(x) || !ct?.shape || rank === undefined || ct.shape.length > rank) continue;
    if (!NOOP_TYPES.has(ct.type)) continue;
    const v = constantValues(g, c);
    if (!v || v.length > 1 || (v.length === 1 && v[0] !== rule.value)) continue;
    rename(g, n.outputs[0], x);
    g.nodes.splice(g.nodes.indexOf(n), 1);
  }
}

/**
 * An Identity whose output is a graph output (and nothing else reads) goes too when its input is
 * another node's output that only it reads: that node writes the graph output itself
 * (onnxruntime's EliminateIdentity, its special case).
 */
function identityToOutput(g: EngineGraph, e: Edges, n: ENode): void {
  const x = n.inputs[0];
  const producer = e.producer.get(x);
  if (!producer || g.outputs.has(x) || n.outputs.length !== 1) return;
  if ((e.consumers.get(x)?.length ?? 0) !== 1 || (e.consumers.get(n.outputs[0])?.length ?? 0) > 0) return;
  producer.outputs[producer.outputs.indexOf(x)] = n.outputs[0];
  producer.covers = [...producer.covers, ...n.covers];
  g.nodes.splice(g.nodes.indexOf(n), 1);
}

/**
 * A Pad of zeros (constant mode) of the spatial axes only, read only by a Conv, MaxPool or
 * AveragePool with explicit pads: the pads join the reader's (onnxruntime's PadFusion).
 */
export function padFusion(g: EngineGraph): void {
  const e = new Edges(g);
  for (const pad of [...g.nodes]) {
    if (
      pad.op !== 'Pad' ||
      pad.domain !== '' ||
      strAttr(pad, 'mode', 'constant') !== 'constant' ||
      pad.inputs.length > 3
    )
      continue;
    const next = e.sole(pad.outputs[0]);
    const pads = constantValues(g, pad.inputs[1]) ?? intsAttr(pad, 'pads');
    const value = pad.inputs[2] ? constantValues(g, pad.inputs[2]) : [0];
    if (next?.domain !== '' || !['Conv', 'MaxPool', 'AveragePool'].includes(next.op) || next.outputs.length > 1)
      continue;
    const own = intsAttr(next, 'pads');
    if (!pads || value?.length !== 1 || value[0] !== 0 || !own || strAttr(next, 'auto_pad', 'NOTSET') !== 'NOTSET')
      continue;
    const r = pads.length / 2;
    if (pads[0] !== 0 || pads[1] !== 0 || pads[r] !== 0 || pads[r + 1] !== 0 || pads.some((p) => p < 0)) continue;
    const k = own.length / 2;
    next.attrs.set(
      'pads',
      own.map((p, i) => p + (i < k ? pads[2 + i] : pads[r + 2 + i - k])),
    );
    next.inputs[0] = pad.inputs[0];
    next.covers = [...pad.covers, ...next.covers];
    g.nodes.splice(g.nodes.indexOf(pad), 1);
  }
}

/**
 * A constant a convolution's weights or bias absorb (onnxruntime's ConvMulFusion, ConvAddFusion):
 * the Mul's or Add's second input (a constant first is left alone), of the weights' rank with the
 * output channels on axis 1 ([1, C, 1, 1]) or one rank below with them on axis 0 ([C, 1, 1]), every
 * other dimension 1; or a scalar for a Mul (an Add of a scalar is not fused).
 */
function perChannel(g: EngineGraph, next: ENode, conv: ENode): boolean {
  const t = next.inputs[1];
  const s = g.tensors.get(t)?.shape;
  const w = g.tensors.get(conv.inputs[1])?.shape;
  if (!isConstant(g, t) || !s || !w || w.length <= 2 || next.inputs[0] !== conv.outputs[0]) return false;
  if (next.op === 'Mul' && s.length === 0) return true;
  const axis = s.length === w.length ? 1 : s.length === w.length - 1 ? 0 : -1;
  return axis >= 0 && s[axis] === w[0] && s.every((d, i) => i === axis || d === 1);
}

/**
 * The inputs of a convolution that folds `next` in: new weights and bias, named as onnxruntime names
 * the tensors it writes (a cast fp16 work gets is named after them; common subexpressions compare
 * by name, so a twin convolution folding another constant is no longer equal to this one). A batch
 * norm changes both; a Mul the weights, and the bias if there is one; an Add only the bias.
 */
function foldedInputs(g: EngineGraph, conv: ENode, next: ENode, channels: number): string[] {
  const [x, w, b] = conv.inputs;
  const copy = (from: string, base: string, shape?: number[]) => {
    const name = freshName(g, base);
    const t = g.tensors.get(from) as ETensor;
    g.tensors.set(name, { ...t, ...(shape ? { shape } : {}), constant: true, initializer: true });
    return name;
  };
  if (next.op === 'BatchNormalization')
    return [x, copy(w, `ConvBnFusion_W_${w}`), copy(next.inputs[2], `ConvBnFusion_BN_B_${next.inputs[2]}`, [channels])];
  if (next.op === 'Mul')
    return [x, copy(w, `ConvMulFusion_W_${w}`), ...(b ? [copy(b, `ConvMulFusion_Mul_B_${next.inputs[1]}`)] : [])];
  return [
    x,
    w,
    b ? copy(b, `ConvAddFusion_B_${b}`) : copy(next.inputs[1], `ConvAddFusion_Add_B_${next.inputs[1]}`, [channels]),
  ];
}

/** Conv (constant weights) followed by its only reader, a BatchNormalization, Mul or Add of constants. */
export function convFolds(g: EngineGraph): void {
  untilStable(g, (conv, e) => {
    if (conv.op !== 'Conv' || conv.domain !== '' || !isConstant(g, conv.inputs[1])) return false;
    if (conv.inputs[2] && !isConstant(g, conv.inputs[2])) return false;
    const next = e.sole(conv.outputs[0]);
    if (next?.domain !== '') return false;
    const channels = g.tensors.get(conv.inputs[1])?.shape?.[0] ?? 0;
    const ok =
      (next.op === 'BatchNormalization' &&
        next.outputs.length === 1 &&
        next.inputs.slice(1).every((x) => isConstant(g, x))) ||
      ((next.op === 'Mul' || next.op === 'Add') && next.inputs.length === 2 && perChannel(g, next, conv));
    if (!ok) return false;
    const inputs = foldedInputs(g, conv, next, channels);
    fuse(g, [conv, next], {
      op: 'Conv',
      domain: '',
      inputs,
      outputs: next.outputs,
      attrs: conv.attrs,
      name: conv.name,
    });
    return true;
  });
}

/**
 * A MatMul read only by an Add of a bias: one Gemm (onnxruntime's MatMulAddFusion). The second input
 * must be a matrix and the bias a vector of its columns (or, for a 2-D first input, a row, a column
 * or a whole matrix); a first input of another rank is reshaped to a matrix around the Gemm (by the
 * Reshape that made it, when that Reshape feeds the MatMul alone).
 */
export function matMulAdd(g: EngineGraph): void {
  let e = new Edges(g);
  let fused = false;
  for (const mm of [...g.nodes]) {
    // the reshapes a fusion writes are what the next MatMul may reuse
    if (fused) e = new Edges(g);
    fused = false;
    if (mm.op !== 'MatMul' || mm.domain !== '') continue;
    const add = e.sole(mm.outputs[0]);
    if (add?.op !== 'Add' || add.domain !== '' || add.inputs.length !== 2) continue;
    const [a, b] = mm.inputs.map((t) => g.tensors.get(t));
    const type = a?.type;
    if (!a?.shape || !b?.shape || b.shape.length !== 2 || (type !== 'fp32' && type !== 'fp16')) continue;
    if (g.tensors.get(add.inputs[0])?.type !== type) continue;
    const bias = add.inputs[add.inputs[0] === mm.outputs[0] ? 1 : 0];
    const bs = g.tensors.get(bias)?.shape;
    const n = b.shape[1];
    const reshape = a.shape.length !== 2;
    const ok =
      (bs?.length === 1 && bs[0] === n) ||
      (!reshape &&
        bs?.length === 2 &&
        (bs[0] === 1 || bs[0] === a.shape[0]) &&
        (bs[1] === n || (bs[0] !== 1 && bs[1] === 1)));
    if (!ok) continue;
    const name = `${mm.name}/MatMulAddFusion`;
    fused = true;
    if (!reshape) {
      fuse(g, [mm, add], { op: 'Gemm', domain: '', inputs: [...mm.inputs, bias], outputs: add.outputs, name });
      continue;
    }
    const m = numel(a.shape.slice(0, -1));
    // named as onnxruntime names them (a cast fp16 work gets later is named after its tensor)
    const x2 = freshName(g, 'gemm_input_reshape_arg');
    const y2 = freshName(g, 'gemm_output_reshape_arg');
    g.tensors.set(x2, { shape: [m, b.shape[0]], type, constant: false });
    g.tensors.set(y2, { shape: [m, n], type, constant: false });
    // an input that a Reshape alone reads is reshaped to the matrix by that Reshape, renamed
    const prior = e.producer.get(mm.inputs[0]);
    const reuse = prior?.op === 'Reshape' && prior.domain === '' && e.sole(prior.outputs[0]) === mm ? prior : undefined;
    const gemm = fuse(g, [mm, add], { op: 'Gemm', domain: '', inputs: [x2, mm.inputs[1], bias], outputs: [y2], name });
    const node = (nm: string, i: string, o: string, covers: string[] = []) => ({
      name: nm,
      op: 'Reshape',
      domain: '',
      inputs: [i],
      outputs: [o],
      attrs: new Map(),
      covers,
    });
    if (reuse) g.nodes[g.nodes.indexOf(reuse)] = node(`${reuse.name}_new_reshape`, reuse.inputs[0], x2, reuse.covers);
    const at = g.nodes.indexOf(gemm);
    g.nodes.splice(
      at,
      1,
      ...(reuse ? [] : [node('gemm_input_reshape', mm.inputs[0], x2)]),
      gemm,
      node('gemm_output_reshape', y2, add.outputs[0]),
    );
  }
}
