/** Pooling: MaxPool, AveragePool, LpPool, and the global ones. */
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, type NodeView, type ReaderEntries, shapeOf } from './reader.ts';
import { kernelOf, windowAttrs } from './window.ts';

export function pool(n: NodeView): Built {
  const x = shapeOf(n);
  const kernel = kernelOf(n.attrs, undefined, n.opType);
  const dilations = n.opType === 'MaxPool' || n.attrs.has('dilations');
  const { stride, padding, padEnd, dilation } = windowAttrs(n.attrs, x, kernel, { dilations });
  const window = {
    kernel,
    stride,
    padding,
    ...(padEnd ? { padEnd } : {}),
    ...(dilation.some((d) => d !== 1) ? { dilation } : {}),
    ceilMode: n.attrs.int('ceil_mode', 0) === 1,
  };
  if (n.opType === 'MaxPool') {
    // the optional second output: the flat index of each maximum (int64)
    if (n.outputCount > 1) return built('maxpool', { ...window, indices: true }, [0], [], [undefined, 'int64']);
    return built('maxpool', window, [0]);
  }
  if (n.opType === 'LpPool') return built('lppool', { ...window, p: lpOrder(n) }, [0]);
  return built('avgpool', { ...window, countIncludePad: n.attrs.int('count_include_pad', 0) === 1 }, [0]);
}

/** LpPool's and GlobalLpPool's p (default 2; a float attribute before opset 2). */
function lpOrder(n: NodeView): number {
  const i = n.attrs.int('p', 2);
  const p = i !== 0 ? i : n.attrs.float('p', 2);
  if (!Number.isInteger(p) || p < 1) throw new ShapeError(`p ${p} must be a whole number from 1`);
  return p;
}

export function globalPool(n: NodeView): Built {
  const x = shapeOf(n);
  if (n.opType === 'GlobalAveragePool' && x.length >= 3) return built('gap', {}, [0]);
  const axes = x.slice(2).map((_, i) => i + 2);
  if (n.opType === 'GlobalLpPool') {
    // the L1 and L2 norms over the spatial axes (ReduceL1, ReduceL2); other orders have no reduction of their own
    const p = lpOrder(n);
    if (p > 2) throw new ShapeError(`p ${p}: netcost reads GlobalLpPool with p 1 or 2`);
    return built('reduce', { fn: p === 1 ? 'l1' : 'l2', axes, keepdims: true }, [0]);
  }
  return built('reduce', { fn: n.opType === 'GlobalMaxPool' ? 'max' : 'mean', axes, keepdims: true }, [0]);
}

export const POOL: ReaderEntries = [
  ['MaxPool', [{ since: 1, read: pool }]],
  ['AveragePool', [{ since: 1, read: pool }]],
  ['GlobalAveragePool', [{ since: 1, read: globalPool }]],
  ['GlobalMaxPool', [{ since: 1, read: globalPool }]],
  ['LpPool', [{ since: 1, read: pool }]],
  ['GlobalLpPool', [{ since: 1, read: globalPool }]],
];
