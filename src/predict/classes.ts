/**
 * Kernel classes: what a kernel is, as far as its speed goes, and the features its time is a
 * linear function of. A class groups kernels onnxruntime implements the same way: its blocked
 * (NCHWc) direct convolutions, dense, depthwise or grouped; its plain convolutions (im2col + GEMM);
 * GEMMs and GEMVs; pooling; element-wise functions cheap and transcendental; normalisations;
 * reductions; layout reorders; data movement; views.
 *
 * Time = overhead + compute + memory, with
 *   compute = c·GFLOP + n·GFLOP/w   (GEMM-like classes: w is the GEMM's width, min(M, N, K): a
 *                                    narrow GEMM runs further below the peak; the engine's plain
 *                                    convolutions: n·groups/1000, one im2col and GEMM per group)
 *           + s·M strided copies   (plain convolutions at stride > 1: im2col copies those one
 *                                    element at a time)
 *           + a·Melements·cost(activation)   (a fused activation's pass over the output)
 *           = e·Melements          (element-wise classes: work per output element; a transpose:
 *                                    per M blocks it copies, its run of untouched trailing axes each)
 *   memory  = m·(activations / bandwidth(bytes) + weights / bandwidth(model's weights))
 *             (the bandwidth curve calibration measured by working set; weights are read again
 *             after the rest of the model's, so a large model reads them from memory)
 * so each class fits by non-negative least squares, and each term can be read off on its own.
 */
import { GEMM_SHAPED, type KernelWork, RECURRENT } from '../engine/work.ts';

export const KERNEL_CLASSES = [
  'conv',
  'conv-depthwise',
  'conv-grouped',
  'conv-plain',
  'conv-plain-depthwise',
  'gemm',
  'gemv',
  'pool',
  'pool-plain',
  'elementwise',
  'activation',
  'activation-exp',
  'normalization',
  'reduction',
  'reorder',
  'transpose',
  'data-movement',
  'view',
] as const;
export type KernelClass = (typeof KERNEL_CLASSES)[number];

/**
 * The model's parameters, in feature order: overhead (ms), compute (ms per GFLOP, or per M
 * elements), narrow (ms per GFLOP/w; for plain convolutions ms per M im2col row runs, i.e. ns
 * per run), strided (ms per M elements a plain convolution's im2col copies one at a time: ns per
 * element), activation (ms per M output elements of a fused activation,
 * weighted by its cost), memory (scale of bytes / bandwidth).
 */
export const PARAMS = ['overhead', 'compute', 'narrow', 'strided', 'activation', 'memory'] as const;
export type Param = (typeof PARAMS)[number];

/** Which parameters a class has (the others are 0). */
const GEMM_PARAMS = ['overhead', 'compute', 'narrow', 'activation', 'memory'] as const;
const HAS: Record<KernelClass, readonly Param[]> = {
  conv: GEMM_PARAMS,
  'conv-grouped': GEMM_PARAMS,
  'conv-plain': PARAMS,
  gemm: GEMM_PARAMS,
  'conv-depthwise': ['overhead', 'compute', 'activation', 'memory'],
  'conv-plain-depthwise': PARAMS,
  gemv: ['overhead', 'compute', 'memory'],
  pool: ['overhead', 'compute', 'memory'],
  'pool-plain': ['overhead', 'compute', 'memory'],
  elementwise: ['overhead', 'compute', 'memory'],
  activation: ['overhead', 'compute', 'memory'],
  'activation-exp': ['overhead', 'compute', 'memory'],
  normalization: ['overhead', 'compute', 'memory'],
  reduction: ['overhead', 'compute', 'memory'],
  reorder: ['overhead', 'memory'],
  // compute: per contiguous block it copies (a block of one element is a gather, of h·w a memcpy)
  transpose: ['overhead', 'compute', 'memory'],
  'data-movement': ['overhead', 'memory'],
  // a reshape aliases its input, or copies it when it cannot
  view: ['overhead', 'memory'],
};
export const paramsOf = (c: KernelClass): readonly Param[] => HAS[c];

/** Classes whose compute term counts FLOPs (the rest count output elements). */
const BY_FLOPS = new Set<KernelClass>([
  ...['conv', 'conv-depthwise', 'conv-grouped', 'conv-plain', 'conv-plain-depthwise', 'gemm', 'gemv', 'pool'],
  'pool-plain',
] as KernelClass[]);

/** What a class's compute term counts: GFLOP, or millions of output elements (a transpose's: of blocks it copies). */
export const computeUnit = (c: KernelClass): 'GFLOP' | 'M elements' | 'M blocks' =>
  BY_FLOPS.has(c) ? 'GFLOP' : c === 'transpose' ? 'M blocks' : 'M elements';

/** Activations of a few operations per element (clips, hard sigmoids, roots): as cheap as an add, about. */
const ACTIVATIONS = new Set(['HardSigmoid', 'HardSwish', 'Sqrt', 'Reciprocal', 'Softsign', 'Sin', 'Cos']);
/**
 * Activations built on an exponential, a logistic, tanh or erf: a polynomial per element, so they
 * run several times longer per element than the cheap ones (measured on onnxruntime 1.30: Erf and
 * Gelu 3x a HardSigmoid over the same 1.6M elements) and need a rate of their own.
 */
const TRANSCENDENTAL = new Set([
  ...['Sigmoid', 'Tanh', 'Erf', 'Exp', 'Log', 'Pow', 'Softplus', 'Elu', 'Selu', 'Celu', 'Mish'],
  ...['Gelu', 'BiasGelu', 'FastGelu', 'QuickGelu'],
]);
const NORMALIZATIONS = new Set([
  ...[
    'LayerNormalization',
    'SkipLayerNormalization',
    'SimplifiedLayerNormalization',
    'SkipSimplifiedLayerNormalization',
  ],
  ...['InstanceNormalization', 'GroupNormalization', 'LpNormalization', 'Softmax', 'LogSoftmax'],
]);
const REDUCTIONS = new Set([
  ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare'],
  ...['ReduceLogSum', 'ReduceLogSumExp', 'ArgMax', 'ArgMin', 'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'],
]);
const ELEMENTWISE = new Set([
  ...['Add', 'Sub', 'Mul', 'Div', 'Relu', 'Clip', 'LeakyRelu', 'PRelu', 'Max', 'Min', 'Neg', 'Abs', 'Where', 'Sum'],
  ...['Mean', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'Floor'],
  ...['Ceil', 'Round', 'Sign', 'Mod', 'BitShift', 'Cast', 'QuantizeLinear', 'DequantizeLinear', 'IsNaN', 'IsInf'],
  'ThresholdedRelu',
  // at inference a batch norm is a per-channel affine map, y = a·x + b, with no statistics to compute
  'BatchNormalization',
]);
const VIEWS = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity', 'Shape', 'Size', 'Dropout']);
const GEMMS = new Set([...GEMM_SHAPED, 'MatMulInteger', 'QLinearMatMul', 'Einsum']);
const GEMM_LIKE = new Set(['Attention', 'MultiHeadAttention', ...RECURRENT]);

/** A kernel's class, from its op and what it works on. */
export function classOf(op: string, w: KernelWork): KernelClass {
  if (w.conv) {
    const depthwise = w.conv.depthwise;
    if (w.blocked) return depthwise ? 'conv-depthwise' : w.conv.groups > 1 ? 'conv-grouped' : 'conv';
    return depthwise ? 'conv-plain-depthwise' : 'conv-plain';
  }
  if (op === 'Conv' || op === 'FusedConv') return 'conv-depthwise'; // a batch norm run as a blocked 1x1 depthwise conv
  if (GEMMS.has(op) || GEMM_LIKE.has(op)) return w.gemm && w.gemm.m * w.gemm.batch <= 1 ? 'gemv' : 'gemm';
  if (op === 'MaxPool' || op === 'AveragePool' || op === 'LpPool') return w.blocked ? 'pool' : 'pool-plain';
  if (op === 'Transpose' || op === 'DepthToSpace' || op === 'SpaceToDepth') return 'transpose';
  if (REDUCTIONS.has(op)) return 'reduction';
  if (NORMALIZATIONS.has(op)) return 'normalization';
  if (TRANSCENDENTAL.has(op)) return 'activation-exp';
  if (ACTIVATIONS.has(op)) return 'activation';
  if (ELEMENTWISE.has(op)) return 'elementwise';
  if (op === 'ReorderInput' || op === 'ReorderOutput') return 'reorder';
  if (VIEWS.has(op)) return 'view';
  return 'data-movement';
}

/** A GEMM's width: its narrowest dimension (undefined for kernels that are not GEMMs). */
export function gemmWidth(w: KernelWork): number | undefined {
  return w.gemm ? Math.max(1, Math.min(w.gemm.m, w.gemm.n, w.gemm.k)) : undefined;
}

/**
 * What a fused activation costs per output element, relative to a clip: ReLU is free inside the
 * kernel; a clip, hard sigmoid or leaky ReLU takes a pass; an exponential about four (measured on
 * onnxruntime 1.30's blocked convolutions).
 */
const ACTIVATION_COST: Record<string, number> = {
  Relu: 0,
  Clip: 1,
  HardSigmoid: 1,
  LeakyRelu: 1,
  HardSwish: 1.5,
  Sigmoid: 4,
  Tanh: 4,
  Elu: 4,
  Selu: 4,
  Softplus: 4,
};

/**
 * Classes whose `narrow` term counts im2col's row runs, not FLOPs over the GEMM's width: the
 * engine's plain convolutions copy each group's input into a column buffer one run of an output row
 * at a time, per window element and input channel (MLAS's MlasConvIm2Col), then multiply. Per MAC a
 * depthwise 7x7 on 15x15 maps took 0.56 ns here, on 88x88 maps 0.14 ns (2026-12-06): the runs,
 * not the groups (about 2 ns each, fitted), are what small maps pay for.
 */
const PER_RUN = new Set<KernelClass>(['conv-plain', 'conv-plain-depthwise']);
export const narrowCountsRuns = (c: KernelClass): boolean => PER_RUN.has(c);

/**
 * The row runs a plain convolution's im2col copies: groups · window · input channels per group ·
 * output rows; none for a 1x1 window at stride 1, which multiplies the input in place.
 */
export function im2colRuns(w: KernelWork): number {
  const c = w.conv;
  if (!c || (c.window === 1 && c.stride === 1)) return 0;
  return c.groups * c.window * c.inPerGroup * c.rows;
}

/**
 * The elements a plain convolution's im2col copies one at a time: at a stride above 1 MLAS copies
 * each run element by element (at stride 1, four at a time), so every element of the column buffer,
 * groups · window · input channels per group · output pixels. Here about 0.23 ns each beyond the
 * row runs: a 5x5 depthwise convolution of 222 channels at stride 2 on 96x96 (12.8M such copies)
 * took 5.9 ms, which the runs and FLOPs alone priced at 2.9 ms (2026-12-07).
 */
export function stridedCopies(w: KernelWork): number {
  const c = w.conv;
  if (!c || c.stride === 1) return 0;
  return (c.window * c.inPerGroup * w.elements) / c.outPerGroup;
}

/** `bandwidth(bytes)` in GB/s (from the profile). */
export type Bandwidth = (bytes: number) => number;

/**
 * The features of a kernel, in PARAMS order (0 for a parameter the class lacks): 1, GFLOP (or
 * M output elements), GFLOP / GEMM width, and ms to move its bytes at the calibrated bandwidth.
 */
export function featuresOf(c: KernelClass, w: KernelWork, bandwidth: Bandwidth): number[] {
  const has = HAS[c];
  const work = BY_FLOPS.has(c) ? w.flops / 1e9 : c === 'transpose' ? w.elements / (w.run ?? 1) / 1e6 : w.elements / 1e6;
  const width = gemmWidth(w) ?? 1;
  // weights come back after the rest of the model's: at the bandwidth of that whole working set
  const act = w.bytes - w.weightBytes;
  const memory =
    (act > 0 ? act / bandwidth(w.bytes) : 0) +
    (w.weightBytes > 0 ? w.weightBytes / bandwidth(Math.max(w.bytes, w.reuseBytes)) : 0);
  const activation = w.activation ? (ACTIVATION_COST[w.activation] ?? 1) * (w.elements / 1e6) : 0;
  // the engine's plain convolutions: millions of im2col row runs (see PER_RUN)
  const narrow = PER_RUN.has(c) ? im2colRuns(w) / 1e6 : work / width;
  // strided copies: only the plain classes have the parameter (HAS), so only theirs count
  const strided = stridedCopies(w) / 1e6;
  const all: Record<Param, number> = { overhead: 1, compute: work, narrow, strided, activation, memory: memory / 1e6 };
  return PARAMS.map((p) => (has.includes(p) ? all[p] : 0));
}
