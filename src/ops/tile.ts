/** Tile: the input repeated along each axis (`repeats`); no arithmetic, every output element written. */
import type { TileAttrs } from '../graph/types.ts';
import { type OpDef, ShapeError } from './op.ts';

export const tile: OpDef<TileAttrs> = {
  rule: 'no arithmetic; reads the input once, writes every repeated element',
  infer([x], a) {
    if (a.repeats.length !== x.length)
      throw new ShapeError(`repeats [${a.repeats.join(', ')}] must give one count per axis of [${x.join(', ')}]`);
    if (a.repeats.some((r) => !Number.isInteger(r) || r < 0))
      throw new ShapeError(`repeats [${a.repeats.join(', ')}] must be whole numbers from 0`);
    return [x.map((d, i) => d * a.repeats[i])];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('Tile', name, [inputs[0], e.int64s(`${name}.repeats`, a.repeats)], outputs),
};
