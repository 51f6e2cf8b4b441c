/**
 * The loss ops of ONNX's default domain, as training graphs export them: NegativeLogLikelihoodLoss
 * (a log-probability per target, gathered, weighted, reduced) and SoftmaxCrossEntropyLoss (a
 * log-softmax over the classes first, then the same). Outputs: the loss, one per target with
 * reduction 'none', else one value; SoftmaxCrossEntropyLoss may also give the log-probabilities.
 */
import type { LossAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** log-softmax per score element: max, subtract, exp, sum, log, subtract */
const LOG_SOFTMAX = 6;

export const loss: OpDef<LossAttrs> = {
  rule:
    'FLOPs per target: 1 to gather its log-probability, +1 with class weights, +1 to reduce (sum or mean); ' +
    `SoftmaxCrossEntropyLoss adds ${LOG_SOFTMAX} per score element for its log-softmax; reads every input, ` +
    'writes the loss (and the log-probabilities)',
  infer(inputs, a) {
    const [x, target] = inputs;
    if (!x || !target) throw new ShapeError('a loss takes the scores and the targets');
    const [n, , ...rest] = x;
    const expected = [n, ...rest];
    if (x.length < 2 || target.join() !== expected.join())
      throw new ShapeError(
        `the targets [${target.join(', ')}] must be the scores [${x.join(', ')}] without their class axis: ` +
          `[${expected.join(', ')}]`,
      );
    const out = a.reduction === 'none' ? [...target] : [];
    return a.logProb ? [out, [...x]] : [out];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, [x, target]) =>
    numel(target) * (1 + (a.weighted ? 1 : 0) + (a.reduction === 'none' ? 0 : 1)) +
    (a.softmax ? LOG_SOFTMAX * numel(x) : 0),
  category: () => 'elementwise',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(a.softmax ? 'SoftmaxCrossEntropyLoss' : 'NegativeLogLikelihoodLoss', name, inputs, outputs, {
      reduction: a.reduction,
    }),
};
