/** Split along an axis (channels by default) into parts of the given sizes. */

import { helperName, ROLE } from '../graph/names.ts';
import type { Shape, SplitAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { type OpDef, ShapeError } from './op.ts';
import { remap } from './tensor.ts';

export const split: OpDef<SplitAttrs> = {
  rule: 'no arithmetic; reads and writes every element',
  infer(inputs, a) {
    if (inputs.length !== 1 || inputs[0].length < 1) throw new ShapeError('split expects one input of rank 1 or more');
    const s = inputs[0];
    const axis = normAxis(a.axis ?? 1, s.length);
    const sum = a.sizes.reduce((x, y) => x + y, 0);
    if (sum !== s[axis] || a.sizes.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ShapeError(
        `split sizes [${a.sizes.join(', ')}] do not divide ${s[axis]} elements of axis ${axis} into whole parts`,
      );
    }
    return a.sizes.map((c) => s.map((d, i) => (i === axis ? c : d)));
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('Split', name, [inputs[0], e.int64s(helperName(name, ROLE.sizes), a.sizes)], outputs, { axis: a.axis ?? 1 }),
  evaluate([x], a, outs) {
    const axis = normAxis(a.axis ?? 1, x.shape.length);
    let start = 0;
    return outs.map((dims) => {
      const from = start;
      start += dims[axis];
      return remap(x.value(), dims, (idx) => idx.map((v, i) => (i === axis ? v + from : v)));
    });
  },
};

/**
 * ONNX's sizes when a Split gives none: `parts` parts of ceil(d / parts) elements along the axis,
 * the last one smaller when d does not divide (opset 18's rule; earlier opsets need equal parts).
 */
export function defaultSplitSizes(x: Shape, axis: number, parts: number): number[] {
  const d = x[normAxis(axis, x.length)];
  const per = Math.ceil(d / parts);
  return Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(per, d - i * per)));
}
