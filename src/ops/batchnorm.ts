/** Batch normalization at inference, in its folded form y = a·x + b. */
import type { NoAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

export const batchnorm: OpDef<NoAttrs> = {
  rule:
    'params 2 per channel (scale and shift; running statistics are buffers, not parameters); ' +
    'FLOPs 2 per element (y = a·x + b); reads its 2 folded values per channel',
  infer(inputs) {
    if (inputs.length !== 1 || inputs[0].length < 2) throw new ShapeError('bn expects one input of rank 2 or more');
    return [[...inputs[0]]];
  },
  params: (_a, [x]) => 2 * x[1],
  madds: () => 0,
  flops: (_a, _i, [out]) => 2 * numel(out),
  category: () => 'elementwise',
  onnx({ name, inputs, outputs, inputShapes }, e) {
    const c = inputShapes[0][1];
    const r = (k: number) => (i: number) => 0.1 * Math.sin(k * (i + 1));
    e.node(
      'BatchNormalization',
      name,
      [
        inputs[0],
        e.floats(`${name}.scale`, [c], (i) => 1 + r(1)(i)),
        e.floats(`${name}.bias`, [c], r(2)),
        e.floats(`${name}.mean`, [c], r(3)),
        e.floats(`${name}.var`, [c], (i) => 1 + Math.abs(r(4)(i))),
      ],
      outputs,
      { epsilon: { f: 1e-5 } },
    );
  },
};
