/** LpNormalization: each row along an axis divided by its L1 or L2 norm (face embeddings, retrieval heads). */
import type { LpNormAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { expectAnyRank, numel, type OpDef, ShapeError } from './op.ts';

export const lpnorm: OpDef<LpNormAttrs> = {
  rule:
    'FLOPs per element 3: the absolute value or square, the sum along the axis, the divide; +1 per row for ' +
    'the square root when p is 2',
  infer(inputs, a) {
    const x = expectAnyRank(inputs, 'LpNormalization');
    if (x.length === 0) throw new ShapeError('LpNormalization needs an input of rank 1 or more');
    normAxis(a.axis, x.length);
    return [x];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, [x]) => 3 * numel(x) + (a.p === 2 ? numel(x) / x[normAxis(a.axis, x.length)] : 0),
  category: () => 'elementwise',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('LpNormalization', name, inputs, outputs, { axis: a.axis, p: a.p }),
};
