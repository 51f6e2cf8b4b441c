/**
 * Calibration kernels drawn from the space of configurations each kernel class can take, not
 * copied from networks (nn-Meter's and LitePred's approach): convolutions dense, grouped and
 * depthwise with channels aligned to the block or not, windows 1-7, strides 1-2, dilations,
 * every fused activation, map sizes 4 to 224, batch 1 to 8; GEMMs from GEMV to square with and
 * without bias and activation; attention's batched products; pooling; element-wise functions,
 * normalisations, reductions and data movement over sizes across the caches. Sampled kernels are
 * packed into short chains (one model each, so the kernels run between other kernels, as in a
 * network), each drawn from a seed so the same calibration draws the same kernels.
 *
 * `near` draws a chain whose first kernel is a jittered copy of a given one: the adaptive round of
 * calibration samples more where the first round's fit is worst.
 */
import type { KernelWork } from '../engine/work.ts';
import { Draw as SeededDraw } from '../util/random.ts';
import { Builder, type T } from './sweep-builder.ts';

/** A convolution's configuration, as drawn (the chain's input carries batch, channels and size). */
export interface ConvDraw {
  kind: 'conv';
  batch: number;
  cin: number;
  cout: number;
  hw: number;
  k: number;
  stride: number;
  dilation: number;
  groups: number;
  act: string;
}
export interface GemmDraw {
  kind: 'gemm';
  batch: number;
  m: number;
  k: number;
  n: number;
  bias: boolean;
  act: string;
}
export type KernelDraw = ConvDraw | GemmDraw;

/** A chain as built, with the bytes of its own weights. */
interface Chain {
  model: SampledModel;
  weightBytes: number;
}

export interface SampledModel {
  name: string;
  bytes: Uint8Array;
  input: { name: string; shape: number[] };
}

class Draw extends SeededDraw {
  /** channels in [lo, hi]: half the time a multiple of 8 (16 a quarter of the time), else any */
  channels(lo: number, hi: number): number {
    const c = this.log(lo, hi);
    const step = this.chance(0.5) ? (this.chance(0.5) ? 16 : 8) : 1;
    return Math.max(step, Math.round(c / step) * step);
  }
  jitter = (v: number, min = 1): number => Math.max(min, Math.round(v * (0.8 + 0.45 * this.next())));
  /** a map size or token count in [lo, hi], log-uniform, off the sizes validation networks pass through */
  size(lo: number, hi: number): number {
    for (;;) {
      const v = this.log(lo, hi);
      if (offGrid(v) || hi - lo < 2) return v;
    }
  }
}

/**
 * Calibration keeps off the map sizes and token counts the fixed validation list passes through:
 * ImageNet's pyramid (224, 112, ..., 7: multiples of 7; ViT's 197 and 196 tokens), PaddleOCR's
 * (320, 160, ..., 5 and 48, 24, ...: multiples of 5 or of 3·2^k). Sizes 4 and below stay allowed.
 */
const offGrid = (v: number) => v <= 4 || (v % 7 !== 0 && v % 5 !== 0 && v % 3 !== 0 && v !== 197);

/** a stride-2 window's output size on a map of `hw` ('same' padding) */
const halved = (hw: number) => Math.ceil(hw / 2);

const CONV_ACTS = ['', 'Relu', 'Relu', 'Clip', 'HardSigmoid', 'Sigmoid', 'LeakyRelu', 'Tanh'];
/** no kernel above this many multiply-adds (the chain stays a few ms) */
const MAX_MADDS = 150e6;

function applyAct(b: Builder, y: T, act: string): T {
  if (act === '') return y;
  if (act === 'Clip') return b.op('Clip', [y.name, b.scalar(0), b.scalar(6)], y.shape);
  if (act === 'HardSwish') return b.unary('HardSwish', y);
  return b.unary(act, y);
}

function convMadds(c: ConvDraw): number {
  const out = Math.ceil(c.hw / c.stride);
  return c.batch * out * out * c.cout * (c.cin / c.groups) * c.k * c.k;
}

/** A convolution drawn from the class space: dense, grouped or depthwise. */
function drawConv(d: Draw, batch: number, cin: number, hw: number): ConvDraw {
  const shape = d.pick(['dense', 'dense', 'depthwise', 'depthwise', 'grouped'] as const);
  const k = shape === 'depthwise' ? d.pick([3, 3, 5, 7]) : d.pick([1, 1, 1, 3, 3, 5, 7]);
  const stride = hw >= 8 && offGrid(halved(hw)) && d.chance(0.25) ? 2 : 1;
  const dilation = shape !== 'grouped' && k > 1 && stride === 1 && d.chance(0.15) ? 2 : 1;
  let groups = 1;
  let cout = d.channels(8, 1024);
  if (shape === 'depthwise') [groups, cout] = [cin, cin];
  else if (shape === 'grouped') {
    const divisors = [2, 3, 4, 8, 16, 32, 64].filter((g) => cin % g === 0 && cin / g >= 1);
    // half the time a count whose channels per group fill whole NCHWc blocks (the blocked grouped kernel)
    const whole = divisors.filter((g) => (cin / g) % 16 === 0);
    groups = whole.length && d.chance(0.5) ? d.pick(whole) : divisors.length ? d.pick(divisors) : 1;
    const perGroup = Math.max(1, Math.round(d.channels(8, 1024) / groups));
    cout = groups * ((cin / groups) % 16 === 0 ? Math.max(16, Math.round(perGroup / 16) * 16) : perGroup);
  }
  const c: ConvDraw = { kind: 'conv', batch, cin, cout, hw, k, stride, dilation, groups, act: d.pick(CONV_ACTS) };
  // too much work: fewer output channels, then a smaller window
  while (convMadds(c) > MAX_MADDS && c.groups === 1 && c.cout > 8) c.cout = Math.max(8, Math.round(c.cout / 2));
  if (convMadds(c) > MAX_MADDS && shape !== 'depthwise') c.k = 1;
  return c;
}

function emitConv(b: Builder, x: T, c: ConvDraw): T {
  return applyAct(b, b.conv(x, c.cout, c.k, { stride: c.stride, groups: c.groups, dilation: c.dilation }), c.act);
}

const CNN_STEPS = [
  'none',
  'add',
  'mul-gate',
  'pool',
  'pool',
  'act',
  'split-concat',
  'shuffle',
  'resize',
  'gap',
] as const;
type CnnStep = (typeof CNN_STEPS)[number];

/** One step of a CNN chain after a convolution: a pool, an element-wise op or a data movement, or nothing. */
function cnnStep(b: Builder, d: Draw, x: T, before: T, steps: readonly CnnStep[] = CNN_STEPS): T {
  const [, c, h] = x.shape;
  const step = d.pick(steps);
  if (step === 'add' && before.shape.join() === x.shape.join()) return b.binary('Add', x, before);
  if (step === 'mul-gate') {
    const g = b.op('GlobalAveragePool', [x.name], [x.shape[0], c, 1, 1]);
    return b.binary('Mul', x, b.unary(d.pick(['Sigmoid', 'HardSigmoid']), g));
  }
  if (step === 'pool' && h >= 4) {
    // a 3x3 window (padded 1) halves the map rounding up, a 2x2 one (padded 1) gives h/2 + 1
    const k = d.pick([2, 3]);
    if (offGrid(k === 3 ? halved(h) : Math.floor(h / 2) + 1))
      return b.pool(x, d.pick(['MaxPool', 'AveragePool'] as const), k, 2);
  }
  if (step === 'act') return d.chance(0.5) ? b.binary('Mul', x, b.unary('Sigmoid', x)) : b.unary('HardSwish', x);
  if (step === 'split-concat' && c >= 4) {
    const half = Math.floor(c / 2);
    return b.concat([b.slice(x, 1, half, c), b.slice(x, 1, 0, half)], 1);
  }
  if (step === 'shuffle' && c % 2 === 0) {
    const [n, , hh, w] = x.shape;
    return b.reshape(b.transpose(b.reshape(x, [n, 2, c / 2, hh, w]), [0, 2, 1, 3, 4]), [n, c, hh, w]);
  }
  if (step === 'resize' && h <= 56) return b.resize(x, 2, d.pick(['nearest', 'linear'] as const));
  return x;
}

/**
 * In a network a kernel's weights come back after the rest of the model's have passed through the
 * caches: more of them the larger the network. A chain gets that too, most of the time: before it,
 * a product reads `bytes` of weights ([n,1] -> [n,1024] -> [n,M]: a GEMV that reads and hardly
 * writes), and its one number per item is added to the input, so it runs first, every run. The
 * kernels' reuse bytes (plan.ts) count it. `bytes` 0: no such product.
 */
function flushed(b: Builder, x: T, bytes: number): T {
  if (bytes <= 0) return x;
  const m = Math.max(1, Math.min(2 ** 20, Math.round(bytes / 4096)));
  const n = x.shape[0];
  const mean = b.reshape(
    b.reduceMean(
      x,
      x.shape.slice(1).map((_, i) => i + 1),
    ),
    [n, 1],
  );
  const back = b.reduceMean(b.linear(b.linear(mean, 1024, false, true), m, false, true), [1]);
  return b.binary('Add', x, b.reshape(back, [n, ...x.shape.slice(1).map(() => 1)]));
}

/** A chain of convolutions (and what stands between them in CNNs) from a drawn input. */
function cnnChain(name: string, d: Draw, flush: number, first?: ConvDraw): Chain {
  const batch = first?.batch ?? (d.chance(0.75) ? 1 : d.pick([2, 4, 8]));
  const cin = first?.cin ?? (d.chance(0.1) ? 3 : d.channels(8, 512));
  // at most about 2M input elements
  const hw = first?.hw ?? d.size(4, Math.min(cin <= 3 ? 224 : 112, Math.round(Math.sqrt(2e6 / batch / cin))));
  const b = new Builder(name, [batch, cin, hw, hw]);
  const c0 = first ?? drawConv(d, batch, cin, hw);
  let x = emitConv(b, flushed(b, b.input, flush), c0);
  for (let i = 0, n = 2 + Math.floor(d.unit() * 4); i < n && x.shape[2] >= 2; i++) {
    const before = x;
    x = emitConv(b, x, drawConv(d, batch, x.shape[1], x.shape[2]));
    x = cnnStep(b, d, x, before);
  }
  // one chain in ten as older exporters wrote files: weights a caller may override, plain convolutions
  // (drawn last, so the chain's other draws are the same either way)
  b.overridable = d.chance(0.1);
  return { model: b.build(x), weightBytes: b.initBytes };
}

function drawGemm(d: Draw): GemmDraw {
  const m = d.chance(0.3) ? 1 : d.size(2, 3136);
  const k = d.channels(16, 4096);
  let n = d.channels(16, 4096);
  while (m * k * n > MAX_MADDS && n > 16) n = Math.round(n / 2);
  return { kind: 'gemm', batch: 1, m, k, n, bias: d.chance(0.7), act: d.pick(['', '', 'Relu', 'Gelu', 'Sigmoid']) };
}

/** GEMMs over tokens: (k -> n), an activation, back (n -> k), sometimes a layer norm or a residual. */
function gemmChain(name: string, d: Draw, flush: number, first?: GemmDraw): Chain {
  const g = first ?? drawGemm(d);
  const b = new Builder(name, [1, g.m, g.k]);
  let h = b.linear(flushed(b, b.input, flush), g.n, g.bias);
  h = g.act === 'Gelu' ? b.gelu(h) : applyAct(b, h, g.act);
  let y = b.linear(h, g.k, d.chance(0.5));
  if (d.chance(0.5)) y = b.binary('Add', y, b.input);
  if (d.chance(0.5)) y = b.layerNorm(y);
  if (d.chance(0.3)) y = b.unary('Softmax', y, { axis: -1 });
  b.overridable = d.chance(0.1); // as in cnnChain
  return { model: b.build(y), weightBytes: b.initBytes };
}

/** Attention's batched products over drawn tokens, heads and head widths, with the transposes around them. */
function attentionChain(name: string, d: Draw): SampledModel {
  const [batch, t, heads, dh] = [
    d.chance(0.75) ? 1 : d.pick([2, 4]),
    d.log(16, 784),
    d.pick([1, 2, 3, 4, 6, 8, 12]),
    d.pick([16, 24, 32, 48, 64]),
  ];
  const c = heads * dh;
  const b = new Builder(name, [batch, t, c]);
  const qkv = b.linear(b.input, 3 * c);
  const head = (i: number, perm: number[]) =>
    b.transpose(b.reshape(b.slice(qkv, 2, i * c, (i + 1) * c), [batch, t, heads, dh]), perm);
  const [q, k, v] = [head(0, [0, 2, 1, 3]), head(1, [0, 2, 3, 1]), head(2, [0, 2, 1, 3])];
  const scores = b.binary('Mul', b.matmul(q, k), b.scalar(1 / Math.sqrt(dh)));
  const mix = b.matmul(b.unary('Softmax', scores, { axis: -1 }), v);
  const out = b.reshape(b.transpose(mix, [0, 2, 1, 3]), [batch, t, c]);
  return b.build(b.binary('Add', b.layerNorm(out), b.input));
}

/**
 * Pooling after convolutions, as networks' stems and stages pool: a convolution to a count of
 * channels that is not whole blocks of 16 (the pools after it run plain), one or two windows of 2
 * to 5 at stride 1 or 2, max or average; a 1x1 convolution to whole blocks (the pools after it run
 * blocked), one or two more; maps of 8 to 160. In CNN chains a pool is one step in five, on a map
 * that halves off the validation grid: a first calibration fitted the plain pool on 12 kernels
 * and predicted a network's stem MaxPool 2.6x too slow.
 */
function poolChain(name: string, d: Draw): SampledModel {
  const batch = d.chance(0.8) ? 1 : d.pick([2, 4]);
  const cin = d.chance(0.3) ? 3 : d.channels(8, 256);
  const hw = d.size(8, Math.min(160, Math.round(Math.sqrt(4e6 / batch / Math.max(cin, 16)))));
  const b = new Builder(name, [batch, cin, hw, hw]);
  const pools = (x: T): T => {
    for (let i = 0, n = 1 + Math.floor(d.unit() * 2); i < n && x.shape[2] >= 4; i++) {
      const op = d.chance(0.6) ? 'MaxPool' : 'AveragePool';
      // a window and stride whose output is off the validation grid (a few tries)
      for (let t = 0; t < 4; t++) {
        const [k, s] = [d.pick([2, 3, 3, 5]), d.chance(0.7) ? 2 : 1];
        if (!offGrid(Math.floor((x.shape[2] + 2 * Math.floor(k / 2) - k) / s) + 1)) continue;
        x = b.pool(x, op, k, s);
        break;
      }
    }
    return x;
  };
  let plain = d.channels(8, 128);
  if (plain % 16 === 0) plain += d.pick([-3, 3, 8]);
  const stride = hw >= 16 && offGrid(halved(hw)) && d.chance(0.5) ? 2 : 1;
  const first = { kind: 'conv', batch, cin, cout: plain, hw, k: d.pick([1, 3]), stride } as const;
  let x = pools(emitConv(b, b.input, { ...first, dilation: 1, groups: 1, act: 'Relu' }));
  const blocked = 16 * Math.max(1, Math.round(d.log(16, 128) / 16));
  x = b.conv(x, blocked, 1, { act: 'Relu' });
  return b.build(pools(x));
}

const UNARY = ['Relu', 'Sigmoid', 'Tanh', 'Erf', 'Exp', 'HardSwish', 'HardSigmoid', 'Abs', 'Neg', 'Sqrt'];
const BINARY = ['Add', 'Mul', 'Sub', 'Div', 'Max'];

/** Element-wise functions, reductions and data movement over a drawn tensor. */
function eltwiseChain(name: string, d: Draw): SampledModel {
  const [n, c, hw] = [d.chance(0.8) ? 1 : d.pick([2, 4, 8]), d.channels(8, 512), d.size(4, 160)];
  const b = new Builder(name, [n, c, hw, hw]);
  let x: T = b.unary('Abs', b.input);
  for (let i = 0, steps = 3 + Math.floor(d.unit() * 4); i < steps; i++) {
    // no transposes here: a pair onnxruntime's transpose optimiser cancels is no kernel to fit
    // (shuffles are in cnnChain)
    const what = d.pick(['unary', 'unary', 'binary', 'broadcast', 'reduce', 'softmax', 'concat']);
    if (what === 'unary') x = b.unary(d.pick(UNARY), x);
    else if (what === 'binary') x = b.binary(d.pick(BINARY), x, b.unary('Relu', x));
    else if (what === 'broadcast') x = b.binary(d.pick(BINARY), x, b.reduceMean(x, [d.pick([1, 2, 3])]));
    else if (what === 'reduce') x = b.binary('Sub', x, b.reduceMean(x, [1]));
    else if (what === 'softmax') x = b.unary('Softmax', x, { axis: -1 });
    else x = b.slice(b.concat([x, b.unary('Neg', x)], 1), 1, 0, x.shape[1]);
  }
  return b.build(x);
}

/** the steps of a chain of small kernels: none that changes the map's size */
const SMALL_STEPS: readonly CnnStep[] = ['none', 'add', 'mul-gate', 'act', 'split-concat', 'shuffle'];

/**
 * A long chain of small kernels, as small networks run them: convolutions dense (1x1 and 3x3) and
 * depthwise of 8 to 48 channels on maps of 6 to 20, each with what stands between convolutions in
 * CNNs (residual adds, gates, activations, splits and concats, channel shuffles); a few µs each.
 * What the profiler adds to such kernels is more than to a chain of one tiny kernel repeated, whose
 * code and data never leave the caches (profiler-cost.ts).
 */
export function smallKernelChain(seed: number, i: number): SampledModel {
  const d = new Draw((seed * 7919 + i * 104729 + 29) >>> 0);
  const c = d.channels(8, 48);
  const hw = d.size(6, 20);
  const b = new Builder(`profiler-context-${i}`, [1, c, hw, hw]);
  let x: T = b.input;
  for (let k = 0; k < 24; k++) {
    const [, cin, size] = x.shape;
    const depthwise = d.chance(0.4);
    const [cout, window] = depthwise ? [cin, 3] : [d.channels(8, 48), d.pick([1, 1, 3])];
    const groups = depthwise ? cin : 1;
    const act = d.pick(CONV_ACTS);
    const conv: ConvDraw = {
      kind: 'conv',
      batch: 1,
      cin,
      cout,
      hw: size,
      k: window,
      stride: 1,
      dilation: 1,
      groups,
      act,
    };
    x = cnnStep(b, d, emitConv(b, x, conv), x, SMALL_STEPS);
  }
  return b.build(x);
}

type Drawn = (d: Draw, flush: number) => Chain;

/**
 * A chain drawn from `seed`, built once to weigh its weights, then (60% of the time) again from the
 * same draws with a read of 1 to 12 times its weights before it (at most 16 MiB): the weights of
 * the rest of a network about that chain's size.
 */
function withContext(seed: number, draw: Drawn): SampledModel {
  const plain = draw(new Draw(seed), 0);
  const c = new Draw(seed ^ 0x5bd1e995);
  if (c.chance(0.4)) return plain.model;
  const bytes = Math.min(16 * 2 ** 20, Math.max(2 ** 16, plain.weightBytes * c.log(1, 12)));
  return draw(new Draw(seed), bytes).model;
}

/**
 * The `i`-th sampled model of a calibration from `seed`: mostly convolutions, then GEMMs, attention,
 * element-wise functions, pooling.
 */
export function sampledModel(seed: number, i: number): SampledModel {
  const s = (seed * 7919 + i * 104729) >>> 0;
  const name = `sample-${seed}-${i}`;
  const u = new Draw(s ^ 0x9e3779b9).unit();
  if (u < 0.6) return withContext(s, (d, f) => cnnChain(name, d, f));
  if (u < 0.78) return withContext(s, (d, f) => gemmChain(name, d, f));
  const d = new Draw(s);
  return u < 0.86 ? attentionChain(name, d) : u < 0.9 ? eltwiseChain(name, d) : poolChain(name, d);
}

/** A chain around a jittered copy of `k` (the adaptive round: more samples where the fit is worst). */
export function sampledNear(seed: number, i: number, k: KernelDraw): SampledModel {
  const s = (seed * 7919 + i * 104729 + 17) >>> 0;
  const name = `near-${seed}-${i}`;
  const j = new Draw(s ^ 0x85ebca6b);
  if (k.kind === 'gemm') {
    const g = { ...k, m: k.m === 1 ? 1 : j.jitter(k.m), k: j.jitter(k.k, 8), n: j.jitter(k.n, 8) };
    return withContext(s, (d, f) => gemmChain(name, d, f, g));
  }
  const depthwise = k.groups === k.cin && k.cin > 1;
  const cin = depthwise ? j.jitter(k.cin) : k.cin;
  const jittered: ConvDraw = { ...k, cin, hw: j.jitter(k.hw, 2) };
  if (depthwise) [jittered.groups, jittered.cout] = [cin, cin];
  else if (k.groups === 1) jittered.cout = j.jitter(k.cout);
  return withContext(s, (d, f) => cnnChain(name, d, f, jittered));
}

/** The configuration a planned convolution or GEMM was drawn from, read back from its work. */
export function drawOf(w: KernelWork): KernelDraw | undefined {
  const act = w.activation ?? '';
  if (w.conv) {
    const c = w.conv;
    const cout = c.outPerGroup * c.groups;
    const k = Math.round(Math.sqrt(c.window));
    if (k * k !== c.window) return undefined;
    const spatial = w.elements / cout;
    const out = Math.round(Math.sqrt(spatial));
    const batch = Math.max(1, Math.round(spatial / (out * out)));
    const draw = { batch, cin: c.inPerGroup * c.groups, cout, hw: out * c.stride, k, stride: c.stride };
    return { kind: 'conv', ...draw, dilation: 1, groups: c.groups, act };
  }
  // a GEMM of the space drawGemm samples (not a context read of a million columns)
  const g = w.gemm;
  if (g && g.batch === 1 && Math.max(g.m, g.n, g.k) <= 4096) return { kind: 'gemm', ...g, bias: true, act };
  return undefined;
}
