/**
 * onnxruntime's EmbedLayerNormalization (com.microsoft), the first node of an optimised BERT: the
 * word, position and (optional) segment embeddings of each token gathered and added, then a layer
 * norm; it also writes the mask's lengths (mask_index) and, when asked, the sum before the norm.
 * Params are every embedding table and the norm's scale and shift; a run reads one row of each
 * table per token.
 */
import type { EmbedLayerNormAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** the layer norm per element: mean, subtract, square, variance, normalize, scale, shift */
const NORM = 7;

export const embedlayernorm: OpDef<EmbedLayerNormAttrs> = {
  rule:
    `FLOPs per output element: one add per table after the first, ${NORM} for the layer norm, and 2 per token ` +
    "for its statistics; params every embedding table and the norm's scale and shift; reads one row of each " +
    'table per token, the ids and the mask, writes the output, the mask index (one per sequence) and the sum',
  infer([ids], a) {
    if (ids?.length !== 2) throw new ShapeError(`input_ids must be [batch, sequence], got [${(ids ?? []).join(', ')}]`);
    const out = [ids[0], ids[1], a.hidden];
    return a.sum ? [out, [ids[0]], [...out]] : [out, [ids[0]]];
  },
  params: (a) => a.hidden * (a.rows.reduce((x, y) => x + y, 0) + 2),
  weightsRead: (a, [ids]) => numel(ids) * a.hidden * a.rows.length + 2 * a.hidden,
  madds: () => 0,
  flops: (a, [ids]) => numel(ids) * (a.hidden * (a.rows.length - 1 + NORM) + 2),
  category: () => 'elementwise',
  onnx: () => {
    throw new ShapeError('EmbedLayerNormalization is read from onnxruntime graphs; netcost does not write it');
  },
};
