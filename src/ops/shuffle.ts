/** Channel shuffle (ShuffleNet): reshape to [N, g, C/g, H, W], swap the two channel axes, reshape
 * back. No arithmetic, but every element is read and written once (G4: it costs memory access). */
import type { ShuffleAttrs } from '../graph/types.ts';
import { expectRank, type OpDef, ShapeError } from './op.ts';

export const shuffle: OpDef<ShuffleAttrs> = {
  infer(inputs, a) {
    const s = expectRank(inputs, 4, 'shuffle');
    if (s[1] % a.groups !== 0)
      throw new ShapeError(
        `channels ${s[1]} are not divisible by shuffle groups ${a.groups}; make the channels a multiple of ${a.groups}`,
      );
    return [[...s]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const [n, c, h, w] = inputShapes[0];
    e.node(
      'Reshape',
      `${name}#split`,
      [inputs[0], e.int64s(`${name}#shape5`, [n, a.groups, c / a.groups, h, w])],
      [`${name}#5d`],
    );
    e.node('Transpose', name, [`${name}#5d`], [`${name}#t`], { perm: [0, 2, 1, 3, 4] });
    e.node('Reshape', `${name}#merge`, [`${name}#t`, e.int64s(`${name}#shape4`, [n, c, h, w])], outputs);
  },
};

/** The permutation itself: output channel i reads input channel src[i]. */
export function shufflePermutation(channels: number, groups: number): number[] {
  const per = channels / groups;
  return Array.from({ length: channels }, (_, i) => (i % groups) * per + Math.floor(i / groups));
}
