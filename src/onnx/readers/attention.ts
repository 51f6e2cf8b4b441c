/**
 * onnxruntime's attention ops (domain com.microsoft: Attention, MultiHeadAttention,
 * GroupQueryAttention) and ONNX's own Attention (opset 23).
 */
import type { AttentionAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, input, isLearned, type NodeView, type ReaderEntries } from './reader.ts';

const heads = (n: NodeView): number => {
  const h = n.attrs.int('num_heads', 0);
  if (!Number.isInteger(h) || h < 1) throw new ShapeError(`num_heads ${h} must be a whole number from 1`);
  return h;
};

const elements = (n: NodeView, k: number) => n.inputs[k]?.shape.reduce((p, q) => p * q, 1) ?? 0;

/** Keys cached from earlier steps: a past tensor [2, B, N, P, H] (Attention) or past_key [B, N, P, H]. */
const pastLength = (n: NodeView, k: number, axis: number): number => n.inputs[k]?.shape[axis] ?? 0;

/** Attention(input, weights [in, q+k+v], bias, mask_index, past, attention_bias, ...). */
function packedAttention(n: NodeView): Built {
  const w = input(n, 1, 'the weights');
  if (!w.isConst || w.shape.length !== 2) {
    throw new ShapeError(`the weights must be a constant [in, q+k+v], got [${w.shape.join(', ')}]`);
  }
  const given = n.attrs.ints('qkv_hidden_sizes');
  const third = w.shape[1] / 3;
  const sizes = (given?.length ? given : [third, third, third]) as [number, number, number];
  if (sizes.length !== 3 || sizes.reduce((a, b) => a + b, 0) !== w.shape[1] || !sizes.every(Number.isInteger)) {
    throw new ShapeError(`qkv_hidden_sizes [${sizes.join(', ')}] do not split the weights' ${w.shape[1]} columns`);
  }
  if (n.inputs[2] && elements(n, 2) !== w.shape[1]) throw new ShapeError('the bias does not have q+k+v values');
  const attrs: AttentionAttrs = {
    heads: heads(n),
    projection: { weight: w.shape, sizes },
    ...(n.inputs[2] ? { bias: elements(n, 2) } : {}),
    ...(pastLength(n, 4, 3) ? { past: pastLength(n, 4, 3) } : {}),
    ...(n.outputSlots.includes(1) ? { present: 'packed' as const } : {}),
  };
  // the cache of earlier steps is read as an input
  const inputs = n.inputs[4] ? [0, 4] : [0];
  return built(
    'attention',
    attrs,
    inputs,
    [1, 2].filter((k) => isLearned(n.inputs[k])),
  );
}

/** MultiHeadAttention(query, key, value, bias, key_padding_mask, attention_bias, past_key, past_value, ...). */
function multiHead(n: NodeView): Built {
  const q = input(n, 0, 'the query');
  const k = n.inputs[1];
  const packed = q.shape.length === 5 ? 'qkv' : k?.shape.length === 5 ? 'kv' : undefined;
  const attrs: AttentionAttrs = {
    heads: heads(n),
    ...(packed ? { packed } : {}),
    ...(n.inputs[3] ? { bias: elements(n, 3) } : {}),
    ...(pastLength(n, 6, 2) ? { past: pastLength(n, 6, 2) } : {}),
    ...(n.outputSlots.some((k) => k === 1 || k === 2) ? { present: 'split' as const } : {}),
  };
  const slots = packed === 'qkv' ? [0] : packed === 'kv' ? [0, 1] : [0, 1, 2];
  for (const s of slots) input(n, s, ['the query', 'the key', 'the value'][s]);
  // past_key and past_value are read as inputs
  const past = [6, 7].filter((k) => n.inputs[k]);
  return built('attention', attrs, [...slots, ...past], isLearned(n.inputs[3]) ? [3] : []);
}

/**
 * GroupQueryAttention(query, key, value, past_key, past_value, seqlens_k, total_sequence_length,
 * cos_cache, sin_cache, ...): query [B, S, N·H] with key and value [B, S, kvN·H], or the three
 * packed in the query; the cache [B, kvN, P, H].
 */
function groupQuery(n: NodeView): Built {
  const [q, kv] = [heads(n), n.attrs.int('kv_num_heads', 0)];
  if (!Number.isInteger(kv) || kv < 1 || q % kv !== 0)
    throw new ShapeError(`kv_num_heads ${kv} must be a whole number from 1 that divides num_heads ${q}`);
  const x = input(n, 0, 'the query');
  const packed = !n.inputs[1];
  const width = x.shape[2] ?? 0;
  const h = width / (packed ? q + 2 * kv : q);
  if (x.shape.length !== 3 || !Number.isInteger(h))
    throw new ShapeError(`the query [${x.shape.join(', ')}] is not [B, S, heads·head_size]${packed ? ' packed' : ''}`);
  for (const [k, what] of packed
    ? []
    : ([
        [1, 'the key'],
        [2, 'the value'],
      ] as const)) {
    const t = input(n, k, what).shape;
    if (t.length !== 3 || t[2] !== kv * h) throw new ShapeError(`${what} [${t.join(', ')}] is not [B, S, ${kv * h}]`);
  }
  const past = n.inputs[3]?.shape;
  if (past && (past.length !== 4 || past[1] !== kv || past[3] !== h))
    throw new ShapeError(`past_key [${past.join(', ')}] is not [B, ${kv}, past, ${h}]`);
  const total = n.inputs[6]?.isConst ? n.inputs[6].value().data[0] : undefined;
  const attrs: AttentionAttrs = {
    heads: q,
    kvHeads: kv,
    headSize: h,
    ...(past ? { past: past[2] } : {}),
    ...(total !== undefined ? { total } : {}),
    ...(n.attrs.int('do_rotary', 0) ? { rotary: true } : {}),
  };
  // the query first (the op reads its shape there), then what the graph gives at run time
  const slots = [0, ...[1, 2, 3, 4].filter((k) => n.inputs[k] && !n.inputs[k]?.isConst)];
  return built('attention', attrs, slots);
}

/**
 * ONNX's Attention (opset 23): Q, K, V, attn_mask, past_key, past_value. Q [B, qN, S, H] with K
 * [B, kvN, L, H] and V [B, kvN, L, vH], or the 3-D [B, S, qN·H] forms with q_num_heads and
 * kv_num_heads; the caches [B, kvN, P, H] and [B, kvN, P, vH].
 */
function onnxAttention(n: NodeView): Built {
  const [q, k, v] = [input(n, 0, 'Q').shape, input(n, 1, 'K').shape, input(n, 2, 'V').shape];
  const fourD = q.length === 4;
  if (!fourD && q.length !== 3)
    throw new ShapeError(`Q must be [B, heads, S, H] or [B, S, hidden], got [${q.join(', ')}]`);
  for (const [t, what] of [
    [k, 'K'],
    [v, 'V'],
  ] as const)
    if (t.length !== q.length || t[0] !== q[0])
      throw new ShapeError(`${what} [${t.join(', ')}] must have Q's rank and batch (Q [${q.join(', ')}])`);
  const attr = (name: string) => n.attrs.int(name, 0);
  const [qN, kvN] = fourD ? [q[1], k[1]] : [attr('q_num_heads'), attr('kv_num_heads')];
  if (!Number.isInteger(qN) || !Number.isInteger(kvN) || qN < 1 || kvN < 1 || qN % kvN !== 0)
    throw new ShapeError(
      `${qN} query heads must be a whole multiple of ${kvN} key-value heads (q_num_heads, kv_num_heads)`,
    );
  const h = fourD ? q[3] : q[2] / qN;
  const vh = fourD ? v[3] : v[2] / kvN;
  const keys = fourD ? k[2] : k[1];
  if (!Number.isInteger(h) || !Number.isInteger(vh) || (fourD ? k[3] : k[2] / kvN) !== h)
    throw new ShapeError(
      `Q [${q.join(', ')}] and K [${k.join(', ')}] do not share a head size over ${qN} and ${kvN} heads`,
    );
  if ((fourD ? v[2] : v[1]) !== keys)
    throw new ShapeError(`K [${k.join(', ')}] and V [${v.join(', ')}] differ in length`);
  const past = n.inputs[4]?.shape;
  if (past && (past.length !== 4 || past[1] !== kvN || past[3] !== h))
    throw new ShapeError(`past_key [${past.join(', ')}] is not [B, ${kvN}, past, ${h}]`);
  const attrs: AttentionAttrs = {
    heads: qN,
    ...(kvN !== qN ? { kvHeads: kvN } : {}),
    headSize: h,
    ...(past ? { past: past[2] } : {}),
    onnx: { fourD, keys, valueHeadSize: vh, mask: !!n.inputs[3] },
  };
  return built(
    'attention',
    attrs,
    [0, 1, 2, 3, 4, 5].filter((k) => n.inputs[k]),
  );
}

/** ONNX's own attention ops (default domain). */
export const ONNX_ATTENTION: ReaderEntries = [['Attention', [{ since: 23, read: onnxAttention }]]];

export const ATTENTION: ReaderEntries = [
  ['GroupQueryAttention', [{ since: 1, read: groupQuery }]],
  ['Attention', [{ since: 1, read: packedAttention }]],
  ['MultiHeadAttention', [{ since: 1, read: multiHead }]],
];
