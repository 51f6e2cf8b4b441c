/**
 * Patterns exporters write as several nodes for one operation, read back as that operation:
 *
 * - layer normalization as torch exports it below opset 17: ReduceMean, Sub, Pow, ReduceMean, Add
 *   epsilon, Sqrt, Div, then Mul by the scale and Add the shift (-> `layernorm`, costed as the
 *   LayerNormalization node of opset 17);
 * - GELU's erf form: Div by √2, Erf, Add 1, Mul by x, Mul by 0.5 (-> `gelu`);
 * - QDQ: an op whose data inputs each come from a DequantizeLinear and whose output goes to a
 *   QuantizeLinear runs as the int8 op (as onnxruntime's QDQ transformer makes it): one layer
 *   reading and writing int8, its weights at their stored types.
 *
 * The fused layer keeps the pattern's last node's name (its output is the pattern's), lists every
 * node in `fusedFrom`, and its intermediate tensors are not memory traffic. A pattern whose inner
 * tensors are read elsewhere is left as it is.
 */
import type { EltwiseAttrs, Layer, LayerOf, ReduceAttrs, WeightRef } from '../graph/types.ts';

interface Index {
  /** layers reading each tensor */
  readers: Map<string, Layer[]>;
  /** the graph's outputs: never fused away */
  outputs: Set<string>;
}

function index(layers: Layer[], outputs: string[]): Index {
  const readers = new Map<string, Layer[]>();
  for (const l of layers) {
    for (const t of new Set(l.inputs)) {
      const list = readers.get(t);
      if (list) list.push(l);
      else readers.set(t, [l]);
    }
  }
  return { readers, outputs: new Set(outputs) };
}

/** The one layer reading tensor `t` (not a graph output), if exactly one does. */
function sole(ix: Index, t: string | undefined): Layer | undefined {
  if (t === undefined || ix.outputs.has(t)) return undefined;
  const r = ix.readers.get(t);
  return r?.length === 1 ? r[0] : undefined;
}

const isFn = (l: Layer | undefined, fn: EltwiseAttrs['fn']): l is LayerOf<'eltwise'> =>
  l?.op === 'eltwise' && l.attrs.fn === fn;

/** The value of a one-element constant operand of an element-wise layer. */
const scalar = (l: Layer): number | undefined => {
  const refs = (l.weights ?? []).filter((w) => !w.operand);
  return refs.length === 1 && refs[0].elements === 1 ? refs[0].scalar : undefined;
};
const near = (v: number | undefined, want: number) => v !== undefined && Math.abs(v - want) <= 1e-4 * Math.abs(want);

/** The one learned constant operand of an element-wise layer with one data input (a scale, a shift). */
const affine = (l: Layer | undefined, fn: 'mul' | 'add'): Layer | undefined =>
  isFn(l, fn) && l.inputs.length === 1 && (l.weights ?? []).some((w) => w.param) ? l : undefined;

/** A reduce-mean over the trailing axes, keeping them: the first reduced axis, or undefined. */
function trailingMean(l: Layer | undefined): number | undefined {
  if (l?.op !== 'reduce') return undefined;
  const a = l.attrs as ReduceAttrs;
  const rank = l.inputShapes[0].length;
  const axes = [...new Set(a.axes.map((x) => (x < 0 ? x + rank : x)))].sort((p, q) => p - q);
  if (a.fn !== 'mean' || !a.keepdims || axes.length === 0 || axes.at(-1) !== rank - 1) return undefined;
  return axes.every((x, i) => x === axes[0] + i) ? axes[0] : undefined;
}

function fused(chain: Layer[], last: Layer, head: Pick<Layer, 'op' | 'attrs'> & { inputs: Layer['inputs'] }): Layer {
  const first = chain[0];
  const inputIndex = head.inputs.map((t) =>
    chain.flatMap((l) => l.inputs.map((x, k) => [x, l, k] as const)).find(([x]) => x === t),
  );
  const weights: WeightRef[] = chain.flatMap((l) => l.weights ?? []).filter((w) => !w.operand);
  return {
    name: last.name,
    op: head.op,
    attrs: head.attrs,
    path: last.path,
    inputs: head.inputs,
    outputs: last.outputs,
    inputShapes: inputIndex.map((e) => (e ? e[1].inputShapes[e[2]] : first.inputShapes[0])),
    outputShapes: last.outputShapes,
    ...(last.types
      ? {
          types: {
            inputs: inputIndex.map((e) => e?.[1].types?.inputs[e[2]] ?? 'fp32'),
            outputs: last.types.outputs,
          },
        }
      : {}),
    weights,
    fusedFrom: chain.map((l) => l.name),
    ...(last.runs !== undefined ? { runs: last.runs } : {}),
  } as Layer;
}

/** Decomposed layer norm starting at its first ReduceMean. */
function layerNorm(ix: Index, mean: Layer): Layer[] | undefined {
  const axis = trailingMean(mean);
  if (axis === undefined) return undefined;
  const x = mean.inputs[0];
  const sub = sole(ix, mean.outputs[0]);
  if (!isFn(sub, 'sub') || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return undefined;
  const d = sub.outputs[0];
  const users = ix.readers.get(d) ?? [];
  if (users.length !== 2 || ix.outputs.has(d)) return undefined;
  const square = users.find(
    (l) => (isFn(l, 'pow') && near(scalar(l), 2)) || (isFn(l, 'mul') && l.inputs[0] === d && l.inputs[1] === d),
  );
  const div = users.find((l) => isFn(l, 'div') && l.inputs[0] === d);
  if (!square || !div) return undefined;
  const variance = sole(ix, square.outputs[0]);
  if (trailingMean(variance) !== axis || !variance) return undefined;
  const eps = sole(ix, variance.outputs[0]);
  if (!isFn(eps, 'add') || scalar(eps) === undefined) return undefined;
  const sqrt = sole(ix, eps.outputs[0]);
  if (sqrt?.op !== 'unary' || sqrt.attrs.fn !== 'sqrt' || sole(ix, sqrt.outputs[0]) !== div) return undefined;
  if (div.inputs[1] !== sqrt.outputs[0]) return undefined;
  const chain: Layer[] = [mean, sub, square, variance, eps, sqrt, div];
  const scale = affine(sole(ix, div.outputs[0]), 'mul');
  if (scale) chain.push(scale);
  const shift = affine(sole(ix, chain[chain.length - 1].outputs[0]), 'add');
  if (shift) chain.push(shift);
  const last = chain[chain.length - 1];
  const rank = mean.inputShapes[0].length;
  return [
    fused(chain, last, {
      op: 'layernorm',
      attrs: { axis: axis - rank, scale: scale !== undefined, shift: shift !== undefined },
      inputs: [x],
    }),
    ...chain,
  ];
}

/** GELU's erf form starting at its Erf: Div(x, √2) -> Erf -> Add 1 -> Mul x -> Mul 0.5 (or 0.5 first). */
function geluErf(ix: Index, erf: Layer, producer: Map<string, Layer>): Layer[] | undefined {
  if (erf.op !== 'unary' || erf.attrs.fn !== 'erf') return undefined;
  const scaleIn = producer.get(erf.inputs[0]);
  const pre = scaleIn && sole(ix, scaleIn.outputs[0]) === erf ? scaleIn : undefined;
  if (pre?.inputs.length !== 1) return undefined;
  if (!((isFn(pre, 'div') && near(scalar(pre), Math.SQRT2)) || (isFn(pre, 'mul') && near(scalar(pre), Math.SQRT1_2)))) {
    return undefined;
  }
  const x = pre.inputs[0];
  const one = sole(ix, erf.outputs[0]);
  if (!isFn(one, 'add') || !near(scalar(one), 1)) return undefined;
  const times = sole(ix, one.outputs[0]);
  if (!isFn(times, 'mul') || times.inputs.length !== 2) return undefined;
  const other = times.inputs.find((t) => t !== one.outputs[0]);
  let chain: Layer[];
  if (other === x) {
    const half = sole(ix, times.outputs[0]);
    if (!isFn(half, 'mul') || !near(scalar(half), 0.5)) return undefined;
    chain = [pre, erf, one, times, half];
  } else {
    // 0.5·x computed first, then multiplied by (1 + erf)
    const half = other === undefined ? undefined : producer.get(other);
    if (!half || !isFn(half, 'mul') || !near(scalar(half), 0.5) || sole(ix, half.outputs[0]) !== times)
      return undefined;
    chain = [pre, erf, one, half, times];
  }
  const last = chain[chain.length - 1];
  return [fused(chain, last, { op: 'gelu', attrs: { approximate: 'none' }, inputs: [x] }), ...chain];
}

const isDequantize = (l: Layer | undefined): l is LayerOf<'quantize'> =>
  l?.op === 'quantize' && l.attrs.fn === 'dequantize';
const isQuantize = (l: Layer | undefined): l is LayerOf<'quantize'> =>
  l?.op === 'quantize' && l.attrs.fn === 'quantize';
const REQUANTIZED = new Set(['conv', 'convtranspose', 'matmul', 'linear', 'eltwise', 'add']);

/** An op between DequantizeLinear and QuantizeLinear nodes: the int8 op onnxruntime runs. */
function qdq(ix: Index, l: Layer, producer: Map<string, Layer>): Layer[] | undefined {
  if (l.op === 'quantize' || l.op === 'control' || l.inputs.length === 0) return undefined;
  const dqs = l.inputs.map((t) => producer.get(t));
  if (!dqs.every((d) => isDequantize(d) && sole(ix, d.outputs[0]) === l)) return undefined;
  const qs = l.outputs.map((t) => sole(ix, t));
  if (!qs.every(isQuantize)) return undefined;
  const into = dqs as Layer[];
  const outOf = qs as Layer[];
  const requantize =
    REQUANTIZED.has(l.op) && (l.op !== 'eltwise' || ['add', 'mul'].includes((l.attrs as EltwiseAttrs).fn));
  const f = {
    ...l,
    ...(requantize ? { attrs: { ...l.attrs, quantized: 'requantize' } } : {}),
    inputs: into.map((d) => d.inputs[0]),
    outputs: outOf.map((q) => q.outputs[0]),
    // the int8 op reads its data and weights as stored (int8 weights, int32 biases), not dequantized
    types: {
      inputs: into.map((d) => d.types?.inputs[0] ?? 'int8'),
      outputs: outOf.map((q) => q.types?.outputs[0] ?? 'int8'),
    },
    weights: (l.weights ?? []).map((w) => ({ ...w, type: w.storedType })),
    fusedFrom: [...into, l, ...outOf].map((x) => x.name),
  } as Layer;
  return [f, ...into, l, ...outOf];
}

type Matcher = (ix: Index, l: Layer, producer: Map<string, Layer>) => Layer[] | undefined;

/** One pass of a matcher: each match's layers replaced by its fused layer, at its last layer's place. */
function pass(layers: Layer[], outputs: string[], match: Matcher): Layer[] {
  const ix = index(layers, outputs);
  const producer = new Map<string, Layer>();
  for (const l of layers) for (const t of l.outputs) producer.set(t, l);
  const position = new Map(layers.map((l, i) => [l, i]));
  const replaced = new Map<Layer, Layer | null>();
  for (const l of layers) {
    if (replaced.has(l)) continue;
    const m = match(ix, l, producer);
    if (!m) continue;
    const [f, ...chain] = m;
    if (chain.some((c) => replaced.has(c)) || new Set(chain.map((c) => c.runs ?? 1)).size > 1) continue;
    const at = chain.reduce((a, c) => ((position.get(c) ?? 0) > (position.get(a) ?? 0) ? c : a), chain[0]);
    for (const c of chain) replaced.set(c, c === at ? f : null);
  }
  if (replaced.size === 0) return layers;
  return layers.flatMap((l) => {
    const r = replaced.get(l);
    return r === undefined ? [l] : r === null ? [] : [r];
  });
}

export function fusePatterns(layers: Layer[], outputs: string[]): Layer[] {
  let out = pass(layers, outputs, (ix, l) => layerNorm(ix, l));
  out = pass(out, outputs, geluErf);
  return pass(out, outputs, qdq);
}
