/**
 * The work a kernel does, as what drives its speed: the FLOPs it computes (its original layers',
 * with the channels a blocked convolution pads to whole blocks), the bytes it reads and writes (its
 * tensors at their element size, blocked ones padded; weights once), its output elements, and its
 * shape: a convolution's window, stride and channels per group, a GEMM's M, N and K.
 */
import { bytesOf } from '../graph/dtype.ts';
import { type ENode, type EngineGraph, intAttr, intsAttr, isConstant } from './graph.ts';
import { NCHWC } from './kernel.ts';

export interface ConvShape {
  /** window elements (kh·kw...) */
  window: number;
  stride: number;
  groups: number;
  inPerGroup: number;
  outPerGroup: number;
  depthwise: boolean;
  /**
   * output rows per channel (batch · every output axis but the last): a plain convolution's im2col
   * copies one run of a row per row, window element and input channel
   */
  rows: number;
}

/** A matrix product per batch item (a convolution as its im2col GEMM: M output pixels, K = window·inPerGroup). */
export interface GemmShape {
  m: number;
  n: number;
  k: number;
  /** products per run (batch, heads, groups) */
  batch: number;
}

export interface KernelWork {
  flops: number;
  bytes: number;
  /** of `bytes`, the constant inputs' (weights): read again every run, after the rest of the model's */
  weightBytes: number;
  /** bytes of weights the whole model reads between two runs of this kernel (set by the caller) */
  reuseBytes: number;
  elements: number;
  /** the activation fused into it (a convolution's or Gemm's), if any */
  activation?: string;
  /** the kernel runs on the engine's blocked channel layout */
  blocked: boolean;
  conv?: ConvShape;
  gemm?: GemmShape;
  /** a transpose's contiguous run: the elements of the trailing axes it leaves in place, copied as one block */
  run?: number;
}

/** The products whose GEMM shape gemmShape reads (classes.ts prices them as GEMMs or GEMVs by it). */
export const GEMM_SHAPED = new Set(['Gemm', 'FusedGemm', 'MatMul', 'FusedMatMul']);

/**
 * onnxruntime's recurrent kernels: shaped as each step's product of [batch, I + H] by [I + H, G·H],
 * once per step and direction. No calibration chain holds one, so their time is uncertain
 * (predict/plan.ts): measured here, such a GEMV costs far less per step than a kernel of its own.
 */
export const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

/** Ops that read only the part of their input they write. */
const PARTIAL_READS = new Set(['Slice', 'Gather', 'GatherElements', 'GatherND']);

const numel = (s: readonly number[] | undefined) => (s ?? []).reduce((a, b) => a * b, 1);
const padTo = (c: number, block: number) => (block > 1 ? Math.ceil(c / block) * block : c);

/** Bytes of a tensor as the kernel touches it (a blocked one with its channels padded to whole blocks). */
export function tensorBytes(g: EngineGraph, t: string, block: number): number {
  const info = g.tensors.get(t);
  if (!info?.shape) return 0;
  const s = info.shape;
  const padded =
    info.blockedChannels !== undefined && s.length >= 2 ? (numel(s) / s[1]) * padTo(s[1], block) : numel(s);
  return bytesOf(padded, info.type);
}

function convShape(g: EngineGraph, n: ENode): ConvShape | undefined {
  const w = g.tensors.get(n.inputs[1])?.shape;
  if (!w || w.length < 3) return undefined;
  const groups = intAttr(n, 'group', 1);
  const strides = intsAttr(n, 'strides') ?? [1];
  const out = w[0];
  const y = g.tensors.get(n.outputs[0])?.shape;
  return {
    window: numel(w.slice(2)),
    stride: Math.max(...strides),
    groups,
    inPerGroup: w[1],
    outPerGroup: out / groups,
    depthwise: groups > 1 && w[1] === 1 && out === groups,
    rows: y && y.length >= 3 ? numel(y.slice(0, -1)) / Math.max(y[1], 1) : 0,
  };
}

/** A MatMul's, Gemm's, FusedGemm's or FusedMatMul's product shape from its inputs (and transposes). */
function gemmShape(g: EngineGraph, n: ENode): GemmShape | undefined {
  const a = g.tensors.get(n.inputs[0])?.shape;
  const b = g.tensors.get(n.inputs[1])?.shape;
  const y = g.tensors.get(n.outputs[0])?.shape;
  if (!a || !b || !y || a.length === 0 || b.length === 0) return undefined;
  const transB = n.attrs.get('transB') === 1 || (n.op.endsWith('Gemm') && intAttr(n, 'transB', 0) === 1);
  const k = b.length === 1 ? b[0] : transB ? b[b.length - 1] : b[b.length - 2];
  const nOut = b.length === 1 ? 1 : y[y.length - 1];
  const m = y.length >= 2 ? y[y.length - 2] : 1;
  return { m, n: nOut, k, batch: numel(y) / Math.max(1, m * nOut) };
}

/** A recurrent kernel's GEMM shape, from X [S, B, I] (or [B, S, I]), W [D, G·H, I] and R [D, G·H, H]. */
function recurrentShape(g: EngineGraph, n: ENode): GemmShape | undefined {
  const [x, w, r] = [0, 1, 2].map((k) => g.tensors.get(n.inputs[k])?.shape);
  if (x?.length !== 3 || w?.length !== 3 || r?.length !== 3) return undefined;
  const [steps, batch] = intAttr(n, 'layout', 0) === 0 ? [x[0], x[1]] : [x[1], x[0]];
  return { m: batch, k: w[2] + r[2], n: w[1], batch: steps * w[0] };
}

/**
 * The work of engine node `n` in graph `g`. `flops` is what its original nodes compute (the caller
 * knows the cost model); a blocked convolution computes its padded channels too.
 */
export function kernelWork(g: EngineGraph, n: ENode, flops: number, block: number): KernelWork {
  const blocked = n.domain === NCHWC || n.inputs.some((t) => g.tensors.get(t)?.blockedChannels !== undefined);
  const seen = new Set<string>();
  let bytes = 0;
  let weightBytes = 0;
  // a gather or slice reads only what it writes (its index and bound inputs are small)
  const partial = PARTIAL_READS.has(n.op);
  for (const t of [...(partial ? n.outputs : n.inputs), ...n.outputs]) {
    if (!t) continue;
    if (!partial && seen.has(t)) continue;
    seen.add(t);
    const b = tensorBytes(g, t, block);
    bytes += b;
    if (isConstant(g, t)) weightBytes += b;
  }
  const elements = numel(g.tensors.get(n.outputs[0])?.shape);
  const isConv = n.op === 'Conv' || n.op === 'FusedConv';
  // weights a caller may override (engine/graph.ts) leave the shape known: a plain convolution still
  const conv = isConv ? convShape(g, n) : undefined;
  let work = flops;
  let gemm: GemmShape | undefined;
  if (conv) {
    const y = g.tensors.get(n.outputs[0])?.shape ?? [];
    const pixels = numel(y.slice(2)) * (y[0] ?? 1);
    gemm = { m: pixels, n: conv.outPerGroup, k: conv.window * conv.inPerGroup, batch: conv.groups };
    if (n.domain === NCHWC && conv.inPerGroup * conv.groups > 0) {
      const cin = conv.inPerGroup * conv.groups;
      const cout = conv.outPerGroup * conv.groups;
      // a dense convolution reads the plain input directly when it has fewer channels than a block
      const pin = conv.depthwise || conv.groups > 1 || cin >= block ? padTo(cin, block) / cin : 1;
      work = flops * pin * (conv.depthwise ? 1 : padTo(cout, block) / cout);
    }
  } else if (GEMM_SHAPED.has(n.op)) {
    gemm = gemmShape(g, n);
  } else if (RECURRENT.has(n.op)) {
    gemm = recurrentShape(g, n);
  }
  const act = n.attrs.get('activation');
  const run = n.op === 'Transpose' ? transposeRun(g, n) : undefined;
  return {
    flops: work,
    bytes,
    weightBytes,
    reuseBytes: 0,
    elements,
    blocked,
    ...(typeof act === 'string' ? { activation: act } : {}),
    ...(conv ? { conv } : {}),
    ...(gemm ? { gemm } : {}),
    ...(run !== undefined ? { run } : {}),
  };
}

/**
 * The elements a transpose copies as one block: the product of the trailing axes its permutation
 * leaves in place (a channel shuffle [n,2,c/2,h,w] -> [n,c/2,2,h,w] moves blocks of h·w; attention's
 * key transpose [b,t,h,d] -> [b,h,d,t] moves single elements). Undefined where the shape is unknown.
 */
function transposeRun(g: EngineGraph, n: ENode): number | undefined {
  const shape = g.tensors.get(n.inputs[0])?.shape;
  if (!shape) return undefined;
  const perm = intsAttr(n, 'perm') ?? shape.map((_, i) => shape.length - 1 - i);
  let run = 1;
  for (let i = shape.length - 1; i >= 0 && perm[i] === i; i--) run *= shape[i];
  return run;
}
