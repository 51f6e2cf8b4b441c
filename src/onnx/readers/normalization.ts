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

/** The data input, [N, C, spatial...]. */
function channelsFirst(n: NodeView): number[] {
  const x = shapeOf(n);
  if (x.length < 3) throw new ShapeError(`the input must be [N, C, spatial...], got [${x.join(', ')}]`);
  return x;
}

/**
 * A normalisation of [N, C, spatial...] with a scale (input 2) and bias (input 3) of `each` values
 * apiece, one per `per`; a scale or bias the graph computes is read as an input after the data.
 */
function scaleAndShift(n: NodeView, attrs: NormAttrs, each: (c: number) => number, per: string): Built {
  const x = channelsFirst(n);
  for (const k of [1, 2]) {
    const t = input(n, k, k === 1 ? 'the scale' : 'the bias');
    if (t.shape.reduce((p, q) => p * q, 1) !== each(x[1]))
      throw new ShapeError(`input ${k + 1} [${t.shape.join(', ')}] must hold one value per ${per} (${each(x[1])})`);
  }
  const computed = [1, 2].filter((k) => !n.inputs[k]?.isConst);
  if (computed.length) attrs.computed = computed.length;
  const params = [1, 2].filter((k) => isLearned(n.inputs[k]));
  return built('layernorm', attrs, [0, ...computed], params);
}

/** InstanceNormalization(input, scale, B): each channel of each sample normalised over its spatial axes. */
const instanceNorm = (n: NodeView): Built =>
  scaleAndShift(n, { axis: 2, scale: true, shift: true, perChannel: true }, (c) => c, 'channel');

/**
 * GroupNormalization(X, scale, bias): the channels in `num_groups` groups, each group of each sample
 * normalised over its channels and the axes after them; the scale and shift one per group at
 * opset 18, one per channel from opset 21.
 */
function groupNorm(perGroup: boolean) {
  return (n: NodeView): Built => {
    const c = channelsFirst(n)[1];
    const groups = n.attrs.int('num_groups', 0);
    if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0)
      throw new ShapeError(`num_groups ${groups} must be a whole number from 1 that divides the ${c} channels`);
    const attrs: NormAttrs = {
      axis: 2,
      scale: true,
      shift: true,
      groups,
      ...(perGroup ? { perGroup } : { perChannel: true }),
    };
    return scaleAndShift(n, attrs, (channels) => (perGroup ? groups : channels), perGroup ? 'group' : 'channel');
  };
}

/** MeanVarianceNormalization(X): zero mean and unit variance over `axes` (default [0, 2, 3]); no scale or shift. */
function meanVariance(n: NodeView): Built {
  const axes = n.attrs.ints('axes') ?? [0, 2, 3];
  return built('layernorm', { axis: -1, axes, scale: false, shift: false }, [0]);
}

/** LpNormalization(input): each row along `axis` (default -1) over its L1 or L2 norm. */
function lpNorm(n: NodeView): Built {
  const p = n.attrs.int('p', 2);
  if (p !== 1 && p !== 2) throw new ShapeError(`p ${p} must be 1 or 2`);
  return built('lpnorm', { axis: n.attrs.int('axis', -1), p }, [0]);
}

/** LRN(X): size neighbouring channels. */
function lrn(n: NodeView): Built {
  const size = n.attrs.int('size', 0);
  if (!Number.isInteger(size) || size < 1) throw new ShapeError(`size ${size} must be a whole number from 1`);
  return built('lrn', { size }, [0]);
}

export const NORMALIZATION: ReaderEntries = [
  ['InstanceNormalization', [{ since: 1, read: instanceNorm }]],
  ['MeanVarianceNormalization', [{ since: 9, read: meanVariance }]],
  [
    'GroupNormalization',
    [
      { since: 18, read: groupNorm(true) },
      { since: 21, read: groupNorm(false) },
    ],
  ],
  ['LRN', [{ since: 1, read: lrn }]],
  ['LpNormalization', [{ since: 1, read: lpNorm }]],
  ['LayerNormalization', [{ since: 1, read: layerNorm({}) }]],
  ['SimplifiedLayerNormalization', [{ since: 1, read: layerNorm({ rms: true }) }]],
  ['RMSNormalization', [{ since: 23, read: layerNorm({ rms: true }) }]],
  ['Gelu', [{ since: 20, read: gelu }]],
  ['Einsum', [{ since: 12, read: einsum }]],
];
