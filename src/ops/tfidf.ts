/**
 * TfIdfVectorizer: counts the n-grams of a pool in each row of integer (or string) tokens, n from
 * min_gram_length to max_gram_length, their tokens up to max_skip_count apart, and writes one
 * count (TF), weight (IDF) or weighted count (TFIDF) per pooled n-gram.
 */
import type { Shape, TfIdfAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** The n-grams of n tokens, `skip` apart, that start in a row of `c` tokens (unigrams: every token, once). */
const windows = (c: number, n: number, skip: number): number => Math.max(0, c - (n - 1) * (skip + 1));

/** Token compares to look up every candidate n-gram of one row: n per candidate, for each n and skip. */
export function tfidfCompares(c: number, a: TfIdfAttrs): number {
  let total = 0;
  for (let n = a.minGram; n <= a.maxGram; n++) {
    const skips = n === 1 ? 0 : a.maxSkip;
    for (let s = 0; s <= skips; s++) total += n * windows(c, n, s);
  }
  return total;
}

const rows = (x: Shape): number => (x.length === 2 ? x[0] : 1);

export const tfidf: OpDef<TfIdfAttrs> = {
  rule:
    'per row of C tokens, n token compares for each candidate n-gram (C - (n-1)·(skip+1) of them for each n ' +
    'from min_gram_length to max_gram_length and each skip up to max_skip_count; unigrams once) + 1 per output ' +
    '(the count or its weight); reads the tokens, the n-gram pool and the weights',
  infer([x], a) {
    if (x.length !== 1 && x.length !== 2)
      throw new ShapeError(`TfIdfVectorizer takes tokens [C] or [N, C], got [${x.join(', ')}]`);
    return [x.length === 1 ? [a.outputs] : [x[0], a.outputs]];
  },
  params: () => 0,
  madds: () => 0,
  flops: (a, [x], [y]) => rows(x) * tfidfCompares(x[x.length - 1], a) + numel(y),
  weightsRead: (a) => a.pool + a.weights,
  category: () => 'elementwise',
  onnx: () => {
    throw new ShapeError('TfIdfVectorizer is read from ONNX files; netcost does not write it');
  },
};
