/** Reductions over axes (ReduceMean, ReduceSum, ReduceMax, ReduceMin). FLOPs 1 per input element. */
import type { ReduceAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

const ONNX_OP = { mean: 'ReduceMean', sum: 'ReduceSum', max: 'ReduceMax', min: 'ReduceMin' } as const;

export const reduce: OpDef<ReduceAttrs> = {
  infer(inputs, a) {
    if (inputs.length !== 1) throw new ShapeError('a reduction takes one input');
    const x = inputs[0];
    const axes = new Set((a.axes.length ? a.axes : x.map((_, i) => i)).map((ax) => normAxis(ax, x.length)));
    return [x.flatMap((d, i) => (axes.has(i) ? (a.keepdims ? [1] : []) : [d]))];
  },
  params: () => 0,
  madds: () => 0,
  flops: (_a, [x]) => numel(x),
  category: () => 'pooling',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(ONNX_OP[a.fn], name, inputs, outputs, { axes: a.axes, keepdims: a.keepdims ? 1 : 0 }),
};
