/** Transformer ops of the default domain: LayerNormalization, its RMS form, Gelu (opset 20) and Einsum. */
import type { NormAttrs } from '../../graph/types.ts';
import { normAxis } from '../../ops/concat.ts';
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, input, isLearned, type NodeView, type ReaderEntries, shapeOf } from './reader.ts';

/**
 * LayerNormalization(X, Scale, B) and SimplifiedLayerNormalization(X, Scale), and onnxruntime's
 * SkipLayerNormalization(X, Skip, Gamma, Beta, Bias) and SkipSimplifiedLayerNormalization; the
 * scale and shift hold one value per element of a normalised row.
 */
export function layerNorm(opts: { rms?: boolean; skip?: boolean }) {
  return (n: NodeView): Built => {
    const x = shapeOf(n);
    const axis = opts.skip ? -1 : n.attrs.int('axis', -1);
    const first = normAxis(axis, x.length);
    const row = x.slice(first);
    const at = opts.skip ? 2 : 1;
    const slots = { scale: at, shift: opts.rms ? -1 : at + 1, bias: opts.skip ? (opts.rms ? 3 : 4) : -1 };
    for (const [what, k] of Object.entries(slots)) {
      const t = k >= 0 ? n.inputs[k] : undefined;
      if (!t) continue;
      if (t.shape.reduce((p, q) => p * q, 1) !== row.reduce((p, q) => p * q, 1)) {
        throw new ShapeError(`the ${what} [${t.shape.join(', ')}] does not match a normalised row [${row.join(', ')}]`);
      }
    }
    if (!n.inputs[slots.scale]) throw new ShapeError('the scale (input 2) is missing');
    const attrs: NormAttrs = {
      axis,
      scale: true,
      shift: slots.shift >= 0 && !!n.inputs[slots.shift],
      ...(opts.rms ? { rms: true } : {}),
      ...(opts.skip ? { skip: true, ...(slots.bias >= 0 && n.inputs[slots.bias] ? { skipBias: true } : {}) } : {}),
    };
    // a scale, shift or bias the graph computes is read as an input (after the data), not a param
    const computed = [slots.scale, slots.shift, slots.bias].filter(
      (k) => k >= 0 && n.inputs[k] && !n.inputs[k]?.isConst,
    );
    const inputs = [...(opts.skip ? [0, 1] : [0]), ...computed];
    if (computed.length) attrs.computed = computed.length;
    const params = [slots.scale, slots.shift, slots.bias].filter((k) => k >= 0 && isLearned(n.inputs[k]));
    // the optional outputs (mean, inverse standard deviation) are fp32 whatever the input
    return built('layernorm', attrs, inputs, params, [undefined, 'fp32', 'fp32']);
  };
}

function gelu(n: NodeView): Built {
  const approximate = n.attrs.str('approximate', 'none');
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ShapeError(`approximate '${approximate}' is not one of none, tanh`);
  }
  return built('gelu', { approximate }, [0]);
}

function einsum(n: NodeView): Built {
  const equation = n.attrs.str('equation', '');
  if (!equation) throw new ShapeError('Einsum needs an equation');
  const slots = n.inputs.flatMap((x, k) => (x ? [k] : []));
  const learned = n.folding ? [] : slots.filter((k) => isLearned(n.inputs[k]));
  const elements = learned.reduce((a, k) => a + input(n, k, 'an operand').shape.reduce((p, q) => p * q, 1), 0);
  return built('einsum', { equation, ...(elements ? { learned: elements } : {}) }, slots, learned);
}

export const NORMALIZATION: ReaderEntries = [
  ['LayerNormalization', [{ since: 1, read: layerNorm({}) }]],
  ['SimplifiedLayerNormalization', [{ since: 1, read: layerNorm({ rms: true }) }]],
  ['RMSNormalization', [{ since: 23, read: layerNorm({ rms: true }) }]],
  ['Gelu', [{ since: 20, read: gelu }]],
  ['Einsum', [{ since: 12, read: einsum }]],
];
