/** Levenshtein distance, for "did you mean" suggestions. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The candidates near `word` (within half its length in edits), best first. */
export function closest(word: string, candidates: string[], n = 3): string[] {
  return candidates
    .map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) - (c.includes(word) ? word.length : 0) }))
    .filter((x) => x.d <= Math.max(2, word.length / 2))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, n)
    .map((x) => x.c);
}
