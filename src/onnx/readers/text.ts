/** TfIdfVectorizer, the one text op with counts a cost model can state (its tokens are integers or strings). */
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, expectInputs, type NodeView, type ReaderEntries } from './reader.ts';

const MODES = ['TF', 'IDF', 'TFIDF'];

function tfidfVectorizer(n: NodeView): Built {
  expectInputs(n, 1);
  const minGram = n.attrs.int('min_gram_length', 0);
  const maxGram = n.attrs.int('max_gram_length', 0);
  const maxSkip = n.attrs.int('max_skip_count', 0);
  if (!(Number.isInteger(minGram) && minGram >= 1 && maxGram >= minGram && maxGram <= 64))
    throw new ShapeError(`min_gram_length ${minGram} and max_gram_length ${maxGram} must be 1 <= min <= max <= 64`);
  if (!(Number.isInteger(maxSkip) && maxSkip >= 0 && maxSkip <= 1024))
    throw new ShapeError(`max_skip_count ${maxSkip} must be a whole number from 0 to 1024`);
  const mode = n.attrs.str('mode', '');
  if (!MODES.includes(mode)) throw new ShapeError(`mode '${mode}' is not one of ${MODES.join(', ')}`);
  const indexes = n.attrs.ints('ngram_indexes') ?? [];
  if (!indexes.length || indexes.some((v) => !Number.isInteger(v) || v < 0))
    throw new ShapeError('ngram_indexes must list one output index from 0 for each pooled n-gram');
  const pool = (n.attrs.ints('pool_int64s') ?? []).length || n.attrs.strs('pool_strings').length;
  const weights = (n.attrs.floats('weights') ?? []).length;
  return built(
    'tfidf',
    // a loop, not Math.max(...): a file may list millions of indexes
    { minGram, maxGram, maxSkip, outputs: indexes.reduce((a, b) => Math.max(a, b), 0) + 1, pool, weights },
    [0],
    [],
    ['fp32'],
  );
}

export const TEXT: ReaderEntries = [['TfIdfVectorizer', [{ since: 9, read: tfidfVectorizer }]]];
