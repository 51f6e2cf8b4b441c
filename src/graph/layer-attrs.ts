/**
 * The attributes of the layers that compute: convolutions, matrix products, normalisations, attention,
 * recurrent layers, signal and image ops; and the shapes every op's attributes are stated in.
 */

import type { ElemType } from './dtype.ts';
import type { Activation } from './kinds.ts';

export type Shape = number[];
export type Pair = [number, number];
/** One value per spatial axis of a window op: 1 for a 1-D convolution, 2 for 2-D, 3 for 3-D. */
export type Spatial = number[];

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
