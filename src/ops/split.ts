/** Channel split into parts of the given sizes: no arithmetic; reads and writes every element. */
import type { SplitAttrs } from '../graph/types.ts';
import { ShapeError, type OpDef } from './op.ts';

export const split: OpDef<SplitAttrs> = {
  infer(inputs, a) {
    if (inputs.length !== 1 || inputs[0].length < 2) throw new ShapeError('split expects one input of rank 2 or more');
    const s = inputs[0];
    const sum = a.sizes.reduce((x, y) => x + y, 0);
    if (sum !== s[1] || a.sizes.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new ShapeError(`split sizes [${a.sizes.join(', ')}] do not divide ${s[1]} channels into positive whole parts`);
    }
    return a.sizes.map((c) => [s[0], c, ...s.slice(2)]);
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) => e.node('Split', name, [inputs[0], e.int64s(`${name}#sizes`, a.sizes)], outputs, { axis: 1 }),
};
