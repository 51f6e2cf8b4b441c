/** The layer graph every later stage reads: a topologically ordered list of layers over named tensors. */

import type { ElemType } from './dtype.ts';
import type { Activation, OpCategory, UnaryFn, ValueType } from './kinds.ts';

export type Shape = number[];
export type Pair = [number, number];
/** One value per spatial axis of a window op: 1 for a 1-D convolution, 2 for 2-D, 3 for 3-D. */
export type Spatial = number[];
/**
 * `original`: the graph as defined (a spec's conv, BN and activation as separate layers, an ONNX
 * file's nodes as written); `deploy`: BN folded into the conv before it and activations fused.
 */
export type View = 'original' | 'deploy';

/** A convolution of any spatial rank (the kernel's length): 1-D, 2-D (specs) or 3-D. */
export interface ConvAttrs {
  outChannels: number;
  kernel: Spatial;
  stride: Spatial;
  /** padding at the start of each spatial axis (and at the end, unless `padEnd` says otherwise) */
  padding: Spatial;
  /** padding at the end of each axis when it differs from the start (imported ONNX models) */
  padEnd?: Spatial;
  dilation: Spatial;
  groups: number;
  bias: boolean;
  /** deploy view: a batch norm folded into this conv */
  foldedBn?: boolean;
  /** deploy view: an activation fused into this conv */
  act?: Activation;
  /** an integer convolution (ConvInteger, QLinearConv): `requantize` when it writes int8 (QLinearConv) */
  quantized?: 'integer' | 'requantize';
  /** onnxruntime's FusedConv: a residual added (its second input) before the activation */
  sum?: boolean;
  /** onnxruntime's FusedConv: an activation netcost's specs do not have (LeakyRelu, Tanh...) */
  fusedAct?: { name: string; flops: number };
}
/** DeformConv: a convolution with per-position offsets (`offsetGroups` sets of them) and an optional mask */
export interface DeformConvAttrs extends ConvAttrs {
  offsetGroups: number;
  mask: boolean;
}
/** Max or average pooling of any spatial rank (the kernel's length). */
export interface PoolAttrs {
  kernel: Spatial;
  stride: Spatial;
  padding: Spatial;
  padEnd?: Spatial;
  /** MaxPool's dilations (imported ONNX models; 1 when absent) */
  dilation?: Spatial;
  /** MaxPool also writes the index of each maximum (ONNX's optional second output) */
  indices?: boolean;
  ceilMode: boolean;
  countIncludePad?: boolean;
  /** LpPool: the norm's order */
  p?: number;
}
export interface LinearAttrs {
  outFeatures: number;
  bias: boolean;
  /** an int8 product requantized to int8 (QGemm) */
  quantized?: 'requantize';
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
export interface ConvTransposeAttrs extends ConvAttrs {
  outputPadding: Spatial;
  /** the weight (and bias) the graph computes: read as inputs after the data, not params */
  computed?: ('weight' | 'bias')[];
}
/**
 * MatMul (and Gemm, onnxruntime's FusedMatMul): `bShape` when B is a constant (a weight), the
 * operands' last two axes swapped when transposed, `biasShape` for a Gemm's C.
 */
export interface MatMulAttrs {
  bShape?: Shape;
  transA?: boolean;
  transB?: boolean;
  /** a Gemm's constant C */
  biasShape?: Shape;
  /** a Gemm's C computed at run time: the layer's last input */
  biasInput?: boolean;
  /** an integer product (MatMulInteger, QLinearMatMul): `requantize` when it writes int8 (QLinearMatMul) */
  quantized?: 'integer' | 'requantize';
  /**
   * B quantized block by block along K (MatMulNBits): values stored (K padded to whole blocks, times
   * N), with their scales and zero points, all counted as params
   */
  blocks?: { bits: number; size: number; stored: number; values: number };
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
/** Layer normalization over the axes from `axis` (see src/ops/layernorm.ts). */
export interface NormAttrs {
  axis: number;
  /** RMS normalisation: no mean subtracted (SimplifiedLayerNormalization) */
  rms?: boolean;
  scale: boolean;
  shift: boolean;
  /** SkipLayerNormalization: a residual input added first (its second input), and a bias with it */
  skip?: boolean;
  skipBias?: boolean;
  /** how many of the scale, shift and bias the graph computes (its last inputs): read as inputs, not params */
  computed?: number;
  /** InstanceNormalization: a scale and shift per channel (axis 1), not per element of a row */
  perChannel?: boolean;
  /** MeanVarianceNormalization: the axes normalised over, which need not trail */
  axes?: number[];
  /** GroupNormalization: channels (axis 1) in this many groups, each normalised with the axes after it */
  groups?: number;
  /** GroupNormalization at opset 18: a scale and shift per group, not per channel */
  perGroup?: boolean;
}
/** GELU, exact (erf) or tanh-approximated, with onnxruntime's BiasGelu bias of this shape */
export interface GeluAttrs {
  approximate: 'none' | 'tanh';
  bias?: Shape;
  /** BiasSplitGelu: the last axis split in halves, the first times GELU of the second */
  split?: true;
}
/** Audio and signal ops (src/ops/signal.ts): window functions, DFT, STFT, MelWeightMatrix. */
export type SignalAttrs =
  | { fn: 'window'; kind: 'hann' | 'hamming' | 'blackman'; size: number }
  | { fn: 'mel'; bins: number; dft: number }
  | { fn: 'dft'; axis: number; length?: number; onesided: boolean }
  | { fn: 'stft'; frame: number; step: number; onesided: boolean; window: boolean };
/** TfIdfVectorizer: the n-gram lengths and skips counted, the output's width, the pool's and weights' sizes */
export interface TfIdfAttrs {
  minGram: number;
  maxGram: number;
  maxSkip: number;
  /** one output per pooled n-gram: max(ngram_indexes) + 1 */
  outputs: number;
  /** tokens in the pool (pool_int64s or pool_strings) */
  pool: number;
  /** IDF weights (none in TF mode) */
  weights: number;
}
/** Tile: each axis repeated. */
export interface TileAttrs {
  repeats: number[];
}
/** MaxUnpool: the output's shape (given, or from the pooling's kernel, strides and pads) */
export interface UnpoolAttrs {
  shape: number[];
}
/** RoiAlign: bins per box and samples per bin along each axis (0: as many as the box's size asks) */
export interface RoiAlignAttrs {
  outH: number;
  outW: number;
  ratio: number;
  /** MaxRoiPool (Fast R-CNN): each bin the max of the map's values in it, boxes [R, 5] with their batch index */
  maxPool?: true;
}
/** Local response normalization across `size` neighbouring channels. */
export interface LrnAttrs {
  size: number;
}
/** AffineGrid to `size` [N, C, ...], Col2Im of blocks into `image`, CenterCropPad of `axes` to `shape` */
export type ImageAttrs =
  | { fn: 'affinegrid'; size: number[] }
  | { fn: 'col2im'; image: number[]; block: number[]; strides: number[]; dilations: number[]; pads: number[] }
  | { fn: 'croppad'; shape: number[]; axes: number[] };
/** RandomNormal and RandomUniform of `shape`, or Multinomial's `samples` draws per row */
export interface RandomAttrs {
  dist: 'normal' | 'uniform' | 'multinomial';
  shape: number[];
  samples?: number;
}
/** LpNormalization: each row along `axis` divided by its p-norm (p 1 or 2). */
export interface LpNormAttrs {
  axis: number;
  p: number;
}
/** Rotary position embedding of `heads` heads of `headSize`, the first `rotaryDim` of each rotated. */
export interface RotaryAttrs {
  heads: number;
  headSize: number;
  rotaryDim: number;
}
/** Einsum over its operands (constants among them); `learned`: elements of learned constant operands */
export interface EinsumAttrs {
  equation: string;
  learned?: number;
}
/**
 * onnxruntime's Attention (`projection`: the packed weight [in, q+k+v] and the three widths) and
 * MultiHeadAttention (query, key, value; or packed QKV or KV)
 */
export interface AttentionAttrs {
  heads: number;
  projection?: { weight: Shape; sizes: [number, number, number] };
  /** elements of the bias added to the projections */
  bias?: number;
  packed?: 'qkv' | 'kv';
  /** keys cached from earlier steps (past_key), attended to besides the current ones */
  past?: number;
  /**
   * GroupQueryAttention: heads of keys and values (each serves heads / kvHeads query heads), the
   * head size, the keys attended when total_sequence_length is known, and a rotary embedding of
   * the queries and keys done inside
   */
  kvHeads?: number;
  headSize?: number;
  total?: number;
  rotary?: boolean;
  /**
   * the cache written for the next step: Attention's one `present` [2, B, N, L, H], or
   * MultiHeadAttention's present_key and present_value [B, N, L, H]
   */
  present?: 'packed' | 'split';
  /**
   * ONNX's Attention (opset 23): query, key and value per head [B, N, S, H] (`fourD`) or [B, S, N·H],
   * keys and values with kvHeads heads of `headSize` and `valueHeadSize`, `keys` of them in this step
   * (past keys besides); `mask`: an attention mask added to the scores
   */
  onnx?: { fourD: boolean; keys: number; valueHeadSize: number; mask: boolean };
}
/** ScatterND (`elements` false) or ScatterElements along `axis` */
export interface ScatterAttrs {
  elements: boolean;
  axis?: number;
  reduction: 'none' | 'add' | 'mul' | 'max' | 'min';
}
/**
 * QuantizeLinear (float -> int8), DequantizeLinear (int8 -> float), DynamicQuantizeLinear;
 * `scaleShapes`: the scale's and zero point's shapes when they are weights (not operands)
 */
export interface QuantizeAttrs {
  fn: 'quantize' | 'dequantize' | 'dynamic';
  axis: number;
  scaleShapes: Shape[];
  /** the integer type quantized to (its range saturates) */
  to?: ElemType;
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
/** LSTM, GRU or RNN (ONNX): a recurrent layer run over a sequence, in one or both directions */
export interface RecurrentAttrs {
  cell: 'lstm' | 'gru' | 'rnn';
  hidden: number;
  directions: 1 | 2;
  /** one direction, run from the sequence's end (ONNX `direction: reverse`) */
  reverse: boolean;
  /** 0: [sequence, batch, features] (ONNX's default); 1: [batch, sequence, features] */
  layout: 0 | 1;
  bias: boolean;
  /** LSTM's peephole weights */
  peepholes: boolean;
  /** the layer's inputs after X, in order: which of sequence_lens, initial_h and initial_c are given as values */
  states: ('lengths' | 'h' | 'c')[];
  /** the output slots the node names (0: Y, 1: Y_h, 2: Y_c), in order */
  outputs: number[];
  /** weights the graph computes (the layer's last inputs, after the states): read as inputs, not params */
  computed?: ('W' | 'R' | 'B' | 'P')[];
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

/** EmbedLayerNormalization: the hidden width, each embedding table's rows (word, position, segment) */
export interface EmbedLayerNormAttrs {
  hidden: number;
  rows: number[];
  /** the third output, the embeddings' sum before the norm */
  sum: boolean;
}

/** NegativeLogLikelihoodLoss, or SoftmaxCrossEntropyLoss with `softmax` */
export interface LossAttrs {
  softmax: boolean;
  reduction: 'none' | 'sum' | 'mean';
  /** class weights given (input 3) */
  weighted: boolean;
  /** SoftmaxCrossEntropyLoss's second output, the log-probabilities */
  logProb: boolean;
}

/** BatchNormalization: `training` over the batch's own statistics, with the running ones as outputs too */
export interface BnAttrs {
  training?: boolean;
}

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
  /**
   * the original-view layers this layer stands for: deploy view's conv, BN and activation; an
   * imported file's fused patterns (a decomposed layer norm, GELU's erf form, a QDQ convolution)
   */
  fusedFrom?: string[];
  /** times the layer runs per inference: a Loop body's trip count (default 1); 0 in an If branch not counted */
  runs?: number;
  /** imported ONNX: the element type of each tensor read and written (absent: every tensor at the report's dtype) */
  types?: { inputs: ElemType[]; outputs: ElemType[] };
  /** imported ONNX: the constant tensors the layer reads (weights, biases, scalars), in input order */
  weights?: WeightRef[];
}

/** A constant tensor a layer reads, and the stored tensors of the file it comes from. */
export interface WeightRef {
  /**
   * the file's stored tensors (initializers, Constant nodes) it is, through ops that only
   * rearrange, retype or broadcast (Identity, Reshape, Transpose, Cast, DequantizeLinear, Expand),
   * or that it is computed from; each with its elements
   */
  sources: { key: string; elements: number }[];
  /** elements the layer reads */
  elements: number;
  /** element type as the layer reads it, and as the file stores it (int8 under a DequantizeLinear) */
  type: ElemType;
  storedType: ElemType;
  /** the layer's op counts it as learned parameters */
  param: boolean;
  /** also one of the layer's inputs (a constant row concatenated to data), read as an input, not a weight */
  operand?: boolean;
  /** its value, when it is one element (an epsilon, GELU's 0.5) */
  scalar?: number;
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
  /** the (first) input and output; `type` for an imported file's */
  input: { name: string; shape: Shape; type?: ElemType };
  output: { name: string; shape: Shape };
  layers: Layer[];
  /** every group some layer's path names, parents before children */
  groups: Group[];
  /** what reading the model decided that a reader of its report should know (an If's branch, a Loop's trips) */
  notes?: string[];
}
