/**
 * Networks drawn at run time from a seeded NAS-style space, for validating the latency model on
 * networks nobody tuned it on: MBConv stages (expansion 1/3/6, kernels 3/5/7, squeeze-excitation,
 * ReLU, ReLU6, hard swish or SiLU), ShuffleNet V2 units, ResNet basic blocks, grouped bottlenecks
 * (2 to 32 groups), hybrids with transformer blocks (attention, layer norm, GELU MLP) on the last
 * stages, and segmentation nets with dilated depthwise stages and an upsampling head. Widths are
 * free (a multiple of 8 or not), inputs 128 to 256 pixels, any batch. The same seed gives the same
 * networks on every machine; calibration (sweep.ts, kernel-sampler.ts) never draws from here.
 */
import { mulberry32, Draw as SeededDraw } from '../util/random.ts';
import { Builder, type SweepModel, type T } from './sweep-builder.ts';

export const FAMILIES = ['mbconv', 'shufflenet', 'resnet', 'resnext', 'hybrid', 'segmentation'] as const;
export type Family = (typeof FAMILIES)[number];

export interface RandomNet extends SweepModel {
  family: Family;
}

type Act = 'Relu' | 'Relu6' | 'HardSwish' | 'SiLU';

/** A seeded draw: numbers, integers, choices. */
class Draw extends SeededDraw {
  /** a width near `c`: half the time a multiple of 8, else any multiple of `of` within ±25% */
  width(c: number, of = 1): number {
    const w = c * (0.75 + 0.5 * this.next());
    const step = this.chance(0.5) ? Math.max(8, of) : of;
    return Math.max(step, Math.round(w / step) * step);
  }
}

function activate(b: Builder, x: T, act: Act): T {
  if (act === 'SiLU') return b.binary('Mul', x, b.unary('Sigmoid', x));
  if (act === 'Relu6') return b.op('Clip', [x.name, b.scalar(0), b.scalar(6)], x.shape);
  return b.unary(act, x);
}

const conv = (b: Builder, x: T, out: number, k: number, act?: Act, o: { stride?: number; groups?: number } = {}) => {
  const y = b.conv(x, out, k, o);
  return act ? activate(b, y, act) : y;
};

function squeezeExcite(b: Builder, x: T, squeeze: number, gate: 'Sigmoid' | 'HardSigmoid'): T {
  const [n, c] = x.shape;
  const s = b.op('GlobalAveragePool', [x.name], [n, c, 1, 1]);
  const e = b.conv(conv(b, s, squeeze, 1, 'Relu'), c, 1);
  return b.binary('Mul', x, b.unary(gate, e));
}

function mbconv(b: Builder, d: Draw, x: T, out: number, stride: number, act: Act, dilation = 1): T {
  const c = x.shape[1];
  const expand = d.pick([1, 3, 6]);
  const k = d.pick([3, 5, 7]);
  let h = expand > 1 ? conv(b, x, Math.round(c * expand), 1, act) : x;
  const mid = h.shape[1];
  h = b.conv(h, mid, k, { stride, groups: mid, dilation });
  h = activate(b, h, act);
  if (d.chance(0.5)) h = squeezeExcite(b, h, Math.max(8, Math.round(c / 4)), d.pick(['Sigmoid', 'HardSigmoid']));
  h = b.conv(h, out, 1);
  return stride === 1 && c === out ? b.binary('Add', h, x) : h;
}

function channelShuffle(b: Builder, x: T): T {
  const [n, c, h, w] = x.shape;
  const t = b.transpose(b.reshape(x, [n, 2, c / 2, h, w]), [0, 2, 1, 3, 4]);
  return b.reshape(t, [n, c, h, w]);
}

/** ShuffleNet V2's unit: split, one branch 1x1-depthwise-1x1, concat, shuffle (stride 2: both branches work). */
function shuffleUnit(b: Builder, x: T, out: number, stride: number): T {
  const c = x.shape[1];
  if (stride === 1) {
    const right = b.slice(x, 1, c / 2, c);
    const r = conv(b, b.depthwise(conv(b, right, c / 2, 1, 'Relu'), 3), c / 2, 1, 'Relu');
    return channelShuffle(b, b.concat([b.slice(x, 1, 0, c / 2), r], 1));
  }
  const left = conv(b, b.depthwise(x, 3, 2), out / 2, 1, 'Relu');
  const r = conv(b, b.depthwise(conv(b, x, out / 2, 1, 'Relu'), 3, 2), out / 2, 1, 'Relu');
  return channelShuffle(b, b.concat([left, r], 1));
}

function basicBlock(b: Builder, x: T, out: number, stride: number): T {
  const h = b.conv(conv(b, x, out, 3, 'Relu', { stride }), out, 3);
  const short = stride === 1 && x.shape[1] === out ? x : b.conv(x, out, 1, { stride });
  return b.unary('Relu', b.binary('Add', h, short));
}

function groupedBottleneck(b: Builder, x: T, out: number, stride: number, groups: number, perGroup: number): T {
  const mid = groups * perGroup;
  const h = conv(b, conv(b, x, mid, 1, 'Relu'), mid, 3, 'Relu', { stride, groups });
  const short = stride === 1 && x.shape[1] === out ? x : b.conv(x, out, 1, { stride });
  return b.unary('Relu', b.binary('Add', b.conv(h, out, 1), short));
}

/** Multi-head self-attention over [n, t, c] tokens, as torch exports nn.MultiheadAttention's math. */
function attention(b: Builder, x: T, heads: number): T {
  const [n, t, c] = x.shape;
  const dh = c / heads;
  const qkv = b.linear(x, 3 * c);
  const head = (i: number, perm: number[]) =>
    b.transpose(b.reshape(b.slice(qkv, 2, i * c, (i + 1) * c), [n, t, heads, dh]), perm);
  const [q, k, v] = [head(0, [0, 2, 1, 3]), head(1, [0, 2, 3, 1]), head(2, [0, 2, 1, 3])];
  const scores = b.binary('Mul', b.matmul(q, k), b.scalar(1 / Math.sqrt(dh)));
  const mix = b.matmul(b.unary('Softmax', scores, { axis: -1 }), v);
  return b.linear(b.reshape(b.transpose(mix, [0, 2, 1, 3]), [n, t, c]), c);
}

/** A pre-norm transformer block on a [n, c, h, w] map, as tokens; `c` a multiple of `heads`. */
function transformerBlock(b: Builder, x: T, heads: number, mlp: number): T {
  const [n, c, h, w] = x.shape;
  const tokens = b.transpose(b.reshape(x, [n, c, h * w]), [0, 2, 1]);
  const a = b.binary('Add', tokens, attention(b, b.layerNorm(tokens), heads));
  const m = b.linear(b.gelu(b.linear(b.layerNorm(a), Math.round(c * mlp))), c);
  const y = b.binary('Add', a, m);
  return b.reshape(b.transpose(y, [0, 2, 1]), [n, c, h, w]);
}

function classifier(b: Builder, d: Draw, x: T): T {
  const [n, c] = x.shape;
  const pooled = b.op('GlobalAveragePool', [x.name], [n, c, 1, 1]);
  const flat = b.op('Flatten', [pooled.name], [n, c], { axis: 1 });
  return b.linear(flat, d.pick([100, 1000, d.int(10, 1000)]));
}

/** Stage widths: from a stem of 8-48 channels, growing 1.4-2.2x per stage. */
function widths(d: Draw, stages: number, of: number): number[] {
  const ws = [d.width(d.int(16, 48), of)];
  for (let i = 1; i < stages; i++) ws.push(d.width(ws[i - 1] * (1.4 + 0.8 * d.unit()), of));
  return ws;
}

const ACTS: readonly Act[] = ['Relu', 'Relu6', 'HardSwish', 'SiLU'];

function body(b: Builder, d: Draw, family: Family, stem: T): T {
  let x = stem;
  if (family === 'mbconv' || family === 'hybrid') {
    const ws = widths(d, 5, 1);
    const tail = family === 'hybrid' ? d.int(1, 2) : 0;
    for (const [i, w] of ws.entries()) {
      const act = d.pick(ACTS);
      const depth = d.int(1, 3);
      if (i >= ws.length - tail) {
        const heads = d.pick([2, 4, 8]);
        x = conv(b, x, Math.max(heads * 8, Math.round(w / heads) * heads), 1, act, { stride: 2 });
        for (let k = 0; k < depth; k++) x = transformerBlock(b, x, heads, d.pick([2, 3, 4]));
      } else for (let k = 0; k < depth; k++) x = mbconv(b, d, x, w, k === 0 && i > 0 ? 2 : 1, act);
    }
  } else if (family === 'shufflenet') {
    for (const w of widths(d, 3, 2).map((v) => Math.max(2 * x.shape[1], v + (v % 2))))
      for (let k = 0, depth = d.int(2, 5); k < depth; k++) x = shuffleUnit(b, x, w, k === 0 ? 2 : 1);
  } else if (family === 'resnet') {
    for (const [i, w] of widths(d, 4, 1).entries())
      for (let k = 0, depth = d.int(1, 3); k < depth; k++) x = basicBlock(b, x, w, k === 0 && i > 0 ? 2 : 1);
  } else if (family === 'resnext') {
    const groups = d.pick([2, 4, 8, 16, 32]);
    for (const [i, w] of widths(d, 4, 1).entries()) {
      const perGroup = Math.max(1, Math.round((w / 2 / groups) * (0.5 + d.unit())));
      for (let k = 0, depth = d.int(1, 3); k < depth; k++)
        x = groupedBottleneck(b, x, w, k === 0 && i > 0 ? 2 : 1, groups, perGroup);
    }
  }
  return x;
}

/** An encoder at strides 4-8-16 (the last dilated, at stride 8), and a head upsampling to the input. */
function segmentation(b: Builder, d: Draw, stem: T): T {
  const act = d.pick(ACTS);
  let x = stem;
  const ws = widths(d, 4, 1);
  let skip: T = x;
  for (const [i, w] of ws.entries()) {
    const dilation = i === ws.length - 1 ? 2 : 1;
    for (let k = 0, depth = d.int(1, 3); k < depth; k++)
      x = mbconv(b, d, x, w, k === 0 && i > 0 && dilation === 1 ? 2 : 1, act, dilation);
    if (i === 1) skip = x;
  }
  const up = b.resize(conv(b, x, skip.shape[1], 1, act), 2, d.pick(['nearest', 'linear']));
  const fused = conv(b, b.binary('Add', up, skip), d.width(64), 3, act);
  return b.resize(b.conv(fused, d.int(2, 32), 1), 8, 'linear');
}

/** One network of the space. */
export function randomNetwork(seed: number, o: { batch?: number; family?: Family } = {}): RandomNet {
  const d = new Draw(seed);
  const family = o.family ?? d.pick(FAMILIES);
  const size = family === 'segmentation' ? 32 * d.int(4, 8) : 8 * d.int(16, 32);
  const b = new Builder(`rand-${seed}-${family}-${size}`, [o.batch ?? 1, 3, size, size]);
  const stem = conv(b, b.input, d.width(24), 3, d.pick(ACTS), { stride: 2 });
  let out: T;
  if (family === 'segmentation') out = segmentation(b, d, stem);
  else {
    const pooled = family === 'mbconv' || family === 'hybrid' ? stem : b.pool(stem, 'MaxPool', 3, 2);
    out = classifier(b, d, body(b, d, family, pooled));
  }
  return { ...b.build(out), family };
}

/** `count` networks of the space from one seed (each family in turn, so every family is drawn). */
export function randomNetworks(seed: number, count: number, o: { batch?: number } = {}): RandomNet[] {
  const seeds = mulberry32(seed);
  return Array.from({ length: count }, (_, i) =>
    randomNetwork(Math.floor(seeds() * 2 ** 31), { ...o, family: FAMILIES[i % FAMILIES.length] }),
  );
}
