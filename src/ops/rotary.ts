/**
 * Rotary position embedding (RoPE): each head's first `rotaryDim` elements rotated pairwise by the
 * angle of its token's position, x1·cos - x2·sin and x1·sin + x2·cos, the rest copied. ONNX's
 * RotaryEmbedding (opset 23) and onnxruntime's contrib op compute it from cos and sin caches
 * indexed by position.
 */
import type { RotaryAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** Two multiplies and an add per rotated element. */
const ROTATE_FLOPS = 3;

/** Elements rotated: per head, the first rotaryDim of its headSize. */
const rotated = (a: RotaryAttrs, x: number[]) => (numel(x) / a.headSize) * a.rotaryDim;

export const rotary: OpDef<RotaryAttrs> = {
  rule:
    'FLOPs 3 per rotated element (x1·cos - x2·sin: two multiplies, an add), the first rotary_embedding_dim ' +
    'of each head; reads the input, the positions and one cos and one sin row of rotary_embedding_dim / 2 per ' +
    'token (the caches are not params), writes the output',
  infer(inputs, a) {
    // the input first; the positions (and caches computed at run time) after it
    const x = inputs[0];
    if (!x) throw new ShapeError('a rotary embedding needs its input');
    if (x[x.length - 1] % a.headSize !== 0 || a.rotaryDim > a.headSize || a.rotaryDim % 2 !== 0)
      throw new ShapeError(
        `the input [${x.join(', ')}] does not hold heads of ${a.headSize} with ${a.rotaryDim} rotated (an even count)`,
      );
    return [[...x]];
  },
  params: () => 0,
  weightsRead: (a, [x]) => (numel(x) / (a.headSize * a.heads)) * a.rotaryDim,
  madds: () => 0,
  flops: (a, [x]) => ROTATE_FLOPS * rotated(a, x),
  category: () => 'elementwise',
  onnx: () => {
    throw new ShapeError('a rotary embedding is read from ONNX files; netcost does not write it');
  },
};
