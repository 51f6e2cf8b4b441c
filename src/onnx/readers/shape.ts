/**
 * Shape ops: the reshape family (Reshape, Squeeze, Unsqueeze, Flatten), Shape and Size, Gather,
 * Expand, ConstantOfShape and Range. Their target rules live in the op modules; readers decode.
 */

import { elemTypeOf } from '../../graph/dtype.ts';
import { numel, ShapeError } from '../../ops/op.ts';
import { flattenShape, reshapeTarget, squeezeShape, unsqueezeShape } from '../../ops/reshape.ts';
import { constantOf } from '../proto.ts';
import {
  type Built,
  built,
  constant,
  input,
  isLearned,
  type NodeView,
  optionalConstant,
  type ReaderEntries,
  shapeOf,
} from './reader.ts';

const reshape1 = (n: NodeView) =>
  built('reshape', { shape: reshapeTarget(shapeOf(n), n.attrs.ints('shape') ?? [], false) }, [0]);
const reshape5 = (n: NodeView) => {
  const target = constant(n, 1, 'the target shape').data;
  return built('reshape', { shape: reshapeTarget(shapeOf(n), target, n.attrs.int('allowzero', 0) === 1) }, [0]);
};

const squeeze = (axes: number[]) => (n: NodeView) => built('reshape', { shape: squeezeShape(shapeOf(n), axes) }, [0]);
const unsqueeze = (axes: number[]) => (n: NodeView) =>
  built('reshape', { shape: unsqueezeShape(shapeOf(n), axes) }, [0]);
const axesAttr = (n: NodeView) => n.attrs.ints('axes') ?? [];
const axesInput = (n: NodeView) => optionalConstant(n, 1, 'axes')?.data ?? [];

function flatten(n: NodeView): Built {
  const x = shapeOf(n);
  const axis = n.attrs.int('axis', 1);
  if (axis === 1 && x.length >= 2) return built('flatten', {}, [0]);
  return built('reshape', { shape: flattenShape(x, axis) }, [0]);
}

const INT64: ['int64'] = ['int64'];

function shape15(n: NodeView): Built {
  const start = n.attrs.has('start') ? { start: n.attrs.int('start', 0) } : {};
  return built('shape', { ...start, ...(n.attrs.has('end') ? { end: n.attrs.int('end', 0) } : {}) }, [0], [], INT64);
}

function gather(n: NodeView): Built {
  const axis = n.attrs.int('axis', 0);
  const data = input(n, 0, 'the data');
  const indices = input(n, 1, 'the indices');
  if (indices.isConst && !n.folding) return built('gather', { axis, indicesShape: indices.shape }, [0]);
  // a learned table looked up by run-time indices: an embedding
  if (isLearned(data) && !n.folding) return built('gather', { axis, table: true }, [0, 1], [0]);
  return built('gather', { axis }, [0, 1]);
}

const expand = (n: NodeView) => built('expand', { shape: constant(n, 1, 'the shape').data }, [0]);

function constantOfShape(n: NodeView): Built {
  const shape = constant(n, 0, 'the shape').data;
  const t = n.attrs.tensor('value');
  const c = t ? constantOf(t).value() : undefined;
  if (c && numel(c.dims) !== 1) throw new ShapeError(`value has ${numel(c.dims)} elements; ConstantOfShape needs one`);
  const type = t ? elemTypeOf(t.dataType) : 'fp32';
  return built('fill', { shape, value: c ? c.data[0] : 0, type: c?.type ?? 'float' }, [], [], [type]);
}

/** Range: its length is its inputs' values, known when they are constants or given (`--value`). */
function range(n: NodeView): Built {
  const [start, limit, delta] = ['start', 'limit', 'delta'].map((w, k) => {
    if (!input(n, k, w).isConst)
      throw new ShapeError(`${w} (input ${k}) must be a constant; give its value with --value`);
    return constant(n, k, w);
  });
  const attrs = { start: start.data[0], limit: limit.data[0], delta: delta.data[0], type: start.type };
  return built('range', attrs, [], [], [input(n, 0, 'start').type]);
}

export const SHAPE: ReaderEntries = [
  [
    'Reshape',
    [
      { since: 1, read: reshape1 },
      { since: 5, read: reshape5 },
    ],
  ],
  [
    'Squeeze',
    [
      { since: 1, read: (n) => squeeze(axesAttr(n))(n) },
      { since: 13, read: (n) => squeeze(axesInput(n))(n) },
    ],
  ],
  [
    'Unsqueeze',
    [
      { since: 1, read: (n) => unsqueeze(axesAttr(n))(n) },
      { since: 13, read: (n) => unsqueeze(axesInput(n))(n) },
    ],
  ],
  ['Flatten', [{ since: 1, read: flatten }]],
  [
    'Shape',
    [
      { since: 1, read: () => built('shape', {}, [0], [], INT64) },
      { since: 15, read: shape15 },
    ],
  ],
  ['Size', [{ since: 1, read: () => built('size', {}, [0], [], INT64) }]],
  ['Gather', [{ since: 1, read: gather }]],
  ['Expand', [{ since: 8, read: expand }]],
  ['ConstantOfShape', [{ since: 9, read: constantOfShape }]],
  ['Range', [{ since: 11, read: range }]],
];
