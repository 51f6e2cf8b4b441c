/** Elementwise sum of n equal-shaped inputs (a residual join). */
import type { AddAttrs } from '../graph/types.ts';
import { REQUANTIZE_FLOPS } from './matmul.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const add: OpDef<AddAttrs> = {
  rule: 'FLOPs n−1 per output element for n inputs (+3 to requantize an int8 sum: QLinearAdd)',
  infer(inputs) {
    if (inputs.length < 2) throw new ShapeError('add needs at least two inputs');
    const [first] = inputs;
    for (const s of inputs) {
      if (s.length !== first.length || s.some((v, i) => v !== first[i])) {
        throw new ShapeError(`cannot add [${first.join(', ')}] and [${s.join(', ')}]: shapes must be equal`);
      }
    }
    return [[...first]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, inputs, [y]) => (inputs.length - 1 + (a.quantized ? REQUANTIZE_FLOPS : 0)) * numel(y),
  category: () => 'elementwise',
  onnx: ({ name, inputs, outputs }, e) => e.node(inputs.length === 2 ? 'Add' : 'Sum', name, inputs, outputs),
};
