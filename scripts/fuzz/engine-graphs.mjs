// Seeded random valid ONNX graphs that sit on and just off the preconditions of onnxruntime's
// graph optimisations, for the engine's differential fuzzer (scripts/engine-fuzz.mjs): convolutions
// with every activation, batch norms, constant adds and muls of every broadcast shape and position,
// residual adds (also of a tensor with itself), explicit pads, identities, dropouts, casts and
// expands; MatMuls with biases, transposes and scalar scales; GELU and layer norm written out with
// exact and approximate constants; intermediate tensors that are also graph outputs or read twice.
// One seed in five writes every float tensor in fp16 (the casts onnxruntime's CPU inserts around
// the ops it has no fp16 kernel for).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const FLOAT = 1;
const FLOAT16 = 10;

/** IEEE half bits of a float (round to nearest; no subnormals: random weights in [-0.5, 0.5) and constants) */
function toHalf(v) {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  const mant = u & 0x7fffff;
  const half = sign | (exp << 10) | (mant >>> 13);
  return mant & 0x1000 ? half + 1 : half;
}

export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    unit: next,
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

const attr = (name, v) => {
  if (typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0)) return { name, type: A.INT, i: v };
  if (typeof v === 'number') return { name, type: A.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return { name, type: A.FLOAT, f: v.f };
};

export class Graph {
  constructor(r, opset) {
    this.r = r;
    this.opset = opset;
    /** the element type of every float tensor */
    this.float = FLOAT;
    this.nodes = [];
    this.inits = [];
    this.outputs = [];
    /** tensors a block made that are graph outputs too */
    this.extraOutputs = [];
    this.n = 0;
  }
  fresh(p) {
    return `${p}_${this.n++}`;
  }
  /** a float initializer of `dims` (random values, or `values`) */
  init(dims, values) {
    const name = this.fresh('w');
    const size = dims.reduce((a, b) => a * b, 1);
    const floatData = values ?? Array.from({ length: size }, () => this.r.unit() - 0.5);
    if (this.float === FLOAT16) {
      const rawData = new Uint8Array(Uint16Array.from(floatData, toHalf).buffer);
      this.inits.push({ name, dims, dataType: FLOAT16, rawData });
    } else this.inits.push({ name, dims, dataType: FLOAT, floatData });
    return name;
  }
  ints(values) {
    const name = this.fresh('i');
    this.inits.push({ name, dims: [values.length], dataType: 7, int64Data: values });
    return name;
  }
  node(op, inputs, attrs = {}, outputs = 1, domain = '') {
    const outs = Array.from({ length: outputs }, () => this.fresh(op.toLowerCase()));
    const attribute = Object.entries(attrs).map(([k, v]) => attr(k, v));
    this.nodes.push({ opType: op, domain, input: inputs, output: outs, name: this.fresh(`n${op}`), attribute });
    return outputs === 1 ? outs[0] : outs;
  }
  build(input, shape, outs) {
    const vi = (name, dims) => ({
      name,
      type: {
        tensorType: { elemType: this.float, shape: dims ? { dim: dims.map((d) => ({ dimValue: d })) } : undefined },
      },
    });
    const graph = {
      name: 'fuzz',
      node: this.nodes,
      initializer: this.inits,
      input: [vi(input, shape)],
      output: [...new Set([...outs, ...this.extraOutputs])].map((o) => vi(o)),
    };
    return onnx.ModelProto.encode({
      irVersion: this.opset >= 21 ? 10 : 8,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: 'netcost-engine-fuzz',
      graph,
    }).finish();
  }
}

const ACTIVATIONS = [
  'Relu',
  'Clip6',
  'Clip01',
  'LeakyRelu',
  'HardSigmoid',
  'Sigmoid',
  'Tanh',
  'HardSwish',
  'SiLU',
  'Elu',
];

function activation(g, x, kind) {
  switch (kind) {
    case 'Clip6':
      return g.opset >= 11
        ? g.node('Clip', [x, g.init([], [0]), g.init([], [6])])
        : g.node('Clip', [x], { min: { f: 0 }, max: { f: 6 } });
    case 'Clip01':
      return g.opset >= 11
        ? g.node('Clip', [x, g.init([], [-1]), g.init([], [1])])
        : g.node('Clip', [x], { min: { f: -1 }, max: { f: 1 } });
    case 'LeakyRelu':
      return g.node('LeakyRelu', [x], { alpha: { f: 0.1 } });
    case 'HardSigmoid':
      return g.node('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } });
    case 'HardSwish':
      return g.opset >= 14
        ? g.node('HardSwish', [x])
        : g.node('Mul', [x, g.node('HardSigmoid', [x], { alpha: { f: 1 / 6 }, beta: { f: 0.5 } })]);
    case 'SiLU':
      return g.node('Mul', [x, g.node('Sigmoid', [x])]);
    default:
      return g.node(kind, [x]);
  }
}

/** A tensor of shape [1, C, H, W] through one convolution block; returns the new tensor and channels. */
function convBlock(g, x, c, hw) {
  const { r } = g;
  const depthwise = r.chance(0.3);
  const k = r.pick([1, 3, 3]);
  const cout = depthwise ? c : r.pick([c, 8, 16, 24, 32]);
  let input = x;
  let pads = [k >> 1, k >> 1, k >> 1, k >> 1];
  if (k === 3 && r.chance(0.2)) {
    // an explicit Pad before the convolution (fused into its pads; with or without pads of its own)
    const p = r.pick([
      [0, 0, 1, 1, 0, 0, 1, 1],
      [0, 0, 1, 1, 0, 0, 0, 0],
    ]);
    input = g.opset >= 11 ? g.node('Pad', [x, g.ints(p)]) : g.node('Pad', [x], { pads: p });
    pads = p[2] + p[6] === 2 ? [0, 0, 0, 0] : [0, 0, 1, 1];
  }
  const bias = r.chance(0.6);
  const w = g.init([cout, depthwise ? 1 : c, k, k]);
  const ins = bias ? [input, w, g.init([cout])] : [input, w];
  const convAttrs = { kernel_shape: [k, k], pads, group: depthwise ? c : 1 };
  let y = g.node('Conv', ins, convAttrs);
  // a twin (the same op, attributes and inputs: common subexpression elimination merges it), added
  // back before or after its own activation, or, rarely, also a graph output
  if (r.chance(0.08)) {
    const twin = g.node('Conv', ins, convAttrs);
    if (r.chance(0.2)) g.extraOutputs.push(twin);
    const act = r.chance(0.5) ? r.pick(ACTIVATIONS) : undefined;
    y = g.node('Add', act ? [activation(g, y, act), activation(g, twin, act)] : [y, twin]);
  }
  const after = r.pick(['none', 'bn', 'add', 'mul', 'add-first', 'mul-scalar', 'add-vector']);
  const shapes = {
    add: [1, cout, 1, 1],
    mul: [1, cout, 1, 1],
    'add-first': [cout, 1, 1],
    'mul-scalar': [],
    'add-vector': [1, 1, 1, hw],
  };
  if (after === 'bn')
    y = g.node('BatchNormalization', [
      y,
      g.init([cout]),
      g.init([cout]),
      g.init([cout]),
      g.init([cout], Array(cout).fill(1)),
    ]);
  else if (after === 'add' || after === 'add-vector') y = g.node('Add', [y, g.init(shapes[after])]);
  else if (after === 'add-first') y = g.node('Add', [g.init(shapes[after]), y]);
  else if (after === 'mul' || after === 'mul-scalar')
    y = r.chance(0.5) ? g.node('Mul', [y, g.init(shapes[after])]) : g.node('Mul', [g.init(shapes[after]), y]);
  if (cout === c && r.chance(0.25))
    y = r.chance(0.2) ? g.node('Add', [y, y]) : g.node('Add', r.chance(0.5) ? [y, x] : [x, y]);
  if (r.chance(0.7)) y = activation(g, y, r.pick(ACTIVATIONS));
  if (r.chance(0.15)) y = g.node(r.pick(['Identity', 'Dropout']), [y]);
  if (r.chance(0.1) && g.opset >= 13) y = g.node('Cast', [y], { to: g.float });
  if (r.chance(0.1) && g.opset >= 8)
    y = g.node('Expand', [y, g.ints(r.chance(0.5) ? [1, cout, hw, hw] : [1, 1, 1, 1])]);
  return { y, c: cout };
}

/** A [1, S, D] tensor through one transformer-style block. */
function seqBlock(g, x, d) {
  const { r } = g;
  const kind = r.pick(['linear', 'layernorm', 'gelu', 'matmul-t', 'softmax']);
  if (kind === 'linear') {
    const n = r.pick([d, 2 * d]);
    let y = g.node('MatMul', [x, g.init([d, n])]);
    if (r.chance(0.7)) y = r.chance(0.8) ? g.node('Add', [y, g.init([n])]) : g.node('Add', [g.init([n]), y]);
    if (r.chance(0.3)) y = g.node('Mul', [y, g.init([], [0.125])]);
    if (r.chance(0.5)) y = activation(g, y, r.pick(['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu']));
    if (n !== d) y = g.node('MatMul', [y, g.init([n, d])]);
    return y;
  }
  if (kind === 'layernorm') {
    if (g.opset >= 17 && r.chance(0.3))
      return g.node('LayerNormalization', [x, g.init([d]), g.init([d])], { axis: -1 });
    const reduce = (t) =>
      g.opset >= 18 ? g.node('ReduceMean', [t, g.ints([-1])]) : g.node('ReduceMean', [t], { axes: [-1] });
    const mean = reduce(x);
    const dev = r.chance(0.9) ? g.node('Sub', [x, mean]) : g.node('Sub', [mean, x]);
    const sq = g.node('Pow', [dev, g.init([], [r.chance(0.9) ? 2 : 3])]);
    const v = reduce(sq);
    const eps = g.node('Add', [v, g.init(r.chance(0.85) ? [] : [1], [1e-5])]);
    const y = g.node('Div', [dev, g.node('Sqrt', [eps])]);
    const gamma = g.init(r.chance(0.8) ? [d] : [1, d]);
    return g.node('Add', [g.node('Mul', [y, gamma]), g.init([d])]);
  }
  if (kind === 'gelu') {
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: an exporter's rounded √2 is the case
    const sqrt2 = r.pick([Math.SQRT2, Math.fround(Math.SQRT2), 1.41421]);
    const e = g.node('Erf', [g.node('Div', [x, g.init([], [sqrt2])])]);
    const y = g.node('Mul', [x, g.node('Add', [e, g.init([], [1])])]);
    return g.node('Mul', [y, g.init([], [0.5])]);
  }
  if (kind === 'matmul-t') {
    const perm = r.pick([
      [0, 2, 1],
      [0, 2, 1],
      [1, 0, 2],
    ]);
    const t = g.node('Transpose', [x], { perm });
    if (perm[0] === 1) return g.node('Transpose', [t], { perm });
    const scores = r.chance(0.7) ? g.node('MatMul', [x, t]) : g.node('MatMul', [g.node('Transpose', [t], { perm }), t]);
    const p = g.node('Softmax', [scores], { axis: -1 });
    return g.node('MatMul', [p, x]);
  }
  return g.node('Softmax', [x], { axis: -1 });
}

/** One random graph: its bytes, input shape and a label of its family. */
export function engineGraph(seed) {
  const r = rng(seed);
  const opset = r.pick([11, 12, 13, 13, 14, 15, 17, 17, 18, 19, 20, 21, 22, 23]);
  const g = new Graph(r, opset);
  // from the seed, not the stream: every other draw stays what it was for this seed
  if (seed % 5 === 4) g.float = FLOAT16;
  const outs = [];
  if (r.chance(0.65)) {
    let c = r.pick([8, 16, 24, 32]);
    const hw = r.pick([8, 14, 16]);
    const shape = [1, c, hw, hw];
    let x = 'x';
    for (let i = 0, n = r.int(1, 4); i < n; i++) {
      const b = convBlock(g, x, c, hw);
      if (r.chance(0.15)) outs.push(b.y);
      if (r.chance(0.1)) outs.push(g.node('Relu', [b.y]));
      x = b.y;
      c = b.c;
    }
    if (r.chance(0.3)) x = g.node(r.pick(['MaxPool', 'AveragePool']), [x], { kernel_shape: [2, 2], strides: [2, 2] });
    if (r.chance(0.3)) x = g.node('GlobalAveragePool', [x]);
    outs.push(x);
    return { bytes: g.build('x', shape, outs), shape, family: g.float === FLOAT16 ? 'cnn-fp16' : 'cnn', opset };
  }
  const s = r.pick([4, 16, 49]);
  const d = r.pick([16, 32, 48]);
  const shape = [1, s, d];
  let x = 'x';
  for (let i = 0, n = r.int(1, 4); i < n; i++) {
    const y = seqBlock(g, x, d);
    if (r.chance(0.15)) outs.push(y);
    x = r.chance(0.3) ? g.node('Add', [x, y]) : y;
  }
  outs.push(x);
  const family = g.float === FLOAT16 ? 'sequence-fp16' : 'sequence';
  return { bytes: g.build('x', shape, outs), shape, family, opset };
}
