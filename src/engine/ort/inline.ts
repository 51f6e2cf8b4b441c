/**
 * Ops onnxruntime's CPU provider has no kernel for, which it replaces by their ONNX function body
 * when it loads the model, before any optimisation, with the nodes nameless as the inliner leaves
 * them: HardSwish (opset 14) becomes HardSigmoid (alpha 1/6, beta 1/2) and a Mul; an fp16 Softmax
 * (opset 13 on, no fp16 kernel) becomes ReduceMax, Sub, Exp, ReduceSum and Div, an fp16 LogSoftmax
 * ReduceMax, Sub, Exp, ReduceSum, Log and Sub.
 */
import type { AttrValue, ENode, EngineGraph } from '../graph.ts';

/** the opset from which Softmax and LogSoftmax have function bodies (and work along one axis) */
const SOFTMAX_FUNCTION_OPSET = 13;

export function inlineFunctions(g: EngineGraph): void {
  g.nodes = g.nodes.flatMap((n) => {
    if (n.domain !== '') return [n];
    if (n.op === 'HardSwish') return hardSwish(g, n);
    const half = g.tensors.get(n.inputs[0])?.type === 'fp16';
    if ((n.op === 'Softmax' || n.op === 'LogSoftmax') && half && g.opset >= SOFTMAX_FUNCTION_OPSET)
      return softmax(g, n);
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
