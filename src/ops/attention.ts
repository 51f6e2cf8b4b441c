/**
 * Multi-head attention as onnxruntime's transformer optimizer writes it: `Attention` (a packed
 * input projection, then attention), `MultiHeadAttention` (query, key and value given, or packed)
 * and `GroupQueryAttention` (fewer key and value heads than query heads, with a KV cache), and
 * ONNX's own `Attention` of opset 23 (query, key and value given, per head or not, with a cache).
 * The multiply-adds are the products a decomposed export would have: the projection (B·S·in·(q+k+v)),
 * the scores (B·S·L·q) and the weighted values (B·S·L·v), for S queries over L keys.
 */
import type { AttentionAttrs, Shape } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

interface Dims {
  batch: number;
  /** queries and keys per sequence */
  s: number;
  l: number;
  /** query (= key) and value widths over all heads */
  q: number;
  v: number;
  /** the projection's input width (Attention only) */
  in?: number;
}

/** GroupQueryAttention: query [B, S, N·H] (or packed with keys and values); keys attended: the total, or past + S. */
function groupDims(x: Shape, a: AttentionAttrs): Dims {
  if (x.length !== 3) throw new ShapeError(`the query must be [batch, sequence, hidden], got [${x.join(', ')}]`);
  const h = a.headSize ?? 0;
  const l = a.total ?? x[1] + (a.past ?? 0);
  if (l < x[1]) throw new ShapeError(`total_sequence_length ${l} is less than the ${x[1]} tokens of this step`);
  return { batch: x[0], s: x[1], l, q: a.heads * h, v: a.heads * h };
}

/** ONNX's Attention: S queries of N·H over past + this step's keys. */
function onnxDims(x: Shape, a: AttentionAttrs, o: NonNullable<AttentionAttrs['onnx']>): Dims {
  const s = o.fourD ? x[2] : x[1];
  const h = a.headSize ?? 0;
  return { batch: x[0], s, l: o.keys + (a.past ?? 0), q: a.heads * h, v: a.heads * o.valueHeadSize };
}

function dims(inputs: Shape[], a: AttentionAttrs): Dims {
  const [x, k, v] = inputs;
  if (a.onnx) return onnxDims(x, a, a.onnx);
  if (a.kvHeads) return groupDims(x, a);
  if (a.projection) {
    if (x.length !== 3)
      throw new ShapeError(`Attention's input must be [batch, sequence, hidden], got [${x.join(', ')}]`);
    const [dq, dk, dv] = a.projection.sizes;
    if (dq !== dk) throw new ShapeError(`query and key widths differ (${dq} and ${dk})`);
    if (a.projection.weight[0] !== x[2]) {
      throw new ShapeError(`the weight [${a.projection.weight.join(', ')}] does not take the input's ${x[2]} features`);
    }
    return { batch: x[0], s: x[1], l: x[1] + (a.past ?? 0), q: dq, v: dv, in: x[2] };
  }
  if (a.packed === 'qkv') {
    // query [B, S, N, 3, H]
    if (x.length !== 5 || x[3] !== 3) throw new ShapeError(`packed QKV must be [B, S, N, 3, H], got [${x.join(', ')}]`);
    return { batch: x[0], s: x[1], l: x[1], q: x[2] * x[4], v: x[2] * x[4] };
  }
  if (x.length !== 3) throw new ShapeError(`the query must be [batch, sequence, hidden], got [${x.join(', ')}]`);
  if (!k) throw new ShapeError('MultiHeadAttention needs a key');
  if (a.packed === 'kv') {
    // key [B, L, N, 2, H]
    if (k.length !== 5 || k[3] !== 2) throw new ShapeError(`packed KV must be [B, L, N, 2, H], got [${k.join(', ')}]`);
    return { batch: x[0], s: x[1], l: k[1], q: x[2], v: k[2] * k[4] };
  }
  if (!v) throw new ShapeError('MultiHeadAttention needs a value');
  // [B, L, D] or, per head, [B, N, L, H]
  const len = (t: Shape) => (t.length === 4 ? t[2] : t[1]);
  const width = (t: Shape) => (t.length === 4 ? t[1] * t[3] : t[2]);
  if (len(k) !== len(v)) throw new ShapeError(`key [${k.join(', ')}] and value [${v.join(', ')}] differ in length`);
  if (width(k) !== x[2]) throw new ShapeError(`the key's width ${width(k)} differs from the query's ${x[2]}`);
  return { batch: x[0], s: x[1], l: len(k) + (a.past ?? 0), q: x[2], v: width(v) };
}

/** Score elements: one per head, query and key. */
const scores = (d: Dims, a: AttentionAttrs) => d.batch * a.heads * d.s * d.l;

export const attention: OpDef<AttentionAttrs> = {
  rule:
    'MAdds B·S·in·(q+k+v) for a packed projection (Attention), + B·S·L·q for the scores and B·S·L·v for the ' +
    'weighted values (S queries, L keys); FLOPs 2 per multiply-add, 1 per projection output for its bias, and per ' +
    'score 1 to scale and 5 for the softmax; params the projection weight and the bias; with a key-value cache ' +
    'it reads the past and writes the present (past and current keys and values); GroupQueryAttention: each group ' +
    'of query heads shares a key and value head (the cache holds kv_num_heads), L the total sequence length ' +
    '(past + S unless total_sequence_length is given), +3 FLOPs per query and key element with do_rotary; ' +
    "ONNX's Attention (opset 23): queries, keys and values given per head or as [B, S, N·H], kv_num_heads " +
    'key and value heads, L past + given keys, +1 FLOP per score for a mask',
  infer(inputs, a) {
    const d = dims(inputs, a);
    if (d.q % a.heads !== 0) throw new ShapeError(`the query width ${d.q} is not divisible by ${a.heads} heads`);
    const out = [d.batch, d.s, d.v];
    const [hk, hv] = [d.q / a.heads, d.v / a.heads];
    if (a.onnx) {
      // Y in the query's layout; the caches past + this step's keys and values; the scores
      const y = a.onnx.fourD ? [d.batch, a.heads, d.s, hv] : out;
      const kv = a.kvHeads ?? a.heads;
      return [y, [d.batch, kv, d.l, hk], [d.batch, kv, d.l, hv], [d.batch, a.heads, d.s, d.l]];
    }
    if (a.kvHeads) {
      // the cache: past and current keys, or the shared buffer when it is longer
      const cache = [d.batch, a.kvHeads, Math.max(d.l, a.past ?? 0), hk];
      return [out, cache, [...cache], [d.batch, a.heads, d.s, d.l]];
    }
    if (a.present === 'packed') return [out, [2, d.batch, a.heads, d.l, hk]];
    if (a.present === 'split') return [out, [d.batch, a.heads, d.l, hk], [d.batch, a.heads, d.l, hv]];
    return [out];
  },
  params: (a) => (a.projection ? numel(a.projection.weight) : 0) + (a.bias ?? 0),
  madds(a, inputs) {
    const d = dims(inputs, a);
    const projection = d.in === undefined || !a.projection ? 0 : d.batch * d.s * d.in * (2 * d.q + d.v);
    return projection + d.batch * d.s * d.l * (d.q + d.v);
  },
  flops(a, inputs, o) {
    const d = dims(inputs, a);
    // a rotary embedding inside (GroupQueryAttention's do_rotary): 3 per element of the queries and keys
    const rotary = a.rotary ? 3 * d.batch * d.s * (a.heads + (a.kvHeads ?? a.heads)) * (a.headSize ?? 0) : 0;
    const mask = a.onnx?.mask ? scores(d, a) : 0;
    return 2 * attention.madds(a, inputs, o) + (a.bias ?? 0) * d.batch * d.s + 6 * scores(d, a) + mask + rotary;
  },
  category: () => 'linear',
  onnx: () => {
    throw new ShapeError('attention is read from onnxruntime graphs; netcost does not write it');
  },
};
