/**
 * onnxruntime's contrib ops (domain com.microsoft), as its optimizer and quantizer write them: the
 * fused normalizations and activations, FusedConv and FusedMatMul, and the QOperator ops beyond the
 * default domain's (QLinearAdd, QLinearGlobalAveragePool, QGemm...). Each reads as the netcost op
 * it computes; a quantized op's scales and zero points are read but are not operands.
 */
import type { ElemType } from '../../graph/dtype.ts';
import type { ConvAttrs } from '../../graph/types.ts';
import { ACTIVATIONS, type Activation } from '../../ops/activation.ts';
import { ShapeError } from '../../ops/op.ts';
import { UNARY, type UnaryFn } from '../../ops/unary.ts';
import { convolutionAt } from './dense.ts';
import { binary } from './elementwise.ts';
import { concat } from './movement.ts';
import { layerNorm } from './normalization.ts';
import { globalPool, pool } from './pool.ts';
import { type Built, built, input, isLearned, type NodeView, type ReaderEntries, through } from './reader.ts';

const once = (read: (n: NodeView) => Built | undefined) => [{ since: 1, read }];

/**
 * EmbedLayerNormalization(input_ids, segment_ids, word_embedding, position_embedding,
 * segment_embedding, gamma, beta, mask, position_ids).
 */
function embedLayerNorm(n: NodeView): Built {
  input(n, 0, 'input_ids');
  const tables = [2, 3, 4].filter((k) => n.inputs[k]).map((k) => n.inputs[k]?.shape ?? []);
  const hidden = tables[0]?.[1];
  if (tables.length < 2 || tables.some((t) => t.length !== 2 || t[1] !== hidden))
    throw new ShapeError(
      `the embeddings [${tables.map((t) => t.join('x')).join('], [')}] must be tables [rows, hidden] of one width`,
    );
  for (const k of [5, 6])
    if ((n.inputs[k]?.shape ?? []).join() !== String(hidden))
      throw new ShapeError(`input ${k + 1} (gamma or beta) must hold ${hidden} values`);
  const attrs = { hidden: hidden as number, rows: tables.map((t) => t[0]), sum: n.outputSlots.includes(2) };
  const read = [0, 1, 7].filter((k) => n.inputs[k]);
  const params = [2, 3, 4, 5, 6].filter((k) => isLearned(n.inputs[k]));
  const type = n.inputs[2]?.type;
  return built('embedlayernorm', attrs, read, params, [type, 'int32', type]);
}

/** The activation a FusedConv applies: one of netcost's activations, or an element-wise function. */
function fusedActivation(n: NodeView): Pick<ConvAttrs, 'act' | 'fusedAct'> {
  const name = n.attrs.str('activation', '');
  if (!name) return {};
  const params = n.attrs.floats('activation_params') ?? [];
  if (name === 'Clip') {
    return params[0] === 0 && params[1] === 6
      ? { act: 'relu6' }
      : { fusedAct: { name: 'clip', flops: UNARY.clip.flops } };
  }
  const act = (Object.keys(ACTIVATIONS) as Activation[]).find((a) => ACTIVATIONS[a].onnx.op === name);
  if (act) return { act };
  const fn = (Object.keys(UNARY) as UnaryFn[]).find((f) => UNARY[f].onnx === name);
  if (!fn) throw new ShapeError(`FusedConv's activation '${name}' is not one netcost knows`);
  return { fusedAct: { name: fn, flops: UNARY[fn].flops } };
}

/** FusedConv(X, W, B, Z): a convolution, then the residual Z added, then an activation. */
function fusedConv(n: NodeView): Built {
  const b = convolutionAt(n, { weight: 1, ...(n.inputs[2] ? { bias: 2 } : {}) });
  const sum = n.inputs[3] !== undefined;
  const attrs = { ...(b.attrs as ConvAttrs), ...fusedActivation(n), ...(sum ? { sum: true } : {}) };
  return { ...b, attrs, inputs: sum ? [0, 3] : [0] } as Built;
}

/** BiasGelu(A, bias) and FastGelu(X, bias?): GELU with a bias added first; Gelu: the exact form. */
const gelu =
  (approximate: 'none' | 'tanh') =>
  (n: NodeView): Built => {
    const bias = n.inputs[1];
    if (bias && !bias.isConst) throw new ShapeError('the bias must be a constant');
    return built('gelu', { approximate, ...(bias ? { bias: bias.shape } : {}) }, [0], isLearned(bias) ? [1] : []);
  };

/** The type a quantized op writes: its output zero point's (uint8 without one). */
const written = (n: NodeView, zeroPoint: number): ElemType => n.inputs[zeroPoint]?.type ?? 'uint8';

/** A QOperator op read as `read` over its data slots, writing its output zero point's type. */
const quantizedAs =
  (
    slots: number[],
    zeroPoint: (n: NodeView) => number,
    read: (n: NodeView) => Built | undefined,
    opts: { requantize?: boolean; as?: string } = {},
  ) =>
  (n: NodeView): Built | undefined => {
    const b = through(n, slots, read, opts.as);
    const requantize = opts.requantize === true;
    if (!b) return undefined;
    const attrs = requantize ? { ...(b.attrs as object), quantized: 'requantize' } : b.attrs;
    return { ...b, attrs, outputTypes: [written(n, zeroPoint(n))] } as Built;
  };

const unaryOp = (fn: UnaryFn) => () => built('unary', { fn }, [0]);

/** QLinearConcat(Y_scale, Y_zero_point, X0, X0_scale, X0_zero_point, X1, ...). */
function qlinearConcat(n: NodeView): Built | undefined {
  const slots = n.inputs.flatMap((_, k) => (k >= 2 && (k - 2) % 3 === 0 ? [k] : []));
  return quantizedAs(slots, () => 1, concat)(n);
}

/** QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C, y_scale, y_zp): int8 Gemm, requantized when y_scale is given. */
function qgemm(n: NodeView): Built {
  const b = input(n, 3, 'B');
  const x = input(n, 0, 'A');
  if (!b.isConst || b.shape.length !== 2 || x.shape.length !== 2 || n.attrs.int('transA', 0) !== 0) {
    throw new ShapeError('QGemm is read with a constant 2-D B and an untransposed 2-D A');
  }
  const transB = n.attrs.int('transB', 0) === 1;
  const requantize = n.inputs[7] !== undefined;
  const attrs = {
    outFeatures: transB ? b.shape[0] : b.shape[1],
    bias: !!n.inputs[6],
    ...(requantize ? { quantized: 'requantize' as const } : {}),
  };
  const params = [3, ...(n.inputs[6] ? [6] : [])];
  return built('linear', attrs, [0], params, [requantize ? written(n, 8) : 'fp32']);
}

export const CONTRIB: ReaderEntries = [
  ['EmbedLayerNormalization', once(embedLayerNorm)],
  ['LayerNormalization', once(layerNorm({}))],
  ['SimplifiedLayerNormalization', once(layerNorm({ rms: true }))],
  ['SkipLayerNormalization', once(layerNorm({ skip: true }))],
  ['SkipSimplifiedLayerNormalization', once(layerNorm({ rms: true, skip: true }))],
  ['Gelu', once(gelu('none'))],
  ['BiasGelu', once(gelu('none'))],
  ['FastGelu', once(gelu('tanh'))],
  ['QuickGelu', once(unaryOp('quickgelu'))],
  ['FusedConv', once(fusedConv)],
  ['QLinearAdd', once(quantizedAs([0, 3], () => 7, binary, { requantize: true, as: 'Add' }))],
  ['QLinearMul', once(quantizedAs([0, 3], () => 7, binary, { requantize: true, as: 'Mul' }))],
  [
    'QLinearSigmoid',
    once(
      quantizedAs(
        [0],
        () => 4,
        () => built('sigmoid', {}, [0]),
      ),
    ),
  ],
  ['QLinearLeakyRelu', once(quantizedAs([0], () => 4, unaryOp('leakyrelu')))],
  ['QLinearGlobalAveragePool', once(quantizedAs([0], () => 4, globalPool, { as: 'GlobalAveragePool' }))],
  ['QLinearAveragePool', once(quantizedAs([0], () => 4, pool, { as: 'AveragePool' }))],
  ['QLinearConcat', once(qlinearConcat)],
  ['QGemm', once(qgemm)],
];
