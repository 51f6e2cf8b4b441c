/** Channel shuffle (ShuffleNet): reshape to [N, g, C/g, H, W], swap the two channel axes, reshape back. */
import { helperName, ROLE } from '../graph/names.ts';
import type { ShuffleAttrs } from '../graph/types.ts';
import { expectRank, type OpDef, ShapeError } from './op.ts';
import { remap } from './tensor.ts';

export const shuffle: OpDef<ShuffleAttrs> = {
  rule: 'no arithmetic, but every element is read and written once (G4: it costs memory access)',
  infer(inputs, a) {
    const s = expectRank(inputs, 4, 'shuffle');
    if (s[1] % a.groups !== 0) {
      throw new ShapeError(
        `channels ${s[1]} are not divisible by shuffle groups ${a.groups}; make the channels a multiple of ${a.groups}`,
      );
    }
    return [[...s]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const [n, c, h, w] = inputShapes[0];
    const t5 = helperName(name, ROLE.shuffleTensor5);
    const tt = helperName(name, ROLE.shuffleTransposed);
    const shape5 = e.int64s(helperName(name, ROLE.shuffleShape5), [n, a.groups, c / a.groups, h, w]);
    e.node('Reshape', helperName(name, ROLE.shuffleSplit), [inputs[0], shape5], [t5]);
    e.node('Transpose', name, [t5], [tt], { perm: [0, 2, 1, 3, 4] });
    const shape4 = e.int64s(helperName(name, ROLE.shuffleShape4), [n, c, h, w]);
    e.node('Reshape', helperName(name, ROLE.shuffleMerge), [tt, shape4], outputs);
  },
  evaluate([x], a, [out]) {
    const perm = shufflePermutation(out[1], a.groups);
    return [remap(x.value(), out, ([n, c, h, w]) => [n, perm[c], h, w])];
  },
};

/** The permutation itself: output channel i reads input channel src[i]. */
export function shufflePermutation(channels: number, groups: number): number[] {
  const per = channels / groups;
  return Array.from({ length: channels }, (_, i) => (i % groups) * per + Math.floor(i / groups));
}
