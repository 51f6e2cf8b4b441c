/** Channel split into parts of the given sizes: no arithmetic; reads and writes every element. */
import type { SplitAttrs } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { type OpDef, ShapeError } from './op.ts';

export const split: OpDef<SplitAttrs> = {
  infer(inputs, a) {
    if (inputs.length !== 1 || inputs[0].length < 2) throw new ShapeError('split expects one input of rank 2 or more');
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
    e.node('Split', name, [inputs[0], e.int64s(`${name}#sizes`, a.sizes)], outputs, { axis: a.axis ?? 1 }),
};
