/** GELU: ONNX Gelu (opset 20), its erf form as torch exports it, and onnxruntime's FastGelu and BiasGelu. */
import type { GeluAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OpDef } from './op.ts';

/** FLOPs per element of each form, counted as the decomposed graph does. */
export const GELU_FLOPS = { none: 5, tanh: 8 } as const;

export const gelu: OpDef<GeluAttrs> = {
  rule:
    'FLOPs per element: 5 for x·0.5·(1 + erf(x/√2)) (divide, erf, add, multiply, multiply), 8 for the tanh ' +
    'approximation (cube, scale, add, scale, tanh, add, multiply, multiply), +1 with a bias (BiasGelu), whose ' +
    'elements are params',
  infer: (inputs) => [expectAnyRank(inputs, 'gelu')],
  params: (a) => (a.bias ? numel(a.bias) : 0),
  madds: () => 0,
  flops: (a, _i, [y]) => (GELU_FLOPS[a.approximate] + (a.bias ? 1 : 0)) * numel(y),
  category: () => 'elementwise',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node('Gelu', name, inputs, outputs, { approximate: a.approximate }),
};
