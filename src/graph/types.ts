/** The layer graph every later stage reads: a topologically ordered list of layers over named tensors. */
import type { Activation } from '../spec/types.ts';

export type Shape = number[];
export type Pair = [number, number];
export type View = 'spec' | 'deploy';

export interface ConvAttrs {
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  /** padding at the start of each spatial axis (and at the end, unless `padEnd` says otherwise) */
  padding: Pair;
  /** padding at the end of each axis when it differs from the start (imported ONNX models) */
  padEnd?: Pair;
  dilation: Pair;
  groups: number;
  bias: boolean;
  /** deploy view: a batch norm folded into this conv */
  foldedBn?: boolean;
  /** deploy view: an activation fused into this conv */
  act?: Activation;
}
export interface PoolAttrs {
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  padEnd?: Pair;
  ceilMode: boolean;
  countIncludePad?: boolean;
}
export interface LinearAttrs {
  outFeatures: number;
  bias: boolean;
}
export interface ShuffleAttrs {
  groups: number;
}
export interface SplitAttrs {
  sizes: number[];
  axis?: number;
}
export interface ConcatAttrs {
  axis?: number;
}
export type NoAttrs = Record<string, never>;
export interface ConvTransposeAttrs extends ConvAttrs {
  outputPadding: Pair;
}
/** MatMul; `bShape` when B is a constant (a weight) */
export interface MatMulAttrs {
  bShape?: Shape;
}
export type EltwiseFn = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min';
/** Broadcasting binary op; constant operands are folded into attrs (their shapes), learned ones (more than one element) count as params */
export interface EltwiseAttrs {
  fn: EltwiseFn;
  constShapes: Shape[];
}
export interface UnaryAttrs {
  fn: string;
  onnxOp: string;
  flopsPerElement: number;
  onnxAttrs?: Record<string, number | number[] | { f: number } | string>;
}
export interface SoftmaxAttrs {
  axis: number;
}
export interface ReduceAttrs {
  fn: 'mean' | 'sum' | 'max' | 'min';
  axes: number[];
  keepdims: boolean;
}
export interface TransposeAttrs {
  perm: number[];
}
/** Reshape, Squeeze, Unsqueeze, Flatten of any axis: a view to `shape` */
export interface ReshapeAttrs {
  shape: number[];
  onnxOp: string;
}
export interface SliceAttrs {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}
export interface PadAttrs {
  pads: number[];
  mode: string;
}
export interface ResizeAttrs {
  outShape: number[];
  mode: string;
}
/** An op netcost cannot cost: counted as 0, listed in warnings */
export interface UnknownAttrs {
  onnxOp: string;
  outputShapes: Shape[];
}

/** Every op netcost knows, with its attributes. Adding an op: one entry here, one module in src/ops. */
export interface OpAttrs {
  conv: ConvAttrs;
  bn: NoAttrs;
  relu: NoAttrs;
  relu6: NoAttrs;
  hardswish: NoAttrs;
  sigmoid: NoAttrs;
  maxpool: PoolAttrs;
  avgpool: PoolAttrs;
  gap: NoAttrs;
  linear: LinearAttrs;
  flatten: NoAttrs;
  shuffle: ShuffleAttrs;
  split: SplitAttrs;
  concat: ConcatAttrs;
  add: NoAttrs;
  convtranspose: ConvTransposeAttrs;
  matmul: MatMulAttrs;
  eltwise: EltwiseAttrs;
  unary: UnaryAttrs;
  softmax: SoftmaxAttrs;
  reduce: ReduceAttrs;
  transpose: TransposeAttrs;
  reshape: ReshapeAttrs;
  slice: SliceAttrs;
  pad: PadAttrs;
  resize: ResizeAttrs;
  unknown: UnknownAttrs;
}
export type OpKind = keyof OpAttrs;

export interface LayerOf<K extends OpKind> {
  /** Hierarchical, stable, unique: `stage3.unit2.branch2.pw1.conv`. */
  name: string;
  op: K;
  attrs: OpAttrs[K];
  /** tensor names read */
  inputs: string[];
  /** tensor names written */
  outputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /** deploy view: the spec-view layers this layer stands for (conv, bn, activation) */
  fusedFrom?: string[];
}
export type Layer = { [K in OpKind]: LayerOf<K> }[OpKind];

/** A named group of layers (a stage, a unit, a branch, a conv+bn+act); `kind` says what made it. */
export interface Group {
  name: string;
  kind: string;
}

export interface Graph {
  model: string;
  /** spec file the model came from */
  file: string;
  view: View;
  input: { name: string; shape: Shape };
  output: { name: string; shape: Shape };
  layers: Layer[];
  groups: Group[];
}
