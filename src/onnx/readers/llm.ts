/**
 * The ops language-model exports carry (onnxruntime-genai, onnxruntime's transformer optimizer):
 * MatMulNBits and GatherBlockQuantized (weights of 2 to 8 bits packed in bytes, quantized block by
 * block), RotaryEmbedding (onnxruntime's and ONNX's, opset 23), BiasAdd and BiasSplitGelu.
 */
import type { ElemType } from '../../graph/dtype.ts';
import { numel, ShapeError } from '../../ops/op.ts';
import { type Built, built, input, isLearned, type NodeView, type ReaderEntries } from './reader.ts';

const once = (read: (n: NodeView) => Built) => [{ since: 1, read }];

function positive(n: NodeView, name: string, fallback?: number): number {
  const v = n.attrs.int(name, fallback ?? 0);
  if (!Number.isInteger(v) || v < 1) throw new ShapeError(`${name} ${v} must be a whole number from 1`);
  return v;
}

function bitsOf(n: NodeView, allowed: number[]): number {
  const bits = n.attrs.int('bits', 4);
  if (!allowed.includes(bits)) throw new ShapeError(`bits ${bits} must be one of ${allowed.join(', ')}`);
  return bits;
}

function blockSizeOf(n: NodeView, fallback: number): number {
  const size = n.attrs.int('block_size', fallback);
  if (size < 16 || (size & (size - 1)) !== 0) throw new ShapeError(`block_size ${size} must be a power of 2 from 16`);
  return size;
}

/** Zero points stored as bytes pack values of `bits`; stored as floats, one per block. */
const packedZeroPoints = (zp: { type: ElemType } | undefined, bits: number): boolean =>
  zp?.type === 'uint8' && bits < 8;
const zeroPointPacking = (zp: { type: ElemType } | undefined, bits: number) =>
  packedZeroPoints(zp, bits) ? [{ slot: 3, bits }] : [];
/** The zero point values a slot holds (as many per byte as `bits` allows when packed). */
const zeroPointValues = (zp: { type: ElemType; shape: number[] } | undefined, bits: number): number =>
  zp ? numel(zp.shape) * (packedZeroPoints(zp, bits) ? 8 / bits : 1) : 0;

/** MatMulNBits(A, B, scales, zero_points, g_idx, bias): A [..., K] by a [K, N] weight stored in blocks along K. */
function matMulNBits(n: NodeView): Built {
  const [k, nOut, bits] = [positive(n, 'K'), positive(n, 'N'), bitsOf(n, [2, 3, 4, 5, 6, 7, 8])];
  const blockSize = blockSizeOf(n, 0);
  const a = input(n, 0, 'A');
  if (a.shape[a.shape.length - 1] !== k) throw new ShapeError(`A [${a.shape.join(', ')}] must end in K = ${k}`);
  const blocks = Math.ceil(k / blockSize);
  const b = input(n, 1, 'B');
  const bytes = (blockSize * bits) / 8;
  if (!b.isConst || numel(b.shape) !== nOut * blocks * bytes)
    throw new ShapeError(
      `B must be a constant [N, blocks, bytes] = [${nOut}, ${blocks}, ${bytes}], got [${b.shape.join(', ')}]`,
    );
  const scales = input(n, 2, 'the scales');
  if (numel(scales.shape) !== nOut * blocks) throw new ShapeError(`the scales must hold N·blocks = ${nOut * blocks}`);
  const zp = n.inputs[3];
  const zpValues = zeroPointValues(zp, bits);
  const bias = n.inputs[5];
  if (bias && numel(bias.shape) !== nOut) throw new ShapeError(`the bias must hold N = ${nOut} values`);
  const values = nOut * blocks * blockSize;
  const attrs = {
    bShape: [k, nOut],
    ...(bias ? { biasShape: [nOut] } : {}),
    blocks: { bits, size: blockSize, stored: values + numel(scales.shape) + zpValues, values },
  };
  const params = [1, 2, 3, 5].filter((s) => n.inputs[s]?.isConst);
  return { ...built('matmul', attrs, [0], params), packed: [{ slot: 1, bits }, ...zeroPointPacking(zp, bits)] };
}

/** GatherBlockQuantized(data, indices, scales, zero_points): an embedding table quantized in blocks. */
function gatherBlockQuantized(n: NodeView): Built {
  const data = input(n, 0, 'the data');
  if (!data.isConst) throw new ShapeError('the data must be a constant (the quantized table)');
  input(n, 1, 'the indices');
  const scales = input(n, 2, 'the scales');
  const packedBytes = data.type === 'uint8';
  const bits = packedBytes ? bitsOf(n, [2, 4, 8]) : 4;
  const per = packedBytes ? 8 / bits : 1;
  const axis = n.attrs.int('gather_axis', 0);
  if (packedBytes && axis !== 0) throw new ShapeError(`gather_axis ${axis}: a table packed in bytes gathers along 0`);
  const zp = n.inputs[3];
  const zpValues = zeroPointValues(zp, bits);
  const attrs = { axis, table: true, quantized: { per, scales: numel(scales.shape) + zpValues } };
  const params = [0, 2, 3].filter((s) => n.inputs[s]?.isConst);
  const packed = per > 1 ? [{ slot: 0, bits }, ...zeroPointPacking(zp, bits)] : [];
  return { ...built('gather', attrs, [0, 1], params, [scales.type]), packed };
}

/**
 * RotaryEmbedding: the input [B, S, hidden] or [B, N, S, H]; the caches [positions, rotary / 2] (or
 * [B, S, rotary / 2] without positions, ONNX's); `cacheSlot` where the cos cache is.
 */
const rotaryEmbedding =
  (cacheSlot: number) =>
  (n: NodeView): Built => {
    const x = input(n, 0, 'the input');
    const cos = input(n, cacheSlot, 'cos_cache');
    const rotaryDim = 2 * (cos.shape[cos.shape.length - 1] ?? 0);
    const given = n.attrs.int('rotary_embedding_dim', 0);
    if (given && given !== rotaryDim)
      throw new ShapeError(`rotary_embedding_dim ${given} does not match the cos cache's ${rotaryDim / 2} columns`);
    const numHeads = n.attrs.int('num_heads', 0);
    if (x.shape.length !== 3 && x.shape.length !== 4)
      throw new ShapeError(`the input must be [B, S, hidden] or [B, N, S, H], got [${x.shape.join(', ')}]`);
    const last = x.shape[x.shape.length - 1];
    // a 3-D input without num_heads rotates whole heads, as wide as the cache says
    const headSize = x.shape.length === 4 ? last : numHeads > 0 ? last / numHeads : rotaryDim;
    if (!Number.isInteger(headSize) || headSize < 1) throw new ShapeError(`${last} is not ${numHeads} whole heads`);
    const heads = x.shape.length === 4 ? x.shape[1] : last / headSize;
    const slots = n.inputs.flatMap((v, k) => (v && !v.isConst ? [k] : []));
    return built('rotary', { heads, headSize, rotaryDim }, slots.includes(0) ? slots : [0, ...slots]);
  };

/** BiasAdd(X, bias, skip): X + bias + skip. */
function biasAdd(n: NodeView): Built {
  const bias = input(n, 1, 'the bias');
  if (!bias.isConst) throw new ShapeError('the bias must be a constant');
  input(n, 2, 'the skip');
  const attrs = { fn: 'add' as const, constShapes: [bias.shape], learned: isLearned(bias) ? numel(bias.shape) : 0 };
  return built('eltwise', attrs, [0, 2], isLearned(bias) ? [1] : []);
}

/** BiasSplitGelu(X, bias): (X + bias) split in halves along the last axis, the first times GELU of the second. */
function biasSplitGelu(n: NodeView): Built {
  const bias = input(n, 1, 'the bias');
  if (!bias.isConst) throw new ShapeError('the bias must be a constant');
  return built('gelu', { approximate: 'none', bias: bias.shape, split: true }, [0], isLearned(bias) ? [1] : []);
}

export const LLM_CONTRIB: ReaderEntries = [
  ['MatMulNBits', once(matMulNBits)],
  ['GatherBlockQuantized', once(gatherBlockQuantized)],
  ['RotaryEmbedding', once(rotaryEmbedding(2))],
  ['BiasAdd', once(biasAdd)],
  ['BiasSplitGelu', once(biasSplitGelu)],
];

/** ONNX's RotaryEmbedding (opset 23): X, cos_cache, sin_cache, position_ids. */
export const LLM_ONNX: ReaderEntries = [['RotaryEmbedding', [{ since: 23, read: rotaryEmbedding(1) }]]];
