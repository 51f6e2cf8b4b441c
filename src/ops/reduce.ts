/** Reductions over axes: ReduceMean, Sum, Max, Min, Prod, the norms and logs, ArgMax, ArgMin. */
import type { ReduceAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { generate, offset, strides, unravel } from './tensor.ts';

/** Each reduction: its ONNX op, FLOPs per input element and per output element, and its value. */
const FN: Record<ReduceAttrs['fn'], { onnx: string; perIn: number; perOut?: number; of: (ys: number[]) => number }> = {
  mean: { onnx: 'ReduceMean', perIn: 1, of: (ys) => sum(ys) / ys.length },
  sum: { onnx: 'ReduceSum', perIn: 1, of: sum },
  // a loop, not a spread: a reduction over 2^18 elements would overflow the call stack
  max: { onnx: 'ReduceMax', perIn: 1, of: (ys) => ys.reduce((p, q) => Math.max(p, q), Number.NEGATIVE_INFINITY) },
  min: { onnx: 'ReduceMin', perIn: 1, of: (ys) => ys.reduce((p, q) => Math.min(p, q), Number.POSITIVE_INFINITY) },
  prod: { onnx: 'ReduceProd', perIn: 1, of: (ys) => ys.reduce((p, q) => p * q, 1) },
  l1: { onnx: 'ReduceL1', perIn: 2, of: (ys) => sum(ys.map(Math.abs)) },
  l2: { onnx: 'ReduceL2', perIn: 2, perOut: 1, of: (ys) => Math.sqrt(sum(ys.map((y) => y * y))) },
  logsum: { onnx: 'ReduceLogSum', perIn: 1, perOut: 1, of: (ys) => Math.log(sum(ys)) },
  logsumexp: { onnx: 'ReduceLogSumExp', perIn: 2, perOut: 1, of: (ys) => Math.log(sum(ys.map(Math.exp))) },
  sumsquare: { onnx: 'ReduceSumSquare', perIn: 2, of: (ys) => sum(ys.map((y) => y * y)) },
  argmax: { onnx: 'ArgMax', perIn: 1, of: (ys) => ys.indexOf(FN.max.of(ys)) },
  argmin: { onnx: 'ArgMin', perIn: 1, of: (ys) => ys.indexOf(FN.min.of(ys)) },
};

function sum(ys: number[]): number {
  let s = 0;
  for (const y of ys) s += y;
  return s;
}

const reducedAxes = (x: Shape, a: ReduceAttrs) =>
  new Set((a.axes.length ? a.axes : x.map((_, i) => i)).map((ax) => normAxis(ax, x.length)));

const words = Object.values(FN)
  .map((f) => `${f.onnx} ${f.perIn}${f.perOut ? ` (+${f.perOut} per output element)` : ''}`)
  .join(', ');

export const reduce: OpDef<ReduceAttrs> = {
  rule:
    `FLOPs per input element: ${words} (ArgMax, ArgMin write int64 indices); with no axes and ` +
    'noop_with_empty_axes, a copy',
  infer(inputs, a) {
    if (inputs.length !== 1) throw new ShapeError('a reduction takes one input');
    const x = inputs[0];
    if (a.noop) return [[...x]];
    const axes = reducedAxes(x, a);
    return [x.flatMap((d, i) => (axes.has(i) ? (a.keepdims ? [1] : []) : [d]))];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, [x], [y]) => (a.noop ? 0 : FN[a.fn].perIn * numel(x) + (FN[a.fn].perOut ?? 0) * numel(y)),
  category: () => 'pooling',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(FN[a.fn].onnx, name, inputs, outputs, { axes: a.axes, keepdims: a.keepdims ? 1 : 0 }),
  evaluate([x], a, [out]) {
    const v = x.value();
    if (a.noop) return [v];
    const axes = reducedAxes(v.dims, a);
    // the output with every reduced axis kept as 1: each input element adds into one of its elements
    const kept = v.dims.map((d, i) => (axes.has(i) ? 1 : d));
    const st = strides(kept);
    const acc: number[][] = Array.from({ length: numel(kept) }, () => []);
    v.data.forEach((y, flat) => {
      const idx = unravel(flat, v.dims).map((k, i) => (axes.has(i) ? 0 : k));
      acc[offset(idx, st)].push(y);
    });
    const arg = a.fn === 'argmax' || a.fn === 'argmin';
    // the last of equal extremes: the first, counted from the end
    const f = arg && a.last ? (ys: number[]) => ys.length - 1 - FN[a.fn].of([...ys].reverse()) : FN[a.fn].of;
    return [generate(out, arg ? 'int' : v.type, (i) => f(acc[i]))];
  },
};
