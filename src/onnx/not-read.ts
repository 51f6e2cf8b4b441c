/**
 * The default-domain ops (opsets 1 to 23) netcost has no rule for, each with why: README's op
 * table lists them (npm run docs), and a warning or error that names one says why. Constant,
 * control flow and the sequence ops are read by the graph reader itself (graph-reader.ts).
 */
const OPTIONAL =
  "an optional value (a tensor or none), a type netcost's graph does not hold (an optional input left empty, " +
  'as most ops allow, is read)';
const TEXT =
  'text processing on string tensors: no arithmetic a cost model of the network counts (TfIdfVectorizer, whose ' +
  'n-gram lookups can be counted, is read)';

export const NOT_READ: ReadonlyMap<string, string> = new Map([
  ...['Optional', 'OptionalGetElement', 'OptionalHasElement'].map((op) => [op, OPTIONAL] as const),
  [
    'SequenceMap',
    'a body graph run once per element of a sequence: not read yet (the other sequence ops are; a Loop over ' +
      'SequenceAt costs the same and is)',
  ],
  ...['RegexFullMatch', 'StringConcat', 'StringNormalizer', 'StringSplit'].map((op) => [op, TEXT] as const),
  ['ImageDecoder', 'its output size is in the encoded image (JPEG, PNG) bytes, known only once decoded'],
]);

/** The ops NOT_READ names among `ops`, grouped by their reason. */
export function byReason(ops: Iterable<string>): [why: string, ops: string[]][] {
  const by = new Map<string, string[]>();
  for (const op of ops) {
    const why = NOT_READ.get(op);
    if (why) by.set(why, [...(by.get(why) ?? []), op]);
  }
  return [...by];
}

/** For an error or warning that lists ops without a rule: why, for those of them NOT_READ names ('' for none). */
export const whyClause = (keys: string[]): string =>
  byReason(keys)
    .map(([why, ops]) => `; ${ops.join(', ')}: ${why}`)
    .join('');
