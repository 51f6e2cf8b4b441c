/** Data movement and reductions: Concat, Split, Slice, Transpose, Pad, Resize, Upsample, GridSample, Reduce*. */
import type { ReduceAttrs } from '../../graph/types.ts';
import { normAxis } from '../../ops/concat.ts';
import { numel, ShapeError } from '../../ops/op.ts';
import { resizeOutShape } from '../../ops/resize.ts';
import { defaultSplitSizes } from '../../ops/split.ts';
import {
  type Built,
  built,
  constant,
  isLearned,
  type NodeView,
  optionalConstant,
  type ReaderEntries,
  shapeOf,
} from './reader.ts';

/** Every given input is concatenated, constants included (a learned token, a constant row). */
export function concat(n: NodeView): Built {
  const slots = n.inputs.flatMap((x, k) => (x ? [k] : []));
  const learned = n.folding ? [] : slots.filter((k) => isLearned(n.inputs[k]));
  const elements = learned.reduce((a, k) => a + (n.inputs[k]?.stored.reduce((p, t) => p + t.elements, 0) ?? 0), 0);
  return built('concat', { axis: n.attrs.int('axis', 1), ...(elements ? { learned: elements } : {}) }, slots, learned);
}

const split = (sizes: (n: NodeView) => number[] | undefined) => (n: NodeView) => {
  const x = shapeOf(n);
  const axis = normAxis(n.attrs.int('axis', 0), x.length);
  const given = sizes(n);
  return built('split', { sizes: given?.length ? given : defaultSplitSizes(x, axis, n.outputCount), axis }, [0]);
};
const splitInput = (n: NodeView) => optionalConstant(n, 1, 'split')?.data;

function slice1(n: NodeView): Built {
  const starts = n.attrs.ints('starts') ?? [];
  const axes = n.attrs.ints('axes') ?? starts.map((_, i) => i);
  return built('slice', { starts, ends: n.attrs.ints('ends') ?? [], axes, steps: axes.map(() => 1) }, [0]);
}
function slice10(n: NodeView): Built {
  const starts = constant(n, 1, 'starts').data;
  const axes = optionalConstant(n, 3, 'axes')?.data ?? starts.map((_, i) => i);
  const steps = optionalConstant(n, 4, 'steps')?.data ?? axes.map(() => 1);
  return built('slice', { starts, ends: constant(n, 2, 'ends').data, axes, steps }, [0]);
}

const transpose = (n: NodeView) => built('transpose', { perm: n.attrs.ints('perm') ?? [] }, [0]);

function depthToSpace(n: NodeView, inverse: boolean): Built {
  const mode = inverse ? 'DCR' : n.attrs.str('mode', 'DCR');
  if (mode !== 'DCR' && mode !== 'CRD') throw new ShapeError(`mode '${mode}' is not DCR or CRD; use one of the two`);
  return built('depthtospace', { blocksize: n.attrs.int('blocksize', 0), mode, inverse }, [0]);
}

const pad = (pads: (n: NodeView) => number[]) => (n: NodeView) =>
  built('pad', { pads: pads(n), mode: n.attrs.str('mode', 'constant') }, [0]);

/** GridSample: x [N, C, ...] sampled at grid [N, ...out, rank]: an interpolation to the grid's size. */
function gridSample(n: NodeView): Built {
  const x = shapeOf(n);
  const grid = n.inputs[1]?.shape;
  if (!grid || grid.length !== x.length || grid[0] !== x[0] || grid[grid.length - 1] !== x.length - 2)
    throw new ShapeError(
      `grid [${(grid ?? []).join(', ')}] must be [N, ...output, ${x.length - 2}] for an input [${x.join(', ')}]`,
    );
  const mode = n.attrs.str('mode', 'bilinear');
  const outShape = [x[0], x[1], ...grid.slice(1, -1)];
  return built('resize', { outShape, mode: { bilinear: 'linear', bicubic: 'cubic' }[mode] ?? mode }, [0, 1]);
}

/** Resize and Upsample: the output size from `sizes`, else from `scales`. */
function resize(n: NodeView, from: { sizes?: number[]; scales?: number[] }): Built {
  const mode = n.attrs.str('mode', 'nearest');
  const outShape = resizeOutShape(shapeOf(n), from);
  return built('resize', { outShape, mode: mode === 'bilinear' ? 'linear' : mode }, [0]);
}
const given = (n: NodeView, k: number, what: string) => {
  const t = optionalConstant(n, k, what);
  return t && numel(t.dims) > 0 ? t.data : undefined;
};

const reduce = (axes: (n: NodeView) => number[]) => (n: NodeView) => {
  const fn = n.opType.slice('Reduce'.length).toLowerCase() as ReduceAttrs['fn'];
  const given = axes(n);
  const noop = given.length === 0 && n.attrs.int('noop_with_empty_axes', 0) === 1;
  return built(
    'reduce',
    { fn, axes: given, keepdims: n.attrs.int('keepdims', 1) === 1, ...(noop ? { noop } : {}) },
    [0],
  );
};
/** ArgMax, ArgMin: one axis, int64 indices */
const arg = (n: NodeView) => {
  const fn = n.opType === 'ArgMax' ? 'argmax' : 'argmin';
  const last = n.attrs.int('select_last_index', 0) === 1;
  const attrs = {
    fn,
    axes: [n.attrs.int('axis', 0)],
    keepdims: n.attrs.int('keepdims', 1) === 1,
    ...(last ? { last } : {}),
  };
  return built('reduce', attrs as ReduceAttrs, [0], [], ['int64']);
};
const axesAttr = (n: NodeView) => n.attrs.ints('axes') ?? [];
const axesInput = (n: NodeView) => optionalConstant(n, 1, 'axes')?.data ?? [];

/** Tile(input, repeats): repeats one count per axis, a constant (or a value given with --value). */
const tile = (n: NodeView) => built('tile', { repeats: constant(n, 1, 'repeats').data }, [0]);

export const MOVEMENT: ReaderEntries = [
  ['Tile', [{ since: 6, read: tile }]],
  ['Concat', [{ since: 1, read: concat }]],
  [
    'Split',
    [
      { since: 2, read: split((n) => n.attrs.ints('split')) },
      { since: 13, read: split(splitInput) },
    ],
  ],
  [
    'Slice',
    [
      { since: 1, read: slice1 },
      { since: 10, read: slice10 },
    ],
  ],
  ['Transpose', [{ since: 1, read: transpose }]],
  ['DepthToSpace', [{ since: 1, read: (n) => depthToSpace(n, false) }]],
  ['SpaceToDepth', [{ since: 1, read: (n) => depthToSpace(n, true) }]],
  [
    'Pad',
    [
      { since: 2, read: pad((n) => n.attrs.ints('pads') ?? []) },
      { since: 11, read: pad((n) => constant(n, 1, 'pads').data) },
    ],
  ],
  [
    'Resize',
    [
      { since: 10, read: (n) => resize(n, { scales: given(n, 1, 'scales') }) },
      { since: 11, read: (n) => resize(n, { sizes: given(n, 3, 'sizes'), scales: given(n, 2, 'scales') }) },
    ],
  ],
  [
    'Upsample',
    [
      { since: 7, read: (n) => resize(n, { scales: n.attrs.floats('scales') }) },
      { since: 9, read: (n) => resize(n, { scales: given(n, 1, 'scales') }) },
    ],
  ],
  ['GridSample', [{ since: 16, read: gridSample }]],
  ['ArgMax', [{ since: 1, read: arg }]],
  ['ArgMin', [{ since: 1, read: arg }]],
  ...[
    'ReduceMean',
    'ReduceMax',
    'ReduceMin',
    'ReduceProd',
    'ReduceL1',
    'ReduceL2',
    'ReduceLogSum',
    'ReduceLogSumExp',
    'ReduceSumSquare',
  ].map(
    (op) =>
      [
        op,
        [
          { since: 1, read: reduce(axesAttr) },
          { since: 18, read: reduce(axesInput) },
        ],
      ] as const,
  ),
  [
    'ReduceSum',
    [
      { since: 1, read: reduce(axesAttr) },
      { since: 13, read: reduce(axesInput) },
    ],
  ],
];
