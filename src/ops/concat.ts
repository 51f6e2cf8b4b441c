/** Concatenation along channels: no arithmetic; reads every input, writes the output. */
import type { NoAttrs } from '../graph/types.ts';
import { ShapeError, type OpDef } from './op.ts';

export const concat: OpDef<NoAttrs> = {
  infer(inputs) {
    if (inputs.length < 1) throw new ShapeError('concat needs at least one input');
    const [first] = inputs;
    for (const s of inputs) {
      if (s.length !== first.length || s.some((v, i) => i !== 1 && v !== first[i])) {
        throw new ShapeError(`cannot concatenate [${first.join(', ')}] and [${s.join(', ')}]: all but the channel axis must match`);
      }
    }
    return [[first[0], inputs.reduce((c, s) => c + s[1], 0), ...first.slice(2)]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, inputs, outputs }, e) => e.node('Concat', name, inputs, outputs, { axis: 1 }),
};
