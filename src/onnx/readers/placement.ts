/**
 * ReverseSequence and MaxUnpool (elements placed by index), RoiAlign (box pooling) and Det (a
 * determinant per matrix).
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

export const PLACEMENT: ReaderEntries = [
  ['ReverseSequence', [{ since: 10, read: (n) => built('reverse', {}, given(n, [0, 1])) }]],
  ['MaxUnpool', [{ since: 9, read: maxUnpool }]],
  ['RoiAlign', [{ since: 10, read: roiAlign }]],
  ['Det', [{ since: 11, read: () => built('det', {}, [0]) }]],
];
