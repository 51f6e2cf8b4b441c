/**
 * RoiAlign (Mask R-CNN's box pooling): each box of the feature map cut into out_h x out_w bins,
 * each bin the average (or max) of bilinear samples. With sampling_ratio 0 the samples per bin
 * follow each box's size, which the file does not give: counted for a box as large as the map,
 * an upper bound, and said so. MaxRoiPool (Fast R-CNN) takes the max of the map's values in each
 * bin, counted the same way for a box as large as the map.
 */
import type { RoiAlignAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** FLOPs of one bilinear sample: four corner weights, four multiply-adds, the bin's accumulation. */
export const SAMPLE_FLOPS = 12;

/** Samples per bin along one axis: the ratio given, or (0) the bound for a box covering the map. */
const samples = (a: RoiAlignAttrs, size: number, bins: number) =>
  a.ratio > 0 ? a.ratio : Math.max(1, Math.ceil(size / bins));

/** MaxRoiPool's values per bin for a box as large as the map (the bound). */
const bin = (x: number[], a: RoiAlignAttrs) => Math.ceil(x[2] / a.outH) * Math.ceil(x[3] / a.outW);

export const roialign: OpDef<RoiAlignAttrs> = {
  rule:
    'FLOPs per output element 12 per bilinear sample (four weights, four multiply-adds, the accumulation) + 1 ' +
    'for the average; sampling_ratio² samples per bin, or with 0 the bound for a box as large as the map; ' +
    'MaxRoiPool: 1 compare per value of the bin, the bin of a box as large as the map (⌈H/out_h⌉·⌈W/out_w⌉)',
  infer([x, rois], a) {
    if (x.length !== 4) throw new ShapeError(`X must be [N, C, H, W], got [${x.join(', ')}]`);
    const width = a.maxPool ? 5 : 4;
    if (rois.length !== 2 || rois[1] !== width)
      throw new ShapeError(`rois must be [R, ${width}], got [${rois.join(', ')}]`);
    return [[rois[0], x[1], a.outH, a.outW]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, [x], [y]) =>
    a.maxPool
      ? numel(y) * bin(x, a)
      : numel(y) * (SAMPLE_FLOPS * samples(a, x[2], a.outH) * samples(a, x[3], a.outW) + 1),
  // each sample reads four values of the map; a max pool each value of its bin
  inputsRead: (a, [x, ...rest], [y]) => [
    Math.min(numel(x), numel(y) * (a.maxPool ? bin(x, a) : 4 * samples(a, x[2], a.outH) * samples(a, x[3], a.outW))),
    ...rest.map(numel),
  ],
  category: () => 'pooling',
  onnx: () => {
    throw new ShapeError('RoiAlign is read from ONNX files; netcost does not write it');
  },
};
