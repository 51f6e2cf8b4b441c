/**
 * The activations netcost knows: the one list from which the spec schema's enum, the type, the
 * deploy view's fusion and the ONNX reader and writer all derive.
 */

import type { Activation } from '../graph/kinds.ts';
import { helperName, ROLE } from '../graph/names.ts';
import type { NoAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OnnxEmitter, type OpDef } from './op.ts';

interface ActivationInfo {
  /** FLOPs per element */
  flops: number;
  /** how those FLOPs are counted */
  words: string;
  /** the ONNX node: an op type, and for Clip its bounds */
  onnx: { op: string; min?: number; max?: number };
}

export const ACTIVATIONS = {
  relu: { flops: 1, words: 'max(x, 0)', onnx: { op: 'Relu' } },
  relu6: { flops: 2, words: 'max, min', onnx: { op: 'Clip', min: 0, max: 6 } },
  hardswish: { flops: 5, words: 'add 3, max, min, multiply by x, multiply by 1/6', onnx: { op: 'HardSwish' } },
  sigmoid: { flops: 4, words: 'negate, exp, add, divide', onnx: { op: 'Sigmoid' } },
} as const satisfies Record<Activation, ActivationInfo>;

export { ACTIVATION_NAMES, type Activation } from '../graph/kinds.ts';
export const isActivation = (op: string): op is Activation => Object.hasOwn(ACTIVATIONS, op);

export function activation(kind: Activation): OpDef<NoAttrs> {
  const a = ACTIVATIONS[kind];
  return {
    rule: `${a.flops} FLOP${a.flops === 1 ? '' : 's'} per element (${a.words})`,
    infer: (inputs) => [expectAnyRank(inputs, kind)],
    params: () => 0,
    madds: () => 0,
    flops: (_a, _i, [out]) => a.flops * numel(out),
    category: () => 'elementwise',
    onnx: ({ name, inputs, outputs }, e) => emitActivation(kind, name, inputs[0], outputs[0], e),
  };
}

/** One activation node (relu6 is Clip(0, 6)). Also used for activations fused into a conv. */
export function emitActivation(kind: Activation, name: string, input: string, output: string, e: OnnxEmitter): void {
  const { onnx } = ACTIVATIONS[kind];
  const bounds =
    'min' in onnx
      ? [
          e.floats(helperName(name, ROLE.clipMin), [], [onnx.min]),
          e.floats(helperName(name, ROLE.clipMax), [], [onnx.max]),
        ]
      : [];
  e.node(onnx.op, name, [input, ...bounds], [output]);
}
