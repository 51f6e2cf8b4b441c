/** Pooling: MaxPool, AveragePool, and the global ones. */
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
  return built('avgpool', { ...window, countIncludePad: n.attrs.int('count_include_pad', 0) === 1 }, [0]);
}

export function globalPool(n: NodeView): Built {
  const x = shapeOf(n);
  if (n.opType === 'GlobalAveragePool' && x.length >= 3) return built('gap', {}, [0]);
  const axes = x.slice(2).map((_, i) => i + 2);
  return built('reduce', { fn: n.opType === 'GlobalMaxPool' ? 'max' : 'mean', axes, keepdims: true }, [0]);
}

export const POOL: ReaderEntries = [
  ['MaxPool', [{ since: 1, read: pool }]],
  ['AveragePool', [{ since: 1, read: pool }]],
  ['GlobalAveragePool', [{ since: 1, read: globalPool }]],
  ['GlobalMaxPool', [{ since: 1, read: globalPool }]],
];
