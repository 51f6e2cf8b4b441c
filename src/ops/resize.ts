/** Resize (upsampling): nearest costs no arithmetic; linear interpolation 7 FLOPs per output
 * element in 2-D (4 multiplies, 3 adds), cubic 31. Reads the input, writes the output. */
import type { ResizeAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

const PER_OUTPUT: Record<string, number> = { nearest: 0, linear: 7, cubic: 31 };

export const resize: OpDef<ResizeAttrs> = {
  infer(inputs, a) {
    if (a.outShape.length !== inputs[0].length)
      throw new ShapeError(`resize to rank ${a.outShape.length} from rank ${inputs[0].length}`);
    return [[...a.outShape]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => (PER_OUTPUT[a.mode] ?? 0) * numel(y),
  category: (a) => (a.mode === 'nearest' ? 'data-movement' : 'elementwise'),
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(
      'Resize',
      name,
      [
        inputs[0],
        e.floats(`${name}#roi`, [0], []),
        e.floats(`${name}#scales`, [0], []),
        e.int64s(`${name}#sizes`, a.outShape),
      ],
      outputs,
      { mode: a.mode },
    ),
};
