/**
 * The models `netcost calibrate` times, chosen so that every parameter of every kernel class is
 * determined by the data (see classes.ts):
 * - copies (ReLU chains) from 16 KiB to 64 MiB of traffic: the bandwidth curve by working set;
 * - 64 ReLUs on a 1 KiB tensor: the profiler's own cost per kernel;
 * - CNN cells over the channels and map sizes real CNNs pass through (16 at 112x112 to 512 at 7x7):
 *   dense 3x3 and 1x1, depthwise, grouped 1x1 and 3x3 (2 to 64 channels per group), pooling, a
 *   residual add, a sigmoid gate, concat, and channel counts that are not multiples of 4 (the
 *   engine's plain kernels);
 * - windows 5 and 7, strides 2, and network stems over a 3-channel image;
 * - GEMMs from GEMV (M = 1) to square over (K, N) pairs, with and without bias; attention's batched
 *   MatMuls and Softmax over heads and tokens; layer norm, GELU, Transpose and residual adds over
 *   transformer widths;
 * - element-wise functions, reductions, resizes and slices over sizes across the caches.
 * No built-in model, guideline network, PaddleOCR or torchvision model is among them: those
 * validate the fit.
 */
import { Builder, type SweepModel, type T } from './sweep-builder.ts';

export type Purpose = 'bandwidth' | 'profiler' | 'sweep';
export interface Calibration extends SweepModel {
  purpose: Purpose;
}

const tag = (m: SweepModel, purpose: Purpose = 'sweep'): Calibration => ({ ...m, purpose });

/** Four ReLUs over [1, c, hw, hw]: each moves 2·4·c·hw² bytes. */
function copies(c: number, hw: number): Calibration {
  const b = new Builder(`copy-${c}x${hw}x${hw}`, [1, c, hw, hw]);
  let x: T = b.input;
  for (let i = 0; i < 4; i++) x = b.unary('Relu', x);
  return tag(b.build(x), 'bandwidth');
}

function profilerCost(): Calibration {
  const b = new Builder('profiler-cost', [1, 16, 4, 4]);
  let x: T = b.input;
  for (let i = 0; i < 64; i++) x = b.unary('Relu', x);
  return tag(b.build(x), 'profiler');
}

/** A CNN cell at c channels and hw x hw: the kernels of a stage of ResNet, MobileNet or ShuffleNet. */
function cell(c: number, hw: number, g: number): Calibration {
  const b = new Builder(`cell-c${c}-${hw}-g${g}`, [1, c, hw, hw]);
  const x = b.conv(b.input, c, 3, { act: 'Relu' });
  const p = b.conv(x, c, 1, { act: 'Relu' });
  const d = b.depthwise(p, 3);
  const q = b.conv(d, c, 1, { groups: g, act: 'Relu' });
  const r = b.binary('Add', q, x);
  const s = b.binary('Mul', r, b.unary('Sigmoid', r));
  const gate = b.unary('Sigmoid', b.conv(b.op('GlobalAveragePool', [s.name], [1, c, 1, 1]), c, 1));
  const t = b.binary('Mul', s, gate);
  const half = b.slice(t, 1, 0, c / 2);
  const cat = b.concat([half, b.conv(b.slice(t, 1, c / 2, c), c / 2, 3)], 1);
  const m = b.pool(cat, 'MaxPool', 3, 2);
  const a = b.pool(cat, 'AveragePool', 3, 2);
  return tag(b.build(b.binary('Add', m, a)));
}

/** Grouped convolutions of w channels per group, 1x1 and 3x3. */
function grouped(c: number, hw: number, w: number): Calibration {
  const b = new Builder(`grouped-c${c}-${hw}-w${w}`, [1, c, hw, hw]);
  const x = b.conv(b.input, c, 1, { groups: c / w, act: 'Relu' });
  return tag(b.build(b.conv(x, c, 3, { groups: c / w, act: 'Relu' })));
}

/** Windows of k at stride s: dense and depthwise. */
function windows(c: number, hw: number, k: number, s: number): Calibration {
  const b = new Builder(`window-c${c}-${hw}-k${k}-s${s}`, [1, c, hw, hw]);
  const x = b.depthwise(b.input, k, s, 'Relu');
  return tag(b.build(b.conv(x, c, k, { act: 'Relu' })));
}

/** A stem: a strided convolution over an image, a max pool. */
function stem(c: number, hw: number, k: number): Calibration {
  const b = new Builder(`stem-c${c}-${hw}-k${k}`, [1, 3, hw, hw]);
  return tag(b.build(b.pool(b.conv(b.input, c, k, { stride: 2, act: 'Relu' }), 'MaxPool', 3, 2)));
}

/** Activations a convolution takes: ReLU6 (Clip), hard sigmoid, sigmoid, leaky ReLU, dense and depthwise. */
function activations(c: number, hw: number): Calibration {
  const b = new Builder(`activations-c${c}-${hw}`, [1, c, hw, hw]);
  let x: T = b.input;
  for (const act of ['Clip', 'HardSigmoid', 'Sigmoid', 'LeakyRelu'])
    x = b.depthwise(b.conv(x, c, 1, { act }), 3, 1, act);
  return tag(b.build(x));
}

/**
 * ShuffleNet V1's unit at c channels (not a multiple of the block: the engine's plain grouped and
 * depthwise kernels): grouped 1x1, channel shuffle, depthwise 3x3, grouped 1x1, residual add.
 */
function shuffleUnit(c: number, hw: number, g: number): Calibration {
  const b = new Builder(`shuffle-unit-c${c}-${hw}-g${g}`, [1, c, hw, hw]);
  const x = b.conv(b.input, c, 1, { groups: g, act: 'Relu' });
  const shuffled = b.reshape(b.transpose(b.reshape(x, [1, g, c / g, hw, hw]), [0, 2, 1, 3, 4]), [1, c, hw, hw]);
  const d = b.depthwise(shuffled, 3);
  return tag(b.build(b.unary('Relu', b.binary('Add', b.conv(d, c, 1, { groups: g }), b.input))));
}

/** Weights larger than the caches: GEMVs over 144 and 16 MiB, 3x3 convolutions over 36 MiB. */
function largeWeights(): Calibration[] {
  const v = new Builder('weights-gemv-9216', [1, 9216]);
  const c = new Builder('weights-conv-512', [1, 512, 7, 7]);
  let x: T = c.input;
  for (let i = 0; i < 4; i++) x = c.conv(x, 512, 3, { act: 'Relu' });
  return [tag(v.build(v.linear(v.linear(v.input, 4096), 1000))), tag(c.build(x))];
}

/** GEMMs over m tokens: (k -> n) with a bias, back (n -> k) without, and a GELU between. */
function gemms(m: number, k: number, n: number): Calibration {
  const b = new Builder(`gemm-m${m}-k${k}-n${n}`, [1, m, k]);
  const h = b.gelu(b.linear(b.input, n));
  const y = b.linear(h, k, false);
  return tag(b.build(b.binary('Add', b.layerNorm(y), b.input)));
}

/** Attention over t tokens, h heads of d: scores, Softmax, mix, with the transposes around them. */
function attention(t: number, h: number, d: number): Calibration {
  const b = new Builder(`attention-t${t}-h${h}-d${d}`, [1, t, h * d]);
  const qkv = b.linear(b.input, 3 * h * d);
  // heads [h, t, d] (keys as [h, d, t]), as torch's multi-head attention exports them
  const head = (i: number, perm: number[]) =>
    b.transpose(b.reshape(b.slice(qkv, 2, i * h * d, (i + 1) * h * d), [t, h, d]), perm);
  const [q, k, v] = [head(0, [1, 0, 2]), head(1, [1, 2, 0]), head(2, [1, 0, 2])];
  const scores = b.binary('Mul', b.matmul(q, k), b.scalar(1 / Math.sqrt(d)));
  const mix = b.matmul(b.unary('Softmax', scores, { axis: -1 }), v);
  const out = b.reshape(b.transpose(mix, [1, 0, 2]), [1, t, h * d]);
  return tag(b.build(b.binary('Add', b.linear(out, h * d), b.input)));
}

/** Element-wise functions, a reduction and data movement over [1, c, hw, hw]. */
function elementwise(c: number, hw: number): Calibration {
  const b = new Builder(`eltwise-c${c}-${hw}`, [1, c, hw, hw]);
  const x = b.input;
  const y = b.binary('Add', b.unary('Tanh', x), b.unary('Erf', x));
  const z = b.binary('Div', b.unary('Exp', y), b.binary('Max', y, x));
  const t = b.transpose(b.binary('Sub', z, b.reduceMean(z, [1])), [0, 2, 3, 1]);
  return tag(b.build(t, b.slice(b.resize(z, 2), 2, 0, hw)));
}

/** (channels, map size, groups) of the cells: the shapes real CNNs pass through, stage by stage */
const CELLS: [number, number, number][] = [
  [16, 112, 2],
  [32, 112, 4],
  [24, 56, 8],
  [64, 56, 4],
  [96, 28, 2],
  [128, 28, 4],
  [192, 14, 8],
  [256, 14, 2],
  [256, 7, 4],
  [512, 7, 8],
  // not multiples of 4: the engine's plain (unblocked) kernels
  [30, 56, 2],
  [66, 28, 2],
  [138, 14, 2],
  [270, 7, 2],
];
const GROUPED: [number, number, number][] = [
  [64, 56, 2],
  [128, 28, 4],
  [256, 14, 8],
  [256, 14, 16],
  [512, 7, 32],
  [512, 7, 64],
];
const WINDOWS: [number, number, number, number][] = [
  [32, 56, 5, 1],
  [96, 28, 5, 2],
  [64, 28, 7, 1],
  [160, 14, 7, 2],
  [48, 56, 3, 2],
];
const GEMMS: [number, number, number][] = [
  [1, 512, 1000],
  [1, 2048, 1000],
  [1, 1280, 256],
  [1, 4096, 1000],
  [1, 768, 3072],
  [1, 9216, 512],
  [49, 768, 768],
  [197, 384, 1536],
  [196, 192, 768],
  [784, 96, 384],
  [3136, 64, 128],
  [16, 1024, 1024],
];
const ATTENTION: [number, number, number][] = [
  [49, 3, 32],
  [197, 6, 64],
  [784, 2, 48],
  [64, 12, 64],
];
/** ReLU chains (channels, map size): 16 KiB to 64 MiB of traffic per kernel */
const COPIES: [number, number][] = [
  [16, 16],
  [32, 32],
  [64, 32],
  [64, 64],
  [128, 64],
  [128, 128],
  [256, 128],
  [256, 181],
];
const ELEMENTWISE: [number, number][] = [
  [16, 32],
  [64, 56],
  [96, 112],
];

/**
 * The speed probe: two 3x3 convolutions of 64 channels at 28x28 (about 1.5 ms). Timed at the start
 * and end of calibration, and again beside a later measurement: how much faster or slower the
 * machine runs than when it was calibrated.
 */
export function speedProbe(): SweepModel {
  const b = new Builder('speed-probe', [1, 64, 28, 28]);
  return b.build(b.conv(b.conv(b.input, 64, 3, { act: 'Relu' }), 64, 3, { act: 'Relu' }));
}

const ACTIVATIONS: [number, number][] = [
  [32, 112],
  [96, 56],
  [192, 14],
];
/** channels per unit not a multiple of 4 or of the block per group, as ShuffleNet V1's */
const SHUFFLE_UNITS: [number, number, number][] = [
  [60, 28, 3],
  [120, 14, 3],
  [240, 7, 3],
  [48, 56, 8],
  [192, 14, 8],
  [30, 56, 3],
  [15, 28, 3],
];

/** The memory probe: four ReLUs over 4 MiB tensors (DRAM-bound traffic), beside the compute-bound speed probe. */
export function memoryProbe(): SweepModel {
  const b = new Builder('memory-probe', [1, 64, 128, 128]);
  let x: T = b.input;
  for (let i = 0; i < 4; i++) x = b.unary('Relu', x);
  return b.build(x);
}

const every = <X>(xs: X[], quick: boolean, keep: number[]) => (quick ? keep.map((i) => xs[i]) : xs);

export function calibrationModels(quick = false): Calibration[] {
  return [
    profilerCost(),
    ...every(COPIES, quick, [0, 2, 4, 6, 7]).map(([c, hw]) => copies(c, hw)),
    ...every(CELLS, quick, [0, 3, 5, 7, 9, 11]).map(([c, hw, g]) => cell(c, hw, g)),
    ...every(GROUPED, quick, [1, 4]).map(([c, hw, w]) => grouped(c, hw, w)),
    ...every(WINDOWS, quick, [0, 2]).map(([c, hw, k, s]) => windows(c, hw, k, s)),
    ...(quick ? [stem(24, 224, 3)] : [stem(24, 224, 3), stem(32, 160, 3), stem(64, 224, 7)]),
    ...every(GEMMS, quick, [0, 4, 6, 8, 10]).map(([m, k, n]) => gemms(m, k, n)),
    ...every(ATTENTION, quick, [1, 2]).map(([t, h, d]) => attention(t, h, d)),
    ...every(ELEMENTWISE, quick, [1]).map(([c, hw]) => elementwise(c, hw)),
    ...every(ACTIVATIONS, quick, [1]).map(([c, hw]) => activations(c, hw)),
    ...every(SHUFFLE_UNITS, quick, [0, 3, 5]).map(([c, hw, g]) => shuffleUnit(c, hw, g)),
    ...(quick ? [] : largeWeights()),
  ];
}
