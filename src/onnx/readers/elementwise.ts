/** Element-wise ops: batch norm, activations, Clip, the unary functions, binary arithmetic, Where, Softmax. */
import type { EltwiseFn } from '../../graph/types.ts';
import { ACTIVATIONS, type Activation } from '../../ops/activation.ts';
import { broadcast } from '../../ops/broadcast.ts';
import { ShapeError } from '../../ops/op.ts';
import { UNARY, type UnaryFn } from '../../ops/unary.ts';
import { valueTypeOf } from '../proto.ts';
import {
  type Built,
  built,
  constShapes,
  expectInputs,
  input,
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
  return built('bn', {}, [0]);
}

/** Clip(0, 6) is relu6; any other bounds are the unary clip. */
const clip = (lo: number, hi: number): Built =>
  lo === 0 && hi === 6 ? built('relu6', {}, [0]) : built('unary', { fn: 'clip' }, [0]);

const clip6 = (n: NodeView) => clip(n.attrs.float('min', -Infinity), n.attrs.float('max', Infinity));
const clip11 = (n: NodeView) =>
  clip(optionalConstant(n, 1, 'min')?.data[0] ?? -Infinity, optionalConstant(n, 2, 'max')?.data[0] ?? Infinity);

const activations = (Object.entries(ACTIVATIONS) as [Activation, (typeof ACTIVATIONS)[Activation]][])
  .filter(([, a]) => a.onnx.op !== 'Clip')
  .map(([act, a]) => [a.onnx.op, once(() => built(act, {}, [0]))] as const);

const unaries = (Object.entries(UNARY) as [UnaryFn, (typeof UNARY)[UnaryFn]][])
  .filter(([, u]) => u.onnx !== 'Clip')
  .map(
    ([fn, u]) =>
      [
        u.onnx,
        once((n) => built('unary', fn === 'cast' ? { fn, to: valueTypeOf(n.attrs.int('to', 1)) } : { fn }, [0])),
      ] as const,
  );

function binary(n: NodeView): Built {
  const variadic = n.opType === 'Sum' || n.opType === 'Max' || n.opType === 'Min';
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
  const fn = (n.opType === 'Sum' ? 'add' : n.opType.toLowerCase()) as EltwiseFn;
  return built('eltwise', { fn, constShapes: consts }, slots);
}

function where(n: NodeView): Built {
  expectInputs(n, 3);
  const slots = operands(n);
  const consts = constShapes(n, slots);
  broadcast([...slots.map((k) => n.inputs[k]?.shape ?? []), ...consts]);
  return built('where', { constShapes: consts }, slots);
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
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Equal'].map((op) => [op, once(binary)] as const),
  ['Where', once(where)],
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
