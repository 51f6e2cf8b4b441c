/**
 * ReverseSequence and MaxUnpool (elements placed by index), RoiAlign (box pooling), Det (a
 * determinant per matrix), and the image geometry ops AffineGrid, Col2Im and CenterCropPad.
 */
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, constant, input, type NodeView, type ReaderEntries } from './reader.ts';
import { kernelOf, perAxis } from './window.ts';

/** The slots the node fills (constants too: the layer reads them). */
const given = (n: NodeView, slots: number[]) => slots.filter((k) => n.inputs[k] !== undefined);

function maxUnpool(n: NodeView): Built {
  const x = input(n, 0, 'X').shape;
  const kernel = kernelOf(n.attrs, undefined, 'MaxUnpool');
  const stride = perAxis(n.attrs, 'strides', kernel.length, 1);
  const pads = n.attrs.ints('pads') ?? new Array(2 * kernel.length).fill(0);
  const shape = n.inputs[2]
    ? constant(n, 2, 'output_shape').data
    : x.map((d, i) => {
        const k = i - 2;
        return k < 0 ? d : (d - 1) * stride[k] + kernel[k] - pads[k] - pads[k + kernel.length];
      });
  if (shape.some((d) => !Number.isInteger(d) || d < 1))
    throw new ShapeError(`the output shape [${shape.join(', ')}] is not a shape`);
  return built('unpool', { shape }, [0, 1]);
}

function roiAlign(n: NodeView): Built {
  const outH = n.attrs.int('output_height', 1);
  const outW = n.attrs.int('output_width', 1);
  const ratio = n.attrs.int('sampling_ratio', 0);
  if (![outH, outW].every((v) => Number.isInteger(v) && v >= 1) || !Number.isInteger(ratio) || ratio < 0)
    throw new ShapeError(
      `output ${outH}x${outW} and sampling_ratio ${ratio} must be whole numbers (1 and up, 0 and up)`,
    );
  return built('roialign', { outH, outW, ratio }, given(n, [0, 1, 2]));
}

/** MaxRoiPool(X, rois [R, 5]): pooled_shape [out_h, out_w]. */
function maxRoiPool(n: NodeView): Built {
  const [outH, outW] = n.attrs.ints('pooled_shape') ?? [];
  if (![outH, outW].every((v) => Number.isInteger(v) && v >= 1))
    throw new ShapeError('pooled_shape must be two whole numbers from 1');
  return built('roialign', { outH, outW, ratio: 0, maxPool: true }, [0, 1]);
}

/** AffineGrid(theta, size): size [N, C, H, W] or [N, C, D, H, W], a constant or a given value. */
const affineGrid = (n: NodeView) => built('image', { fn: 'affinegrid', size: constant(n, 1, 'the size').data }, [0]);

/** Col2Im(input, image_shape, block_shape): both shapes constants or given values. */
function col2im(n: NodeView): Built {
  const image = constant(n, 1, 'image_shape').data;
  const block = constant(n, 2, 'block_shape').data;
  const r = image.length;
  if (block.length !== r || [...image, ...block].some((v) => !Number.isInteger(v) || v < 1))
    throw new ShapeError(
      `image_shape [${image.join(', ')}] and block_shape [${block.join(', ')}] must match in length`,
    );
  const strides = perAxis(n.attrs, 'strides', r, 1);
  const dilations = perAxis(n.attrs, 'dilations', r, 1);
  const pads = n.attrs.ints('pads') ?? new Array(2 * r).fill(0);
  if (pads.length !== 2 * r) throw new ShapeError(`pads [${pads.join(', ')}] need ${2 * r} values`);
  return built('image', { fn: 'col2im', image, block, strides, dilations, pads }, [0]);
}

/** CenterCropPad(input_data, shape): the target sizes of `axes` (default all), a constant or given value. */
function centerCropPad(n: NodeView): Built {
  const shape = constant(n, 1, 'the shape').data;
  const axes = n.attrs.ints('axes') ?? shape.map((_, i) => i);
  if (axes.length !== shape.length || shape.some((v) => !Number.isInteger(v) || v < 0))
    throw new ShapeError(`shape [${shape.join(', ')}] must give one size from 0 for each of axes [${axes.join(', ')}]`);
  return built('image', { fn: 'croppad', shape, axes }, [0]);
}

export const PLACEMENT: ReaderEntries = [
  ['ReverseSequence', [{ since: 10, read: (n) => built('reverse', {}, given(n, [0, 1])) }]],
  ['MaxUnpool', [{ since: 9, read: maxUnpool }]],
  ['RoiAlign', [{ since: 10, read: roiAlign }]],
  ['MaxRoiPool', [{ since: 1, read: maxRoiPool }]],
  ['Det', [{ since: 11, read: () => built('det', {}, [0]) }]],
  ['AffineGrid', [{ since: 20, read: affineGrid }]],
  ['Col2Im', [{ since: 18, read: col2im }]],
  ['CenterCropPad', [{ since: 18, read: centerCropPad }]],
];
