/** Resize and Upsample: interpolation to an output size; GridSample: interpolation at a grid's points. */
import { helperName, ROLE } from '../graph/names.ts';
import type { ResizeAttrs, Shape } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

const PER_OUTPUT: Record<string, number> = { nearest: 0, linear: 7, cubic: 31 };

export const resize: OpDef<ResizeAttrs> = {
  rule:
    'FLOPs per output element: nearest 0, linear 7 (4 multiplies, 3 adds in 2-D), cubic 31; reads the input ' +
    "(and GridSample's grid), writes the output",
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
        e.floats(helperName(name, ROLE.roi), [0], []),
        e.floats(helperName(name, ROLE.scales), [0], []),
        e.int64s(helperName(name, ROLE.sizes), a.outShape),
      ],
      outputs,
      { mode: a.mode },
    ),
};

/** ONNX Resize's output size: `sizes` when given, else floor(d · scale) per axis. */
export function resizeOutShape(x: Shape, from: { sizes?: number[]; scales?: number[] }): number[] {
  const out = from.sizes ?? x.map((d, i) => Math.floor(d * (from.scales?.[i] ?? 1)));
  if (out.length !== x.length || out.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(
      `resize of [${x.join(', ')}] to [${out.join(', ')}]: the output needs one whole size >= 1 per axis`,
    );
  }
  return out;
}
