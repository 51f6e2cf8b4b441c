/**
 * ONNX sequences, as torch exports lists (MViT's pooling builds one in a Loop and reads it with
 * SequenceAt): a sequence is a list of tensors known while the graph is read. SequenceEmpty,
 * SequenceConstruct, SequenceInsert, SequenceErase, SequenceAt and SequenceLength cost nothing (they
 * name tensors); ConcatFromSequence is a concatenation of its tensors and SplitToSequence a split.
 */
import type { Layer } from '../graph/types.ts';
import { LIMITS } from '../limits.ts';
import { inferShapes } from '../ops/index.ts';
import { numel, ShapeError } from '../ops/op.ts';
import { Attrs, type NodeProto } from './proto.ts';
import type { Frame, ReadContext } from './read-context.ts';
import type { TensorInfo } from './scope.ts';

export const SEQUENCE_OPS = new Set([
  'SequenceEmpty',
  'SequenceConstruct',
  'SequenceInsert',
  'SequenceErase',
  'SequenceAt',
  'SequenceLength',
  'ConcatFromSequence',
  'SplitToSequence',
]);

/** A constant position into a sequence of `n` (negative: from the back; `n` itself to insert at the end). */
function position(t: TensorInfo | undefined, n: number, inserting: boolean): number {
  if (!t) return inserting ? n : n - 1;
  if (!t.constant || t.varying) throw new ShapeError('the position must be a constant');
  const p = t.constant.value().data[0];
  const at = p < 0 ? p + n : p;
  if (!Number.isInteger(at) || at < 0 || at > (inserting ? n : n - 1)) {
    throw new ShapeError(`position ${p} is out of range for a sequence of ${n}`);
  }
  return at;
}

function sequenceOf(t: TensorInfo | undefined, what: string): TensorInfo[] {
  if (!t?.sequence) throw new ShapeError(`${what} is not a sequence netcost can follow (one built at run time)`);
  return t.sequence;
}

export function readSequenceOp(ctx: ReadContext, n: NodeProto, name: string, frame: Frame): void {
  const get = (k: number) => (n.input?.[k] ? frame.scope.get(n.input[k]) : undefined);
  const out = n.output?.[0] ?? '';
  const id = (o: string) => `${frame.prefix}${o}`;
  const seq = (items: TensorInfo[], type = items[0]?.type ?? 'fp32') =>
    frame.scope.set(out, { id: id(out), shape: [], type, sequence: items });
  const ins = (n.input ?? []).map((_, k) => get(k));
  switch (n.opType) {
    case 'SequenceEmpty':
      seq([]);
      return;
    case 'SequenceConstruct':
      seq(ins.filter((t): t is TensorInfo => t !== undefined));
      return;
    case 'SequenceInsert': {
      const items = [...sequenceOf(ins[0], 'input 1')];
      const t = ins[1];
      if (!t) throw new ShapeError('the tensor to insert (input 2) is missing');
      items.splice(position(ins[2], items.length, true), 0, t);
      seq(items);
      return;
    }
    case 'SequenceErase': {
      const items = [...sequenceOf(ins[0], 'input 1')];
      items.splice(position(ins[1], items.length, false), 1);
      seq(items);
      return;
    }
    case 'SequenceAt': {
      const items = sequenceOf(ins[0], 'input 1');
      frame.scope.set(out, items[position(ins[1], items.length, false)]);
      return;
    }
    case 'SequenceLength': {
      const count = sequenceOf(ins[0], 'input 1').length;
      frame.scope.set(out, {
        id: id(out),
        shape: [],
        type: 'int64',
        constant: { dims: [], type: 'int64', value: () => ({ dims: [], type: 'int', data: [count] }) },
        stored: [],
      });
      ctx.folded++;
      return;
    }
    case 'ConcatFromSequence':
      concatFromSequence(ctx, n, name, frame, sequenceOf(ins[0], 'input 1'));
      return;
    default:
      splitToSequence(ctx, n, name, frame, ins);
  }
}

/** A sequence's tensors concatenated (or stacked, with new_axis) into one: a concat layer. */
function concatFromSequence(ctx: ReadContext, n: NodeProto, name: string, frame: Frame, items: TensorInfo[]): void {
  if (items.length === 0) throw new ShapeError('the sequence is empty');
  const a = new Attrs(n);
  const newAxis = a.int('new_axis', 0) === 1;
  const axis = a.int('axis', 0);
  const out = n.output?.[0] ?? '';
  const attrs = { axis, ...(newAxis ? { newAxis: true } : {}) };
  const layer = {
    name,
    op: 'concat',
    attrs,
    path: [],
    inputs: items.map((t) => t.id),
    outputs: [`${frame.prefix}${out}`],
    inputShapes: items.map((t) => t.shape),
    outputShapes: [],
    types: { inputs: items.map((t) => t.type), outputs: [items[0].type] },
    weights: [],
    ...(frame.runs !== 1 ? { runs: frame.runs } : {}),
  } as unknown as Layer;
  pushInferred(ctx, frame, layer, [out]);
}

/** SplitToSequence: a split layer whose outputs form the sequence. */
function splitToSequence(
  ctx: ReadContext,
  n: NodeProto,
  name: string,
  frame: Frame,
  ins: (TensorInfo | undefined)[],
): void {
  const x = ins[0];
  if (!x) throw new ShapeError('the data input is missing');
  const a = new Attrs(n);
  const rank = x.shape.length;
  const given = a.int('axis', 0);
  if (given < -rank || given >= rank)
    throw new ShapeError(`axis ${given} is out of range for a ${rank}-D input (${-rank} to ${rank - 1})`);
  const axis = given < 0 ? given + rank : given;
  const split = ins[1];
  let sizes: number[];
  if (!split) sizes = new Array<number>(x.shape[axis]).fill(1);
  else {
    if (!split.constant || split.varying) throw new ShapeError('the split sizes must be a constant');
    const v = split.constant.value().data;
    const d = x.shape[axis];
    const scalar = numel(split.shape) === 1 && split.shape.length === 0;
    if (scalar && !(Number.isInteger(v[0]) && v[0] >= 1))
      throw new ShapeError(`split ${v[0]}: a scalar split is the size of each part, at least 1`);
    if (!scalar && v.some((p) => !Number.isInteger(p) || p < 0))
      throw new ShapeError(`split [${v.join(', ')}]: the part sizes must be whole numbers >= 0`);
    const parts = scalar ? Math.ceil(d / v[0]) : v.length;
    if (parts > LIMITS.sequenceItems) tooMany(parts);
    sizes = scalar ? Array.from({ length: parts }, (_, i) => Math.min(v[0], d - i * v[0])) : v;
  }
  if (sizes.length > LIMITS.sequenceItems) tooMany(sizes.length);
  const keep = a.int('keepdims', 1) === 1 || split !== undefined;
  const outs = sizes.map((_, i) => `${n.output?.[0] ?? name}#${i}`);
  const layer = {
    name,
    op: 'split',
    attrs: { sizes, axis },
    path: [],
    inputs: [x.id],
    outputs: outs.map((o) => `${frame.prefix}${o}`),
    inputShapes: [x.shape],
    outputShapes: [],
    types: { inputs: [x.type], outputs: sizes.map(() => x.type) },
    weights: [],
    ...(frame.runs !== 1 ? { runs: frame.runs } : {}),
  } as unknown as Layer;
  pushInferred(ctx, frame, layer, outs);
  const items = outs.map((o) => frame.scope.get(o) as TensorInfo);
  const squeezed = keep ? items : items.map((t) => ({ ...t, shape: t.shape.filter((_, i) => i !== axis) }));
  frame.scope.set(n.output?.[0] ?? '', {
    id: `${frame.prefix}${n.output?.[0]}`,
    shape: [],
    type: x.type,
    sequence: squeezed,
  });
}

const tooMany = (parts: number): never => {
  throw new ShapeError(
    `splits into ${parts.toLocaleString('en-US')} tensors; netcost reads sequences of at most ` +
      `${LIMITS.sequenceItems.toLocaleString('en-US')} (each is a layer of its own): split into fewer, larger parts`,
  );
};

/** Give a layer built here its output shapes by its op's rule, and add it. */
function pushInferred(ctx: ReadContext, frame: Frame, layer: Layer, outs: string[]): void {
  layer.outputShapes = inferShapes(layer.op, layer.attrs, layer.inputShapes);
  for (const [k, o] of outs.entries()) {
    frame.scope.set(o, { id: layer.outputs[k], shape: layer.outputShapes[k], type: layer.types?.outputs[k] ?? 'fp32' });
  }
  if (frame.path.length) ctx.subgraphPaths.set(layer.name, frame.path);
  ctx.layers.push(layer);
}
