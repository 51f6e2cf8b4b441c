/**
 * Ops that select by value: NonZero, NonMaxSuppression, Unique and Compress write as many
 * elements as their data selects, which no shape can know; netcost gives each its upper bound
 * (every element selected, every box kept) and says so. TopK keeps k along an axis, k known.
 */
import type { SelectAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** Each kind's ONNX op: its name in tables too */
export const SELECT_OPS: Record<SelectAttrs['kind'], string> = {
  nonzero: 'NonZero',
  nms: 'NonMaxSuppression',
  unique: 'Unique',
  compress: 'Compress',
  topk: 'TopK',
};

const log2 = (n: number) => Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
/** FLOPs of one intersection-over-union of two boxes: widths, heights, areas, a divide, a compare */
const IOU = 12;

function shapes(inputs: Shape[], a: SelectAttrs): Shape[] {
  const [x, second] = inputs;
  if (!x) throw new ShapeError('the op has no input');
  switch (a.kind) {
    case 'nonzero':
      return [[x.length, numel(x)]];
    case 'nms': {
      const scores = second;
      if (x.length !== 3 || x[2] !== 4 || !scores || scores.length !== 3 || scores[0] !== x[0] || scores[2] !== x[1])
        throw new ShapeError(
          `boxes [${x.join(', ')}] and scores [${(scores ?? []).join(', ')}] must be [B, N, 4] and [B, C, N]`,
        );
      return [[x[0] * scores[1] * Math.min(x[1], a.k ?? x[1]), 3]];
    }
    case 'unique': {
      const count = a.axis === undefined ? numel(x) : x[normAxis(a.axis, x.length)];
      const y = a.axis === undefined ? [count] : [...x];
      return [y, [count], [count], [count]];
    }
    case 'compress': {
      const kept = Math.min(numel(second ?? []), a.axis === undefined ? numel(x) : x[normAxis(a.axis, x.length)]);
      if (a.axis === undefined) return [[kept]];
      const axis = normAxis(a.axis, x.length);
      return [x.map((d, i) => (i === axis ? kept : d))];
    }
    default: {
      const axis = normAxis(a.axis ?? -1, x.length);
      const k = a.k ?? 0;
      if (!(Number.isInteger(k) && k >= 0 && k <= x[axis]))
        throw new ShapeError(`k ${k} is outside 0 to the axis's ${x[axis]} elements`);
      const y = x.map((d, i) => (i === axis ? k : d));
      return [y, [...y]];
    }
  }
}

export const select: OpDef<SelectAttrs> = {
  rule:
    'outputs at their upper bound where the data decides their size (NonZero: every element; ' +
    'NonMaxSuppression: every box of every class, at most max_output_boxes_per_class; Unique: every element ' +
    'distinct; Compress: every condition true). FLOPs: NonZero 1 per element; NonMaxSuppression per batch and ' +
    `class a sort (N·log2 N) and ${IOU} per box pair compared; Unique a sort; TopK log2(k) per element; ` +
    'Compress none (a copy)',
  infer: (inputs, a) => shapes(inputs, a),
  params: () => 0,
  madds: () => 0,
  flops: (a, [x, second]) => {
    const n = numel(x);
    if (a.kind === 'nonzero') return n;
    if (a.kind === 'unique') return n * log2(n);
    if (a.kind === 'topk') return n * log2((a.k ?? 1) + 1);
    if (a.kind === 'compress') return 0;
    const [b, boxes] = x;
    const classes = second?.[1] ?? 1;
    const kept = Math.min(boxes, a.k ?? boxes);
    return b * classes * (boxes * log2(boxes) + IOU * boxes * kept);
  },
  category: (a) => (a.kind === 'compress' ? 'data-movement' : 'elementwise'),
  onnx: ({ name, inputs, outputs, attrs: a }, e) => e.node(SELECT_OPS[a.kind], name, inputs, outputs),
};

const BOUND_WORDS: Partial<Record<SelectAttrs['kind'], string>> = {
  nonzero: 'every element nonzero',
  nms: 'every box of every class kept',
  unique: 'every element distinct',
  compress: 'every condition true',
};

/** What the report says of a layer counted at its upper bound (undefined for TopK, whose size is known). */
export function upperBoundNote(name: string, a: SelectAttrs, output: Shape): string | undefined {
  const words = BOUND_WORDS[a.kind];
  if (!words) return undefined;
  return (
    `'${name}' writes as many elements as its data selects: counted at its upper bound, [${output.join(', ')}] ` +
    `(${words}); a run writes at most that`
  );
}
