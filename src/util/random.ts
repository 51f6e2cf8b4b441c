/** Seeded pseudo-random numbers in [0, 1): the same seed, the same sequence on every machine. */

/** mulberry32: small, fast, good enough for deterministic weights and bootstrap draws. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A linear congruential generator (Numerical Recipes' constants): the guideline bootstrap's draws. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The order to time `n` models in, in round `round` of a run seeded `seed`: a seeded shuffle (Fisher-Yates),
 * a fresh one each round, so that a machine drifting steadily through a pass favours no model.
 */
export function roundOrder(seed: number, round: number, n: number): number[] {
  const u = mulberry32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) >>> 0);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Seeded draws: numbers in [0, 1), whole numbers, choices, chances, log-uniform values. */
export class Draw {
  protected readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  unit = (): number => this.next();
  /** a whole number in [lo, hi] */
  int = (lo: number, hi: number): number => lo + Math.floor(this.next() * (hi - lo + 1));
  pick = <X>(xs: readonly X[]): X => xs[Math.floor(this.next() * xs.length)];
  chance = (p: number): boolean => this.next() < p;
  /** log-uniform in [lo, hi], rounded */
  log = (lo: number, hi: number): number => Math.round(lo * (hi / lo) ** this.next());
}
