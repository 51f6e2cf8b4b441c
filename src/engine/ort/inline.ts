/**
 * Ops onnxruntime's CPU provider has no kernel for, which it replaces by their ONNX function body
 * when it loads the model, before any optimisation, with the nodes nameless as the inliner leaves
 * them: HardSwish (opset 14) becomes HardSigmoid (alpha 1/6, beta 1/2) and a Mul; an fp16 Softmax
 * (opset 13 on, no fp16 kernel) becomes ReduceMax, Sub, Exp, ReduceSum and Div, an fp16 LogSoftmax
 * ReduceMax, Sub, Exp, ReduceSum, Log and Sub; an fp16 Relu at opset 18 (whose function is a
 * CastLike of 0 and a Max, which has an fp16 kernel) becomes a Cast and that Max.
 */
import type { AttrValue, ENode, EngineGraph } from '../graph.ts';
import { GELU_OPSET } from './transformer.ts';

/** the opset from which Softmax and LogSoftmax have function bodies (and work along one axis) */
const SOFTMAX_FUNCTION_OPSET = 13;

/** the one opset at which onnxruntime finds Relu's function body (Max with 0) */
const RELU_FUNCTION_OPSET = 18;

/** the opsets at which onnxruntime finds LeakyRelu's function body (an fp16 LeakyRelu has no kernel) */
const LEAKY_FUNCTION_OPSETS = [16, 18] as const;

/** a float constant of the body (onnxruntime's inliner leaves it fp32: no cast of it runs) */
function bodyConstant(g: EngineGraph, n: ENode, name: string, value: number): string {
  const t = `${n.name}#${n.op}.${name}`;
  g.tensors.set(t, { shape: [], type: 'fp32', constant: true, initializer: true, values: () => [value] });
  return t;
}

/**
 * Every fp16 Gelu (approximate 'none', opset 20 on: no fp16 kernel) as onnxruntime runs it, one the
 * model has or one its GeluFusion wrote: inlined after the optimisation levels, before the casts,
 * as its function body (x · 1/2) · Sum(1, Erf(x / Sqrt(2))), the Sqrt of the constant 2 a kernel of
 * its own and two Gelus' bodies not merged (no folding or CSE runs after the inliner).
 */
export function inlineHalfGelus(g: EngineGraph): void {
  // from opset 20 Gelu is an ONNX op, with a function body (an fp16 Gelu has no kernel)
  if (g.opset < GELU_OPSET) return;
  const half = (n: ENode) =>
    n.op === 'Gelu' &&
    n.domain === '' &&
    n.attrs.get('approximate') !== 'tanh' &&
    g.tensors.get(n.inputs[0])?.type === 'fp16';
  // the body's tensors named after the output (every Gelu GeluFusion writes is named 'Gelu')
  g.nodes = g.nodes.flatMap((n) => (half(n) ? geluBody(g, { ...n, name: n.outputs[0] }) : [n]));
}

function geluBody(g: EngineGraph, n: ENode): ENode[] {
  const x = n.inputs[0];
  const [half, two, one] = [
    bodyConstant(g, n, 'Half', 0.5),
    bodyConstant(g, n, 'Two', 2),
    bodyConstant(g, n, 'One', 1),
  ];
  const t = (name: string) => bodyTensor(g, n, name, x);
  const [multX, sqrtTwo, xSqrt, erf, phi] = [t('MultX'), t('SqrtTwo'), t('XSqrt'), t('ErfXSqrt'), t('Phi')];
  g.tensors.set(sqrtTwo, { constant: false, type: 'fp32', shape: [] });
  return [
    bodyNode(n, 'Mul', [half, x], [multX]),
    bodyNode(n, 'Sqrt', [two], [sqrtTwo]),
    bodyNode(n, 'Div', [x, sqrtTwo], [xSqrt]),
    bodyNode(n, 'Erf', [xSqrt], [erf]),
    bodyNode(n, 'Sum', [one, erf], [phi]),
    bodyNode(n, 'Mul', [multX, phi], n.outputs),
  ];
}

/** LeakyRelu's body: Where(x < 0, alpha · x, x) */
function leakyRelu(g: EngineGraph, n: ENode): ENode[] {
  const x = n.inputs[0];
  const a = n.attrs.get('alpha');
  const alpha = bodyConstant(g, n, 'Alpha', typeof a === 'object' && 'f' in a ? a.f : 0.01);
  const zero = bodyConstant(g, n, 'Zero', 0);
  const scaled = bodyTensor(g, n, 'AlphaMulX', x);
  const negative = bodyTensor(g, n, 'XLessThanZero', x);
  g.tensors.set(negative, { constant: false, type: 'bool', shape: g.tensors.get(x)?.shape });
  return [
    bodyNode(n, 'Mul', [alpha, x], [scaled]),
    bodyNode(n, 'Less', [x, zero], [negative]),
    bodyNode(n, 'Where', [negative, scaled, x], n.outputs),
  ];
}

/** Relu's body: a float 0, cast like X (a nameless Cast kernel), and Max of X with it */
function reluAsMax(g: EngineGraph, n: ENode): ENode[] {
  const zero = `${n.name}#Relu.Zero`;
  g.tensors.set(zero, { shape: [], type: 'fp32', constant: true, initializer: true, values: () => [0] });
  const cast = bodyTensor(g, n, 'ZeroCast', n.inputs[0], []);
  const to = new Map<string, AttrValue>([['to', 10]]);
  // where the Max then runs (fp16, or fp32 between casts) differs from netcost's casts: flagged
  const body = [bodyNode(n, 'Cast', [zero], [cast], to), bodyNode(n, 'Max', [n.inputs[0], cast], n.outputs)];
  return body.map((b) => ({ ...b, uncertain: true }));
}

export function inlineFunctions(g: EngineGraph): void {
  g.nodes = g.nodes.flatMap((n) => {
    if (n.domain !== '') return [n];
    if (n.op === 'HardSwish') return hardSwish(g, n);
    const half = g.tensors.get(n.inputs[0])?.type === 'fp16';
    if ((n.op === 'Softmax' || n.op === 'LogSoftmax') && half && g.opset >= SOFTMAX_FUNCTION_OPSET)
      return softmax(g, n);
    if (n.op === 'Relu' && half && g.opset === RELU_FUNCTION_OPSET) return reluAsMax(g, n);
    if (n.op === 'LeakyRelu' && half && g.opset >= LEAKY_FUNCTION_OPSETS[0] && g.opset <= LEAKY_FUNCTION_OPSETS[1])
      return leakyRelu(g, n);
    return [n];
  });
}

/** a nameless node of the body, covering what the inlined node covered */
const bodyNode = (n: ENode, op: string, inputs: string[], outputs: string[], attrs = new Map<string, AttrValue>()) => ({
  name: '',
  op,
  domain: '',
  inputs,
  outputs,
  attrs,
  covers: n.covers,
});

/** a tensor of the body, like `like` (or with `shape`) */
function bodyTensor(g: EngineGraph, n: ENode, name: string, like: string, shape?: number[]): string {
  const t = `${n.name}#${n.op}.${name}`;
  const x = g.tensors.get(like) ?? { type: 'fp32' as const, constant: false };
  const s = shape ?? x.shape;
  g.tensors.set(t, { type: x.type, constant: false, ...(s ? { shape: s } : {}) });
  return t;
}

function hardSwish(g: EngineGraph, n: ENode): ENode[] {
  const x = n.inputs[0];
  const hs = bodyTensor(g, n, 'HS_X', x);
  const alpha = new Map<string, AttrValue>([
    ['alpha', { f: 1 / 6 }],
    ['beta', { f: 0.5 }],
  ]);
  return [bodyNode(n, 'HardSigmoid', [x], [hs], alpha), bodyNode(n, 'Mul', [x, hs], n.outputs)];
}

function softmax(g: EngineGraph, n: ENode): ENode[] {
  const x = n.inputs[0];
  const shape = g.tensors.get(x)?.shape;
  const rank = shape?.length ?? 1;
  const a = n.attrs.get('axis');
  const axis = typeof a === 'number' ? (a < 0 ? a + rank : a) : rank - 1;
  const kept = shape?.map((d, i) => (i === axis ? 1 : d));
  const reduce = new Map<string, AttrValue>([
    ['axes', [axis]],
    ['keepdims', 1],
  ]);
  const max = bodyTensor(g, n, 'X_ReduceMax', x, kept);
  const sub = bodyTensor(g, n, 'X_Sub', x);
  const exp = bodyTensor(g, n, 'X_Exp', x);
  const sum = bodyTensor(g, n, 'X_ReduceSum', x, kept);
  const head = [
    bodyNode(n, 'ReduceMax', [x], [max], reduce),
    bodyNode(n, 'Sub', [x, max], [sub]),
    bodyNode(n, 'Exp', [sub], [exp]),
    bodyNode(n, 'ReduceSum', [exp], [sum], reduce),
  ];
  if (n.op === 'Softmax') return [...head, bodyNode(n, 'Div', [exp, sum], n.outputs)];
  const log = bodyTensor(g, n, 'X_Log', x, kept);
  return [...head, bodyNode(n, 'Log', [sum], [log]), bodyNode(n, 'Sub', [sub, log], n.outputs)];
}
