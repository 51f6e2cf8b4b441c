/** The layer graph every later stage reads: a topologically ordered list of layers over named tensors. */
import type { Activation } from '../ops/activation.ts';
import type { OpCategory, ValueType } from '../ops/op.ts';
import type { UnaryFn } from '../ops/unary.ts';

export type Shape = number[];
export type Pair = [number, number];
/**
 * `original`: the graph as defined (a spec's conv, BN and activation as separate layers, an ONNX
 * file's nodes as written); `deploy`: BN folded into the conv before it and activations fused.
 */
export type View = 'original' | 'deploy';

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
export type EltwiseFn = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'equal';
/**
 * Broadcasting binary op. Constant operands are folded into attrs (their shapes); a constant of
 * more than one element is a learned parameter.
 */
export interface EltwiseAttrs {
  fn: EltwiseFn;
  constShapes: Shape[];
}
export interface UnaryAttrs {
  fn: UnaryFn;
  /** cast: the element type cast to */
  to?: ValueType;
}
export interface SoftmaxAttrs {
  axis: number;
}
export interface ReduceAttrs {
  fn: 'mean' | 'sum' | 'max' | 'min' | 'prod';
  axes: number[];
  keepdims: boolean;
}
export interface TransposeAttrs {
  perm: number[];
}
/** Reshape, Squeeze, Unsqueeze, Flatten of any axis: a view to `shape` */
export interface ReshapeAttrs {
  shape: number[];
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
/** The dimensions of the input, from `start` to `end` (negative: from the back) */
export interface ShapeAttrs {
  start?: number;
  end?: number;
}
/** Gather along `axis`; `indicesShape` when the indices are a constant (not an input) */
export interface GatherAttrs {
  axis: number;
  indicesShape?: Shape;
}
/** Broadcast the input to `shape` */
export interface ExpandAttrs {
  shape: number[];
}
/** A constant tensor of `shape` holding `value` (ConstantOfShape) */
export interface FillAttrs {
  shape: number[];
  value: number;
  type: ValueType;
}
/** start, start + delta, ... below limit */
export interface RangeAttrs {
  start: number;
  limit: number;
  delta: number;
  type: ValueType;
}
/** select(cond, x, y) with broadcasting; constant operands as in eltwise */
export interface WhereAttrs {
  constShapes: Shape[];
}
/** An op netcost cannot cost: counted as 0, listed in warnings. `foreignOp` is the file's op type. */
export interface UnknownAttrs {
  foreignOp: string;
  outputShapes: Shape[];
}

/** An op costed by a user rule: the numbers its expressions gave for this node. */
export interface CustomAttrs {
  foreignOp: string;
  /** where the rule comes from: `<rules file>: <op>` */
  rule: string;
  category: OpCategory;
  params: number;
  madds: number;
  flops: number;
  /** input elements read, when the rule says (default: every input) */
  reads?: number;
  outputShapes: Shape[];
}

/** Every op netcost knows, with its attributes. Adding an op: one entry here, one module in src/ops. */
export interface OpAttrs extends Record<Activation, NoAttrs> {
  conv: ConvAttrs;
  bn: NoAttrs;
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
  shape: ShapeAttrs;
  size: NoAttrs;
  gather: GatherAttrs;
  expand: ExpandAttrs;
  fill: FillAttrs;
  range: RangeAttrs;
  where: WhereAttrs;
  custom: CustomAttrs;
  unknown: UnknownAttrs;
}
export type OpKind = keyof OpAttrs;

export interface LayerOf<K extends OpKind> {
  /** Unique and stable: a spec's `stage3.unit2.branch2.pw1.conv`, an ONNX file's node name. */
  name: string;
  op: K;
  attrs: OpAttrs[K];
  /** the groups enclosing the layer, outermost first (names in `Graph.groups`) */
  path: string[];
  /** tensor names read */
  inputs: string[];
  /** tensor names written */
  outputs: string[];
  inputShapes: Shape[];
  outputShapes: Shape[];
  /** deploy view: the original-view layers this layer stands for (conv, bn, activation) */
  fusedFrom?: string[];
}
export type Layer = { [K in OpKind]: LayerOf<K> }[OpKind];

/**
 * A named group of layers: a stage, a unit, a branch, a conv with its BN and activation (kind
 * `conv`); in an ONNX file a module (`/layer1/layer1.0`) or a name scope. `kind` says what made it.
 */
export interface Group {
  name: string;
  kind: string;
}

export interface Graph {
  model: string;
  /** the file the model came from (a spec file or an ONNX file) */
  file: string;
  view: View;
  input: { name: string; shape: Shape };
  output: { name: string; shape: Shape };
  layers: Layer[];
  /** every group some layer's path names, parents before children */
  groups: Group[];
}
