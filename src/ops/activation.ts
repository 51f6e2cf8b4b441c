/**
 * The activations netcost knows: the one list from which the spec schema's enum, the type, the
 * deploy view's fusion and the ONNX reader and writer all derive.
 */

import type { Activation } from '../graph/kinds.ts';
import { helperName, ROLE } from '../graph/names.ts';
import type { NoAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OnnxEmitter, type OpDef } from './op.ts';
import { generate } from './tensor.ts';

interface ActivationInfo {
  /** FLOPs per element */
  flops: number;
  /** how those FLOPs are counted */
  words: string;
  /** the ONNX node: an op type, and for Clip its bounds */
  onnx: { op: string; min?: number; max?: number };
  /** its value at x (constants fold: ONNX's Range expanded as a Loop clamps its trip count with a Relu) */
  at: (x: number) => number;
}

const clamp6 = (x: number) => Math.min(Math.max(x, 0), 6);

export const ACTIVATIONS = {
  relu: { flops: 1, words: 'max(x, 0)', onnx: { op: 'Relu' }, at: (x) => Math.max(x, 0) },
  relu6: { flops: 2, words: 'max, min', onnx: { op: 'Clip', min: 0, max: 6 }, at: clamp6 },
  hardswish: {
    flops: 5,
    words: 'add 3, max, min, multiply by x, multiply by 1/6',
    onnx: { op: 'HardSwish' },
    at: (x) => (x * clamp6(x + 3)) / 6,
  },
  sigmoid: { flops: 4, words: 'negate, exp, add, divide', onnx: { op: 'Sigmoid' }, at: (x) => 1 / (1 + Math.exp(-x)) },
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
    evaluate: ([x], _a, [out]) => {
      const v = x.value();
      return [generate(out, v.type, (i) => a.at(v.data[i]))];
    },
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
