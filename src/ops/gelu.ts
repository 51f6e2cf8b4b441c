/** GELU: ONNX Gelu (opset 20), its erf form as torch exports it, and onnxruntime's FastGelu and BiasGelu. */
import type { GeluAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OpDef, ShapeError } from './op.ts';

/** FLOPs per element of each form, counted as the decomposed graph does. */
export const GELU_FLOPS = { none: 5, tanh: 8 } as const;

export const gelu: OpDef<GeluAttrs> = {
  rule:
    'FLOPs per element: 5 for x·0.5·(1 + erf(x/√2)) (divide, erf, add, multiply, multiply), 8 for the tanh ' +
    'approximation (cube, scale, add, scale, tanh, add, multiply, multiply), +1 with a bias (BiasGelu), whose ' +
    'elements are params; BiasSplitGelu adds the bias to both halves of the last axis and multiplies the first ' +
    "by GELU of the second: +2 FLOPs per output element (the other half's add, the multiply)",
  infer(inputs, a) {
    const x = expectAnyRank(inputs, 'gelu');
    if (!a.split) return [x];
    const d = x[x.length - 1];
    if (d % 2 !== 0) throw new ShapeError(`the last axis (${d}) must split in two halves`);
    return [[...x.slice(0, -1), d / 2]];
  },
  params: (a) => (a.bias ? numel(a.bias) : 0),
  madds: () => 0,
  flops: (a, _i, [y]) => (GELU_FLOPS[a.approximate] + (a.bias ? 1 : 0) + (a.split ? 2 : 0)) * numel(y),
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs }, e) {
    if (a.split) throw new ShapeError('BiasSplitGelu is read from onnxruntime graphs; netcost does not write it');
    e.node('Gelu', name, inputs, outputs, { approximate: a.approximate });
  },
};
