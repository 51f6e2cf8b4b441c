/** Element-wise ops: batch norm, activations, Clip, the unary functions, binary arithmetic, Where, Softmax. */

import { elemTypeOf, onnxCodeOf } from '../../graph/dtype.ts';
import type { EltwiseFn } from '../../graph/types.ts';
import { ACTIVATIONS, type Activation } from '../../ops/activation.ts';
import { broadcast } from '../../ops/broadcast.ts';
import { FNS } from '../../ops/eltwise.ts';
import { numel, ShapeError } from '../../ops/op.ts';
import { UNARY, type UnaryFn } from '../../ops/unary.ts';
import { valueTypeOf } from '../proto.ts';
import {
  type Built,
  built,
  constShapes,
  expectInputs,
  input,
  isLearned,
  type NodeView,
  operands,
  optionalConstant,
  type ReaderEntries,
  type VersionedReader,
} from './reader.ts';

const once = (read: VersionedReader['read']): VersionedReader[] => [{ since: 1, read }];

function batchnorm(n: NodeView): Built {
  const c = input(n, 0, 'the data input').shape[1];
  for (const [k, what] of ['scale', 'bias', 'mean', 'var'].entries()) {
    const s = input(n, k + 1, what).shape;
    if (s.reduce((p, q) => p * q, 1) !== c)
      throw new ShapeError(`${what} has shape [${s.join(', ')}]; it needs ${c} values`);
  }
  // the scale and shift are learned; the running mean and variance are buffers
  return built('bn', n.attrs.int('training_mode', 0) === 1 ? { training: true } : {}, [0], [1, 2]);
}

/** Clip(0, 6) is relu6; any other bounds are the unary clip. */
const clip = (lo: number, hi: number): Built =>
  lo === 0 && hi === 6 ? built('relu6', {}, [0]) : built('unary', { fn: 'clip' }, [0]);

const clip6 = (n: NodeView) => clip(n.attrs.float('min', -Infinity), n.attrs.float('max', Infinity));
/** Clip from opset 11: bounds as inputs; one the graph computes (openWakeWord's max - 80 dB) is read as a value. */
function clip11(n: NodeView): Built {
  const computed = (['min', 'max'] as const).filter((_, i) => n.inputs[i + 1] && !n.inputs[i + 1]?.isConst);
  if (computed.length > 0)
    return built('unary', { fn: 'clip', computed: [...computed] }, [0, ...computed.map((b) => (b === 'min' ? 1 : 2))]);
  return clip(optionalConstant(n, 1, 'min')?.data[0] ?? -Infinity, optionalConstant(n, 2, 'max')?.data[0] ?? Infinity);
}

const activations = (Object.entries(ACTIVATIONS) as [Activation, (typeof ACTIVATIONS)[Activation]][])
  .filter(([, a]) => a.onnx.op !== 'Clip')
  .map(([act, a]) => [a.onnx.op, once(() => built(act, {}, [0]))] as const);

function unaryOf(fn: UnaryFn, n: NodeView): Built {
  if (fn === 'cast') {
    const to = n.attrs.int('to', 1);
    return built('unary', { fn, to: valueTypeOf(to) }, [0], [], [elemTypeOf(to)]);
  }
  // EyeLike and the random ops write their dtype (default: the input's)
  const typed = ['eyelike', 'randomuniformlike', 'randomnormallike', 'bernoulli'].includes(fn);
  if (typed && n.attrs.has('dtype')) return built('unary', { fn }, [0], [], [elemTypeOf(n.attrs.int('dtype', 1))]);
  const info = UNARY[fn] as { bool?: boolean };
  // Dropout's optional second output is its mask
  return built('unary', { fn }, [0], [], info.bool ? ['bool'] : fn === 'dropout' ? [undefined, 'bool'] : undefined);
}

/** CastLike: a Cast to the type of its second input. */
function castLike(n: NodeView): Built {
  expectInputs(n, 2);
  const type = n.inputs[1]?.type ?? 'fp32';
  const code = onnxCodeOf(type);
  return built('unary', { fn: 'cast', to: valueTypeOf(code) }, [0], [], [type]);
}

/** the unary functions ONNX added late: their readers start at the opset that brought them */
const UNARY_SINCE: Partial<Record<string, number>> = { BitwiseNot: 18 };
const unaries = (Object.entries(UNARY) as [UnaryFn, (typeof UNARY)[UnaryFn]][])
  .filter(([, u]) => u.onnx !== 'Clip')
  .map(([fn, u]) => [u.onnx, [{ since: UNARY_SINCE[u.onnx] ?? 1, read: (n: NodeView) => unaryOf(fn, n) }]] as const);

/** The elements of constant operands that are learned weights. */
const learnedElements = (n: NodeView, slots: number[]): number =>
  n.inputs.reduce((a, x, k) => a + (!slots.includes(k) && isLearned(x) ? numel(x?.shape ?? []) : 0), 0);
const learnedSlots = (n: NodeView, slots: number[]): number[] =>
  n.inputs.flatMap((x, k) => (!slots.includes(k) && isLearned(x) ? [k] : []));

export function binary(n: NodeView): Built {
  const variadic = ['Sum', 'Max', 'Min', 'Mean'].includes(n.opType);
  expectInputs(n, variadic ? 1 : 2, variadic ? Number.POSITIVE_INFINITY : 2);
  const slots = operands(n);
  const consts = constShapes(n, slots);
  const shapes = slots.map((k) => n.inputs[k]?.shape ?? []);
  const sum = n.opType === 'Add' || n.opType === 'Sum';
  if (
    sum &&
    !n.folding &&
    consts.length === 0 &&
    slots.length >= 2 &&
    shapes.every((s) => s.join() === shapes[0].join())
  ) {
    return built('add', {}, slots);
  }
  broadcast([...shapes, ...consts]);
  const fn = eltwiseFn(n);
  const attrs = { fn, constShapes: consts, learned: learnedElements(n, slots) };
  return built('eltwise', attrs, slots, learnedSlots(n, slots), FNS[fn].bool ? ['bool'] : undefined);
}

function eltwiseFn(n: NodeView): EltwiseFn {
  if (n.opType === 'Sum') return 'add';
  if (n.opType === 'BitShift') return n.attrs.str('direction', '') === 'LEFT' ? 'bitshiftleft' : 'bitshiftright';
  if (n.opType === 'Mod') return n.attrs.int('fmod', 0) === 1 ? 'fmod' : 'mod';
  const fn = n.opType.toLowerCase();
  if (!Object.hasOwn(FNS, fn)) throw new ShapeError(`internal: ${n.opType} is not an element-wise function`);
  return fn as EltwiseFn;
}

function where(n: NodeView): Built {
  expectInputs(n, 3);
  const slots = operands(n);
  const consts = constShapes(n, slots);
  broadcast([...slots.map((k) => n.inputs[k]?.shape ?? []), ...consts]);
  const attrs = { constShapes: consts, learned: learnedElements(n, slots) };
  // the output has the type of the values chosen from (inputs 2 and 3), not of the condition
  const type = n.inputs[1]?.type ?? n.inputs[2]?.type;
  return built('where', attrs, slots, learnedSlots(n, slots), [type]);
}

/** NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: scores, targets, optional class weights. */
function loss(n: NodeView): Built {
  expectInputs(n, 2, 3);
  const reduction = n.attrs.str('reduction', 'mean');
  if (reduction !== 'none' && reduction !== 'sum' && reduction !== 'mean')
    throw new ShapeError(`reduction '${reduction}' is not one of none, sum, mean`);
  const softmax = n.opType === 'SoftmaxCrossEntropyLoss';
  const weighted = n.inputs[2] !== undefined;
  const logProb = softmax && n.outputSlots.includes(1);
  const slots = weighted ? [0, 1, 2] : [0, 1];
  const type = n.inputs[0]?.type;
  return built('loss', { softmax, reduction, weighted, logProb }, slots, [], [type, type]);
}

const softmax = (defaultAxis: number) => (n: NodeView) =>
  built('softmax', { axis: n.attrs.int('axis', defaultAxis) }, [0]);

export const ELEMENTWISE: ReaderEntries = [
  ['BatchNormalization', once(batchnorm)],
  ...activations,
  [
    'Clip',
    [
      { since: 6, read: clip6 },
      { since: 11, read: clip11 },
    ],
  ],
  ...unaries,
  ...[
    'Add',
    'Sub',
    'Mul',
    'Div',
    'Pow',
    'Max',
    'Min',
    'Sum',
    'Mod',
    'PRelu',
    'Equal',
    'Less',
    'LessOrEqual',
    'Greater',
    'GreaterOrEqual',
    'And',
    'Or',
    'Xor',
    'Mean',
    'BitShift',
  ].map((op) => [op, once(binary)] as const),
  ...['BitwiseAnd', 'BitwiseOr', 'BitwiseXor'].map((op) => [op, [{ since: 18, read: binary }]] as const),
  ['Where', once(where)],
  ['CastLike', once(castLike)],
  ['NegativeLogLikelihoodLoss', once(loss)],
  ['SoftmaxCrossEntropyLoss', once(loss)],
  ...['Softmax', 'LogSoftmax'].map(
    (op) =>
      [
        op,
        [
          { since: 1, read: softmax(1) },
          { since: 13, read: softmax(-1) },
        ],
      ] as const,
  ),
];
