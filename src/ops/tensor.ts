/**
 * Index arithmetic over row-major tensors, for the ops' `evaluate` (constant folding of shape
 * subgraphs). Values are plain numbers: the tensors folded here are shapes, indices and small
 * constants, never activations.
 */
import type { Shape } from '../graph/types.ts';
import { numel, ShapeError, type Tensor, type ValueType } from './op.ts';

/** Row-major strides of a shape. */
export function strides(dims: Shape): number[] {
  const out = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= dims[i];
  }
  return out;
}

/** The multi-index of flat position `flat` in `dims`. */
export function unravel(flat: number, dims: Shape): number[] {
  const idx = new Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    idx[i] = flat % dims[i];
    flat = Math.floor(flat / dims[i]);
  }
  return idx;
}

/** For each element of `out`, the flat index of the element of `from` it reads under broadcasting. */
export function broadcastIndex(from: Shape, out: Shape): (flat: number) => number {
  const st = strides(from);
  const offset = out.length - from.length;
  return (flat) => {
    const idx = unravel(flat, out);
    let k = 0;
    for (let i = 0; i < from.length; i++) k += (from[i] === 1 ? 0 : idx[offset + i]) * st[i];
    return k;
  };
}

/** Fold limit: a constant bigger than this is not shape arithmetic and is not computed. */
export const MAX_FOLDED_ELEMENTS = 1 << 22;

/**
 * Folding's budget for one model: the elements computed across the whole graph and the time spent
 * computing them, so that a small file cannot chain many tensors of the allowed size into minutes
 * and gigabytes. The importer runs under it.
 */
export const FOLD_BUDGET = { elements: 1 << 24, ms: 5000 };
const budget = { elements: Number.POSITIVE_INFINITY, ms: Number.POSITIVE_INFINITY };

/** Run `f` (an import) under a fresh budget; outside it nothing is charged against a limit. */
export function withFoldBudget<T>(f: () => T): T {
  budget.elements = FOLD_BUDGET.elements;
  budget.ms = FOLD_BUDGET.ms;
  try {
    return f();
  } finally {
    budget.elements = Number.POSITIVE_INFINITY;
    budget.ms = Number.POSITIVE_INFINITY;
  }
}

const overBudget = (what: string) =>
  new ShapeError(
    `folding constants would ${what} across the graph (the budget for shape arithmetic); this graph ` +
      'computes large constants, which no exporter writes',
  );

function charge(elements: number, ms = 0): void {
  budget.elements -= elements;
  budget.ms -= ms;
  if (budget.elements < 0)
    throw overBudget(`compute more than ${FOLD_BUDGET.elements.toLocaleString('en-US')} elements`);
  if (budget.ms < 0) throw overBudget(`take more than ${FOLD_BUDGET.ms / 1000} s`);
}

export function tensor(dims: Shape, type: ValueType, data: number[]): Tensor {
  if (data.length !== numel(dims))
    throw new ShapeError(`internal: ${data.length} values for dims [${dims.join(', ')}]`);
  charge(data.length);
  return { dims, type, data };
}

/** Build a tensor of `dims` element by element, refusing sizes no shape computation reaches. */
export function generate(dims: Shape, type: ValueType, at: (flat: number) => number): Tensor {
  const n = numel(dims);
  if (n > MAX_FOLDED_ELEMENTS) {
    throw new ShapeError(`a constant of ${n} elements is too large to compute (limit ${MAX_FOLDED_ELEMENTS})`);
  }
  charge(n);
  const start = performance.now();
  const data = Array.from({ length: n }, (_, i) => at(i));
  charge(0, performance.now() - start);
  return { dims, type, data };
}

/** Flat offset of a multi-index under the given strides. */
export const offset = (idx: number[], st: number[]): number => idx.reduce((acc, v, i) => acc + v * st[i], 0);

/**
 * A tensor of `dims` whose element at each multi-index is `src`'s element at `map(index)`: the
 * one loop behind every data-movement op's value (slice, split, transpose, gather, concat parts).
 */
export function remap(src: Tensor, dims: Shape, map: (idx: number[]) => number[]): Tensor {
  const st = strides(src.dims);
  return generate(dims, src.type, (flat) => src.data[offset(map(unravel(flat, dims)), st)]);
}
