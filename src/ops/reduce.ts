/** Reductions over axes (ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd). */
import type { ReduceAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { generate, offset, strides, unravel } from './tensor.ts';

const ONNX_OP = {
  mean: 'ReduceMean',
  sum: 'ReduceSum',
  max: 'ReduceMax',
  min: 'ReduceMin',
  prod: 'ReduceProd',
} as const;

const reducedAxes = (x: Shape, a: ReduceAttrs) =>
  new Set((a.axes.length ? a.axes : x.map((_, i) => i)).map((ax) => normAxis(ax, x.length)));

export const reduce: OpDef<ReduceAttrs> = {
  rule: 'FLOPs 1 per input element',
  infer(inputs, a) {
    if (inputs.length !== 1) throw new ShapeError('a reduction takes one input');
    const x = inputs[0];
    const axes = reducedAxes(x, a);
    return [x.flatMap((d, i) => (axes.has(i) ? (a.keepdims ? [1] : []) : [d]))];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, [x]) => numel(x),
  category: () => 'pooling',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(ONNX_OP[a.fn], name, inputs, outputs, { axes: a.axes, keepdims: a.keepdims ? 1 : 0 }),
  evaluate([x], a, [out]) {
    const v = x.value();
    const axes = reducedAxes(v.dims, a);
    // the output with every reduced axis kept as 1: each input element adds into one of its elements
    const kept = v.dims.map((d, i) => (axes.has(i) ? 1 : d));
    const st = strides(kept);
    const acc: number[][] = Array.from({ length: numel(kept) }, () => []);
    v.data.forEach((y, flat) => {
      const idx = unravel(flat, v.dims).map((k, i) => (axes.has(i) ? 0 : k));
      acc[offset(idx, st)].push(y);
    });
    const f = {
      mean: (ys: number[]) => ys.reduce((p, q) => p + q, 0) / ys.length,
      sum: (ys: number[]) => ys.reduce((p, q) => p + q, 0),
      // a loop, not a spread: a reduction over 2^18 elements would overflow the call stack
      max: (ys: number[]) => ys.reduce((p, q) => Math.max(p, q), Number.NEGATIVE_INFINITY),
      min: (ys: number[]) => ys.reduce((p, q) => Math.min(p, q), Number.POSITIVE_INFINITY),
      prod: (ys: number[]) => ys.reduce((p, q) => p * q, 1),
    }[a.fn];
    return [generate(out, v.type, (i) => f(acc[i]))];
  },
};
