/**
 * Each op's attributes: the data-movement, element-wise, shape and selection ops here, the computing
 * layers' in layer-attrs.ts; OpAttrs maps every op kind to its attributes.
 */

import type { Activation, OpCategory, UnaryFn, ValueType } from './kinds.ts';
import type {
  AttentionAttrs,
  BnAttrs,
  ConvAttrs,
  ConvTransposeAttrs,
  DeformConvAttrs,
  EinsumAttrs,
  EmbedLayerNormAttrs,
  GeluAttrs,
  ImageAttrs,
  LinearAttrs,
  LossAttrs,
  LpNormAttrs,
  LrnAttrs,
  MatMulAttrs,
  NormAttrs,
  PoolAttrs,
  QuantizeAttrs,
  RandomAttrs,
  RecurrentAttrs,
  RoiAlignAttrs,
  RotaryAttrs,
  Shape,
  SignalAttrs,
  TfIdfAttrs,
  UnpoolAttrs,
} from './layer-attrs.ts';

export type * from './layer-attrs.ts';

export interface ShuffleAttrs {
  groups: number;
}

export interface SplitAttrs {
  sizes: number[];
  axis?: number;
}

export interface ConcatAttrs {
  axis?: number;
  /** stack: the inputs gain a new axis at `axis` first (ConcatFromSequence's new_axis) */
  newAxis?: boolean;
  /** elements of constant inputs that are learned (a class token), as stored */
  learned?: number;
}

export type NoAttrs = Record<string, never>;

/** A residual join; `quantized` for an int8 sum requantized (QLinearAdd) */
export interface AddAttrs {
  quantized?: 'requantize';
}

export type EltwiseFn =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'max'
  | 'min'
  | 'mod'
  | 'fmod'
  | 'equal'
  | 'less'
  | 'lessorequal'
  | 'greater'
  | 'greaterorequal'
  | 'and'
  | 'or'
  | 'xor'
  | 'prelu'
  | 'mean'
  | 'bitshiftleft'
  | 'bitshiftright'
  | 'bitwiseand'
  | 'bitwiseor'
  | 'bitwisexor';

/**
 * Broadcasting binary op. Constant operands are folded into attrs (their shapes); a constant of
 * more than one element is a learned parameter.
 */
export interface EltwiseAttrs {
  fn: EltwiseFn;
  constShapes: Shape[];
  /**
   * elements of the constant operands that are learned (imported files: stored weights; default:
   * those of more than one element)
   */
  learned?: number;
  /** an int8 op requantizing its result (QLinearAdd, QLinearMul) */
  quantized?: 'requantize';
}

export interface UnaryAttrs {
  fn: UnaryFn;
  /** cast: the element type cast to */
  to?: ValueType;
  /** clip: the bounds the graph computes (scalar inputs after X, in this order), not constants */
  computed?: ('min' | 'max')[];
}

/** Tile: each axis repeated. */
export interface TileAttrs {
  repeats: number[];
}

/** ScatterND (`elements` false) or ScatterElements along `axis` */
export interface ScatterAttrs {
  elements: boolean;
  axis?: number;
  reduction: 'none' | 'add' | 'mul' | 'max' | 'min';
}

/** What a Loop or Scan writes out of its subgraph: per-iteration outputs stacked over the trips */
export interface ControlAttrs {
  kind: 'Loop' | 'Scan';
  trips: number;
  outputShapes: Shape[];
}

export interface SoftmaxAttrs {
  axis: number;
}

export interface ReduceAttrs {
  fn:
    | 'mean'
    | 'sum'
    | 'max'
    | 'min'
    | 'prod'
    | 'l1'
    | 'l2'
    | 'logsum'
    | 'logsumexp'
    | 'sumsquare'
    | 'argmax'
    | 'argmin';
  axes: number[];
  keepdims: boolean;
  /** no axes and noop_with_empty_axes (opset 18): the input as it is */
  noop?: boolean;
  /** ArgMax/ArgMin: the last index of equal extremes */
  last?: boolean;
}

export interface TransposeAttrs {
  perm: number[];
}

/** DepthToSpace (mode DCR or CRD), or SpaceToDepth with `inverse` */
export interface DepthToSpaceAttrs {
  blocksize: number;
  mode: 'DCR' | 'CRD';
  inverse: boolean;
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
  /** the data is a learned table (an embedding): its elements are params, the rows picked are weights read */
  table?: boolean;
  /**
   * a block-quantized table (GatherBlockQuantized): values per stored element of the last axis
   * (2 for 4-bit values packed in bytes), and the scales' and zero points' elements (params too)
   */
  quantized?: { per: number; scales: number };
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
  /** elements of the constant operands that are learned */
  learned?: number;
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

/** NonZero, NonMaxSuppression, Unique, Compress (outputs at their upper bound) and TopK */
export interface SelectAttrs {
  kind: 'nonzero' | 'nms' | 'unique' | 'compress' | 'topk';
  /** TopK's k; NonMaxSuppression's max_output_boxes_per_class, when known */
  k?: number;
  axis?: number;
}

/** GatherElements, GatherND and OneHot */
export type TakeAttrs =
  | { kind: 'elements'; axis: number }
  | { kind: 'nd'; batchDims: number }
  | { kind: 'onehot'; axis: number; depth: number };

/** Every op netcost knows, with its attributes. Adding an op: one entry here, one module in src/ops. */
export interface OpAttrs extends Record<Activation, NoAttrs> {
  conv: ConvAttrs;
  bn: BnAttrs;
  maxpool: PoolAttrs;
  avgpool: PoolAttrs;
  lppool: PoolAttrs;
  gap: NoAttrs;
  linear: LinearAttrs;
  flatten: NoAttrs;
  shuffle: ShuffleAttrs;
  split: SplitAttrs;
  concat: ConcatAttrs;
  add: AddAttrs;
  convtranspose: ConvTransposeAttrs;
  matmul: MatMulAttrs;
  eltwise: EltwiseAttrs;
  unary: UnaryAttrs;
  softmax: SoftmaxAttrs;
  loss: LossAttrs;
  embedlayernorm: EmbedLayerNormAttrs;
  select: SelectAttrs;
  take: TakeAttrs;
  reduce: ReduceAttrs;
  transpose: TransposeAttrs;
  depthtospace: DepthToSpaceAttrs;
  recurrent: RecurrentAttrs;
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
  layernorm: NormAttrs;
  gelu: GeluAttrs;
  rotary: RotaryAttrs;
  signal: SignalAttrs;
  tile: TileAttrs;
  tfidf: TfIdfAttrs;
  lrn: LrnAttrs;
  lpnorm: LpNormAttrs;
  random: RandomAttrs;
  image: ImageAttrs;
  deformconv: DeformConvAttrs;
  reverse: NoAttrs;
  unpool: UnpoolAttrs;
  det: NoAttrs;
  roialign: RoiAlignAttrs;
  einsum: EinsumAttrs;
  attention: AttentionAttrs;
  scatter: ScatterAttrs;
  quantize: QuantizeAttrs;
  control: ControlAttrs;
  custom: CustomAttrs;
  unknown: UnknownAttrs;
}

export type OpKind = keyof OpAttrs;
