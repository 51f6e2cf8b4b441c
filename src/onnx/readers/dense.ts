/** Conv, ConvTranspose, Gemm and MatMul: the ops with multiply-adds. */
import type { Pair } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import type { NodeView } from './reader.ts';
import { type Built, built, input, operands, type ReaderEntries, shapeOf } from './reader.ts';
import { pair, windowAttrs } from './window.ts';

function convolution(n: NodeView): Built | undefined {
  const w = input(n, 1, 'the weight');
  if (!w.isConst) throw new ShapeError('the weight must be a constant (initializer or Constant node)');
  if (w.shape.length < 3) {
    throw new ShapeError(`the weight has shape [${w.shape.join(', ')}]; a convolution weight has rank 3 or more`);
  }
  if (w.shape.length !== 4) return undefined; // 1-D and 3-D convolutions: no rule yet
  const x = shapeOf(n);
  if (x.length !== 4) {
    throw new ShapeError(`the input has shape [${x.join(', ')}]; a 2-D convolution takes an NxCxHxW input`);
  }
  const kernel: Pair = [w.shape[2], w.shape[3]];
  const groups = n.attrs.int('group', 1);
  if (!Number.isInteger(groups) || groups < 1 || x[1] % groups !== 0) {
    throw new ShapeError(`group ${groups} does not divide the input's ${x[1]} channels`);
  }
  const cin = n.opType === 'Conv' ? w.shape[1] * groups : w.shape[0];
  if (cin !== x[1]) {
    throw new ShapeError(
      `the weight [${w.shape.join(', ')}] with group ${groups} takes ${cin} input channels; the input has ${x[1]}`,
    );
  }
  const cout = n.opType === 'Conv' ? w.shape[0] : w.shape[1] * groups;
  const b = n.inputs[2];
  if (b && b.shape.reduce((p, q) => p * q, 1) !== cout) {
    throw new ShapeError(`the bias has shape [${b.shape.join(', ')}]; it needs ${cout} values, one per output channel`);
  }
  const geo = windowAttrs(n.attrs, x, kernel);
  const bias = !!n.inputs[2];
  if (n.opType === 'Conv') return built('conv', { outChannels: w.shape[0], kernel, groups, bias, ...geo }, [0]);
  const outputPadding = pair(n.attrs.ints('output_padding'), 0);
  return built('convtranspose', { outChannels: w.shape[1] * groups, kernel, groups, bias, ...geo, outputPadding }, [0]);
}

function gemm(n: NodeView): Built | undefined {
  const b = input(n, 1, 'B');
  const x = shapeOf(n, 0, 'A');
  if (b.isConst && b.shape.length !== 2)
    throw new ShapeError(`B has shape [${b.shape.join(', ')}]; Gemm needs a 2-D B`);
  if (x.length !== 2) throw new ShapeError(`A has shape [${x.join(', ')}]; Gemm needs a 2-D A (flatten first)`);
  if (!b.isConst || n.attrs.int('transA', 0) !== 0) return undefined;
  const transB = n.attrs.int('transB', 0) === 1;
  if ((transB ? b.shape[1] : b.shape[0]) !== x[1]) {
    throw new ShapeError(
      `A [${x.join(', ')}] and B [${b.shape.join(', ')}]${transB ? ' (transposed)' : ''} do not multiply`,
    );
  }
  return built('linear', { outFeatures: transB ? b.shape[0] : b.shape[1], bias: !!n.inputs[2] }, [0]);
}

function matmul(n: NodeView): Built {
  const b = input(n, 1, 'B');
  return b.isConst && !n.folding ? built('matmul', { bShape: b.shape }, [0]) : built('matmul', {}, operands(n));
}

export const DENSE: ReaderEntries = [
  ['Conv', [{ since: 1, read: convolution }]],
  ['ConvTranspose', [{ since: 1, read: convolution }]],
  ['Gemm', [{ since: 1, read: gemm }]],
  ['MatMul', [{ since: 1, read: matmul }]],
];
