/** Elementwise activations. FLOPs per element: relu 1 (max), relu6 2 (max, min),
 * hardswish 5 (add 3, max, min, multiply by x, multiply by 1/6), sigmoid 4 (negate, exp, add, divide). */

import type { NoAttrs } from '../graph/types.ts';
import type { Activation } from '../spec/types.ts';
import { expectAnyRank, numel, type OnnxEmitter, type OpDef } from './op.ts';

export const ACTIVATION_FLOPS: Record<Activation, number> = { relu: 1, relu6: 2, hardswish: 5, sigmoid: 4 };

export function activation(kind: Activation): OpDef<NoAttrs> {
  return {
    infer: (inputs) => [expectAnyRank(inputs, kind)],
    params: () => 0,
    madds: () => 0,
    flops: (_a, _i, [out]) => ACTIVATION_FLOPS[kind] * numel(out),
    category: () => 'elementwise',
    onnx: ({ name, inputs, outputs }, e) => emitActivation(kind, name, inputs[0], outputs[0], e),
  };
}

/** One activation node; relu6 is Clip(0, 6). Also used for activations fused into a conv. */
export function emitActivation(kind: Activation, name: string, input: string, output: string, e: OnnxEmitter): void {
  switch (kind) {
    case 'relu':
      e.node('Relu', name, [input], [output]);
      return;
    case 'relu6':
      e.node('Clip', name, [input, e.floats(`${name}#min`, [], [0]), e.floats(`${name}#max`, [], [6])], [output]);
      return;
    case 'hardswish':
      e.node('HardSwish', name, [input], [output]);
      return;
    case 'sigmoid':
      e.node('Sigmoid', name, [input], [output]);
      return;
  }
}
