/**
 * Bounds no real network reaches. Input past them is refused with a message that states the
 * bound, so a typo or a hostile file ends in one clear error instead of an hour of work, a crash
 * or a number that is no longer exact.
 */
export const LIMITS = {
  /** any tensor dimension: channels, height, width, batch, audio samples (10 minutes at 16 kHz is 9.6M) */
  dimension: 2 ** 24,
  /** elements of one tensor */
  elements: 2 ** 36,
  /** layers of one model */
  layers: 100_000,
  /** subgraph bodies read while importing one model (If branches, Loop and Scan bodies, each unrolled trip, nested) */
  subgraphReads: 10_000,
  /** tensors of one sequence (SplitToSequence and the like: each is a layer's output) */
  sequenceItems: 4096,
  /** spec entries expanded while building one model (repeats and blocks included) */
  expansion: 1_000_000,
  /** `repeat` count */
  repeat: 10_000,
  /** nesting of a spec's entries (seq, parallel, repeat, block) */
  nesting: 64,
  /** timing flags */
  runs: 100_000,
  warmup: 10_000,
  threads: 1024,
  /** runs profiled by `bench --per-layer` (the profiler's trace grows with every run) */
  profiledRuns: 500,
  /** sizes of one sweep (`--dim batch=1,8,32`, `--input` twice), their product when several vary */
  sweep: 64,
} as const;

export const fmtLimit = (n: number): string =>
  n >= 2 ** 20 && Number.isInteger(Math.log2(n)) ? `2^${Math.log2(n)}` : n.toLocaleString('en-US');
