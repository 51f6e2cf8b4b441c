/** Other element-wise ops of imported models, each with its FLOPs per element stated where it is
 * created (src/onnx/import.ts): LeakyRelu 2, HardSigmoid 4, Clip 2, Sqrt 1, Exp 1, Tanh 1, Erf 1,
 * Abs 1, Neg 1, Reciprocal 1, Cast 0, Identity 0. Reads the input, writes the output. */
import type { UnaryAttrs } from '../graph/types.ts';
import { expectAnyRank, numel, type OpDef } from './op.ts';

export const unary: OpDef<UnaryAttrs> = {
  infer: (inputs, a) => [expectAnyRank(inputs, a.fn)],
  params: () => 0,
  madds: () => 0,
  flops: (a, _i, [y]) => a.flopsPerElement * numel(y),
  category: (a) => (a.flopsPerElement === 0 ? 'data-movement' : 'elementwise'),
  onnx: ({ name, attrs: a, inputs, outputs }, e) => e.node(a.onnxOp, name, inputs, outputs, a.onnxAttrs),
};
