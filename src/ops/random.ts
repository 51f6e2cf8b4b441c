/**
 * Random tensors of a given shape: RandomNormal and RandomUniform (shape an attribute; the *Like
 * forms are unary ops), and Multinomial (`samples` class indices drawn per row of logits).
 */
import type { RandomAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';
import { UNARY } from './unary.ts';

/** a draw of each distribution costs what its *Like form costs per element */
const PER_ELEMENT = { normal: UNARY.randomnormallike.flops, uniform: UNARY.randomuniformlike.flops } as const;

export const random: OpDef<RandomAttrs> = {
  rule:
    `FLOPs per element as the *Like forms: RandomNormal ${PER_ELEMENT.normal}, RandomUniform ${PER_ELEMENT.uniform}; ` +
    'Multinomial: per row of C logits C exponentials and C adds for the cumulative sum, and per sample a draw ' +
    'and a binary search (⌈log2 C⌉ compares)',
  infer(inputs, a) {
    if (a.dist === 'multinomial') {
      const x = inputs[0];
      if (x?.length !== 2) throw new ShapeError(`Multinomial takes [batch, classes], got [${(x ?? []).join(', ')}]`);
      return [[x[0], a.samples ?? 1]];
    }
    if (a.shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new ShapeError(`cannot draw a tensor of shape [${a.shape.join(', ')}]`);
    return [[...a.shape]];
  },
  params: () => 0,
  madds: () => 0,
  flops(a, inputs, [y]) {
    if (a.dist !== 'multinomial') return PER_ELEMENT[a.dist] * numel(y);
    const [batch, classes] = inputs[0];
    return batch * 2 * classes + numel(y) * (1 + Math.ceil(Math.log2(Math.max(classes, 1))));
  },
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    if (a.dist === 'multinomial') e.node('Multinomial', name, inputs, outputs, { sample_size: a.samples ?? 1 });
    else e.node(a.dist === 'normal' ? 'RandomNormal' : 'RandomUniform', name, [], outputs, { shape: a.shape });
  },
};
