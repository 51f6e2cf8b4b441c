/** Elementwise activations. FLOPs per element: relu 1 (max), relu6 2 (max, min),
 * hardswish 5 (add 3, max, min, multiply by x, multiply by 1/6), sigmoid 4 (negate, exp, add, divide). */
import type { Activation } from '../spec/types.ts';
import type { NoAttrs } from '../graph/types.ts';
import { expectAnyRank, type OpDef, numel } from './elementwise.ts';

export const ACTIVATION_FLOPS: Record<Activation, number> = { relu: 1, relu6: 2, hardswish: 5, sigmoid: 4 };

export function activation(kind: Activation): OpDef<NoAttrs> {
  return {
    infer: (inputs) => [expectAnyRank(inputs, kind)],
    params: () => 0,
    madds: () => 0,
    flops: (_a, _i, [out]) => ACTIVATION_FLOPS[kind] * numel(out),
    category: () => 'elementwise',
  };
}
