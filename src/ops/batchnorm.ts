/**
 * Batch normalization at inference, in its folded form y = a·x + b; in training mode (ONNX's
 * training_mode = 1) over the batch's own statistics, with the updated running mean and variance.
 */
import type { BnAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** FLOPs per element in training mode: the mean's add, the variance's subtract, square and add, then y = a·x + b */
const TRAINING_FLOPS = 6;
/** and per channel: a and b from the statistics (4), each running statistic's momentum update (3 each) */
const TRAINING_PER_CHANNEL = 10;

export const batchnorm: OpDef<BnAttrs> = {
  rule:
    'params 2 per channel (scale and shift; running statistics are buffers, not parameters); ' +
    'FLOPs 2 per element (y = a·x + b); reads its 2 folded values per channel. In training mode ' +
    `(training_mode = 1) ${TRAINING_FLOPS} per element (the batch's mean and variance, then y = a·x + b) and ` +
    `${TRAINING_PER_CHANNEL} per channel; reads its input twice (statistics, then normalisation) and writes the ` +
    'running mean and variance',
  infer(inputs, a) {
    if (inputs.length !== 1 || inputs[0].length < 2) throw new ShapeError('bn expects one input of rank 2 or more');
    return a.training ? [[...inputs[0]], [inputs[0][1]], [inputs[0][1]]] : [[...inputs[0]]];
  },
  params: (_a, [x]) => 2 * x[1],
  madds: () => 0,
  flops: (a, [x], [out]) => (a.training ? TRAINING_FLOPS * numel(x) + TRAINING_PER_CHANNEL * x[1] : 2 * numel(out)),
  // the running mean and variance are read too in training mode (the momentum update)
  weightsRead: (a, [x]) => (a.training ? 4 : 2) * x[1],
  inputsRead: (a, [x]) => [(a.training ? 2 : 1) * numel(x)],
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
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
      { epsilon: { f: 1e-5 }, ...(a.training ? { training_mode: 1 } : {}) },
    );
  },
};
