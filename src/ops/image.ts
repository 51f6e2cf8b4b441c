/**
 * Image geometry: AffineGrid (a sampling grid from affine matrices, GridSample's partner), Col2Im
 * (sliding blocks summed back into an image, the inverse of an unfold) and CenterCropPad (each
 * axis cropped or padded about its centre to a target size).
 */
import type { ImageAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError, volume } from './op.ts';

/** Col2Im's blocks along each axis: positions of a dilated block with the strides over the padded image. */
function blocksPerAxis(a: Extract<ImageAttrs, { fn: 'col2im' }>): number[] {
  const r = a.image.length;
  return a.image.map((size, i) => {
    const span = a.dilations[i] * (a.block[i] - 1) + 1;
    return Math.floor((size + a.pads[i] + a.pads[i + r] - span) / a.strides[i]) + 1;
  });
}

function inferImage(inputs: number[][], a: ImageAttrs): number[][] {
  const x = inputs[0] ?? [];
  if (a.fn === 'affinegrid') {
    const d = a.size.length - 2;
    if ((d !== 2 && d !== 3) || x.length !== 3 || x[0] !== a.size[0] || x[1] !== d || x[2] !== d + 1)
      throw new ShapeError(
        `theta [${x.join(', ')}] must be [N, ${d}, ${d + 1}] for a size of [${a.size.join(', ')}] ` +
          '(N, C, then 2 or 3 axes)',
      );
    return [[a.size[0], ...a.size.slice(2), d]];
  }
  if (a.fn === 'col2im') {
    const per = volume(a.block);
    const blocks = volume(blocksPerAxis(a));
    if (x.length !== 3 || x[1] % per !== 0 || x[2] !== blocks || blocks < 1)
      throw new ShapeError(
        `the input [${x.join(', ')}] must be [N, C·${per}, ${blocks}]: ${per} values per block of ` +
          `${a.block.join('x')} and ${blocks} blocks over the ${a.image.join('x')} image`,
      );
    return [[x[0], x[1] / per, ...a.image]];
  }
  const y = [...x];
  for (const [i, axis] of a.axes.entries()) {
    const k = axis < 0 ? axis + x.length : axis;
    if (k < 0 || k >= x.length) throw new ShapeError(`axis ${axis} is outside the input's rank ${x.length}`);
    y[k] = a.shape[i];
  }
  return [y];
}

export const image: OpDef<ImageAttrs> = {
  rule:
    'AffineGrid: per grid point of d axes an affine map, MAdds d·(d+1), FLOPs 2 per multiply-add; Col2Im: ' +
    'FLOPs 1 per input element (each value added into its place in the image); CenterCropPad: a copy, no FLOPs',
  infer: inferImage,
  params: () => 0,
  // d values per grid point, each a row of d weights and an offset
  madds: (a, _i, [y]) => (a.fn === 'affinegrid' ? numel(y) * (y[y.length - 1] + 1) : 0),
  flops: (a, inputs, outputs) =>
    a.fn === 'affinegrid' ? 2 * image.madds(a, inputs, outputs) : a.fn === 'col2im' ? numel(inputs[0]) : 0,
  category: (a) => (a.fn === 'croppad' ? 'data-movement' : 'elementwise'),
  onnx: () => {
    throw new ShapeError('AffineGrid, Col2Im and CenterCropPad are read from ONNX files; netcost does not write them');
  },
};
