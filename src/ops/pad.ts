/** Pad (constant, reflect or edge). */
import { helperName, ROLE } from '../graph/names.ts';
import type { PadAttrs } from '../graph/types.ts';
import { type OpDef, ShapeError } from './op.ts';

export const pad: OpDef<PadAttrs> = {
  rule: 'no arithmetic; reads the input, writes the padded output',
  infer(inputs, a) {
    const x = inputs[0];
    if (a.pads.length !== 2 * x.length)
      throw new ShapeError(`pads has ${a.pads.length} values for a rank-${x.length} input; it needs ${2 * x.length}`);
    return [x.map((d, i) => d + a.pads[i] + a.pads[i + x.length])];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('Pad', name, [inputs[0], e.int64s(helperName(name, ROLE.pads), a.pads)], outputs, { mode: a.mode }),
};
