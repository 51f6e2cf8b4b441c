/** The op table: every OpKind maps to its module. A missing entry fails to compile. */
import type { Layer, OpKind, Shape } from '../graph/types.ts';
import { ACTIVATION_NAMES, type Activation, activation } from './activation.ts';
import { add } from './add.ts';
import { attention } from './attention.ts';
import { batchnorm } from './batchnorm.ts';
import { concat } from './concat.ts';
import { control } from './control.ts';
import { conv } from './conv.ts';
import { convtranspose } from './convtranspose.ts';
import { custom } from './custom.ts';
import { deformconv } from './deformconv.ts';
import { depthtospace } from './depthtospace.ts';
import { det } from './det.ts';
import { einsum } from './einsum.ts';
import { eltwise } from './eltwise.ts';
import { embedlayernorm } from './embedlayernorm.ts';
import { expand } from './expand.ts';
import { fill, range } from './fill.ts';
import { flatten } from './flatten.ts';
import { gather } from './gather.ts';
import { gelu } from './gelu.ts';
import { image } from './image.ts';
import { reverse, unpool } from './indexing.ts';
import { layernorm } from './layernorm.ts';
import { linear } from './linear.ts';
import { loss } from './loss.ts';
import { lpnorm } from './lpnorm.ts';
import { lrn } from './lrn.ts';
import { matmul } from './matmul.ts';
import { checkShape, numel, type OnnxEmitter, type OpCategory, type OpDef, type OpTable } from './op.ts';
import { pad } from './pad.ts';
import { avgpool, gap, lppool, maxpool } from './pool.ts';
import { quantize } from './quantize.ts';
import { random } from './random.ts';
import { recurrent } from './recurrent.ts';
import { reduce } from './reduce.ts';
import { reshape } from './reshape.ts';
import { resize } from './resize.ts';
import { roialign } from './roialign.ts';
import { rotary } from './rotary.ts';
import { scatter } from './scatter.ts';
import { select } from './select.ts';
import { shape, size } from './shape.ts';
import { shuffle } from './shuffle.ts';
import { signal } from './signal.ts';
import { slice } from './slice.ts';
import { softmax } from './softmax.ts';
import { split } from './split.ts';
import { take } from './take.ts';
import { tfidf } from './tfidf.ts';
import { tile } from './tile.ts';
import { transpose } from './transpose.ts';
import { unary } from './unary.ts';
import { unknown } from './unknown.ts';
import { where } from './where.ts';

const activations = Object.fromEntries(ACTIVATION_NAMES.map((k) => [k, activation(k)])) as Pick<OpTable, Activation>;

export const OPS: OpTable = {
  ...activations,
  conv,
  bn: batchnorm,
  maxpool,
  avgpool,
  lppool,
  gap,
  linear,
  flatten,
  shuffle,
  split,
  concat,
  add,
  convtranspose,
  matmul,
  eltwise,
  unary,
  softmax,
  loss,
  embedlayernorm,
  select,
  take,
  reduce,
  transpose,
  depthtospace,
  recurrent,
  reshape,
  slice,
  pad,
  resize,
  shape,
  size,
  gather,
  expand,
  fill,
  range,
  where,
  layernorm,
  gelu,
  rotary,
  signal,
  tile,
  tfidf,
  lrn,
  lpnorm,
  random,
  image,
  deformconv,
  reverse,
  unpool,
  det,
  roialign,
  einsum,
  attention,
  scatter,
  quantize,
  control,
  custom,
  unknown,
};

// The table is keyed by op; these helpers recover the attribute type for a given layer.
export function opDef(op: OpKind): OpDef<unknown> {
  return OPS[op] as OpDef<unknown>;
}

/** A layer's output shapes, checked against netcost's bounds (src/limits.ts). */
export function inferShapes(op: OpKind, attrs: unknown, inputs: Shape[]): Shape[] {
  const shapes = opDef(op).infer(inputs, attrs);
  for (const s of shapes) checkShape(s, false);
  return shapes;
}

/** Write one layer as ONNX nodes through an emitter. */
export function emitOnnx(layer: Layer, e: OnnxEmitter): void {
  const { name, attrs, inputs, outputs, inputShapes, outputShapes } = layer;
  opDef(layer.op).onnx({ name, attrs, inputs, outputs, inputShapes, outputShapes }, e);
}

export interface OpCounts {
  params: number;
  madds: number;
  flops: number;
  weightsRead: number;
  /** elements read of each input */
  inputsRead: number[];
  view: boolean;
  category: OpCategory;
}

export function opCounts(layer: Layer): OpCounts {
  const d = opDef(layer.op);
  const args = [layer.attrs, layer.inputShapes, layer.outputShapes] as const;
  const params = d.params(...args);
  return {
    params,
    madds: d.madds(...args),
    flops: d.flops(...args),
    weightsRead: d.weightsRead ? d.weightsRead(...args) : params,
    inputsRead: d.inputsRead ? d.inputsRead(...args) : layer.inputShapes.map(numel),
    view: d.view === true,
    category: d.category(...args),
  };
}

export type { OnnxEmitter, OpCategory } from './op.ts';
export { ShapeError } from './op.ts';
