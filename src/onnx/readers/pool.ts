/** Pooling: MaxPool, AveragePool, and the global ones. */
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, type NodeView, type ReaderEntries, shapeOf } from './reader.ts';
import { pair, windowAttrs } from './window.ts';

function pool(n: NodeView): Built | undefined {
  const x = shapeOf(n);
  if (x.length !== 4) return undefined; // 1-D and 3-D pooling: no rule yet
  const k = n.attrs.ints('kernel_shape');
  if (k?.length !== 2) throw new ShapeError(`kernel_shape [${(k ?? []).join(', ')}] is not 2-D; pooling needs one`);
  const kernel = pair(k, 1);
  const { stride, padding, padEnd } = windowAttrs(n.attrs, x, kernel);
  const window = {
    kernel,
    stride,
    padding,
    ...(padEnd ? { padEnd } : {}),
    ceilMode: n.attrs.int('ceil_mode', 0) === 1,
  };
  if (n.opType === 'MaxPool') return built('maxpool', window, [0]);
  return built('avgpool', { ...window, countIncludePad: n.attrs.int('count_include_pad', 0) === 1 }, [0]);
}

function globalPool(n: NodeView): Built {
  const x = shapeOf(n);
  if (n.opType === 'GlobalAveragePool' && x.length === 4) return built('gap', {}, [0]);
  const axes = x.slice(2).map((_, i) => i + 2);
  return built('reduce', { fn: n.opType === 'GlobalMaxPool' ? 'max' : 'mean', axes, keepdims: true }, [0]);
}

export const POOL: ReaderEntries = [
  ['MaxPool', [{ since: 1, read: pool }]],
  ['AveragePool', [{ since: 1, read: pool }]],
  ['GlobalAveragePool', [{ since: 1, read: globalPool }]],
  ['GlobalMaxPool', [{ since: 1, read: globalPool }]],
];
