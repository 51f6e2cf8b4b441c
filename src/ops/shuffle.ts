/** Channel shuffle (ShuffleNet): reshape to [N, g, C/g, H, W], swap the two channel axes, reshape
 * back. No arithmetic, but every element is read and written once (G4: it costs memory access). */
import type { ShuffleAttrs } from '../graph/types.ts';
import { ShapeError, expectRank, type OpDef } from './op.ts';

export const shuffle: OpDef<ShuffleAttrs> = {
  infer(inputs, a) {
    const s = expectRank(inputs, 4, 'shuffle');
    if (s[1] % a.groups !== 0) throw new ShapeError(`channels ${s[1]} are not divisible by shuffle groups ${a.groups}; make the channels a multiple of ${a.groups}`);
    return [[...s]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
};

/** The permutation itself: output channel i reads input channel src[i]. */
export function shufflePermutation(channels: number, groups: number): number[] {
  const per = channels / groups;
  return Array.from({ length: channels }, (_, i) => (i % groups) * per + Math.floor(i / groups));
}
