/**
 * Testing a guideline's own hypothesis, an expected ordering of its rows' speeds, against chance.
 *
 * - Statistic: per width, Spearman's correlation of the measured speeds with the expected ranks
 *   (ties in the expectation take average ranks); combined, their mean over the widths.
 * - Chance: with no trend the rows of a width are exchangeable, so the null distribution is that of
 *   the statistic over every permutation of the measured speeds within each width, enumerated
 *   exactly (24 or 120 orders per width). p is the chance of a result at least as far in the
 *   hypothesis's direction; the reverse p, in the opposite one.
 * - Noise: the timed runs come in interleaved rounds, and a round's drift falls on every network of
 *   its width alike, so the rounds, not the runs, are resampled (1,000 seeded bootstrap draws of
 *   whole rounds): how often the test's decision survives is how sure the verdict is.
 */
import { ROUND_RUNS } from '../measure/options.ts';
import { spearman } from '../measure/stats.ts';
import { lcg } from '../util/random.ts';

/** The test's level: a decision needs p at most this. */
export const LEVEL = 0.05;
/** The share of bootstrap draws that must reach the point estimate's decision for a verdict. */
export const STABLE = 0.9;
/** Rounds below which resampling them says nothing of the noise (`--quick` times one). */
export const MIN_ROUNDS = 4;

export type Decision = 'confirms' | 'contradicts' | 'none';
/** A verdict; 'partly confirms' only for a guideline of several effects, some confirmed (effects.ts). */
export type TrendVerdict = 'confirms' | 'partly confirms' | 'contradicts' | 'does not show' | 'inconclusive';

export interface TrendTest {
  /** mean over widths of Spearman(measured speed, expected rank) */
  statistic: number;
  perWidth: number[];
  /** chance, with no trend, of a statistic at least this high; and at least this low */
  p: number;
  pReverse: number;
  /**
   * chance that one fixed order of the rows, the same at every width (a systematic effect the
   * guideline does not name), matches the hypothesis this well: what the test against noise cannot rule out
   */
  pOrder: number;
  level: number;
  /** 5th and 95th percentile of the statistic over bootstrap draws of whole rounds */
  low: number;
  high: number;
  /** share of the bootstrap draws whose decision is the point estimate's */
  stable: number;
  rounds: number;
  verdict: TrendVerdict;
}

export const median = (xs: number[]) => {
  // a typed array sorts numerically without a comparator call per pair (the bootstrap's hot spot)
  const v = Float64Array.from(xs).sort();
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** The q-th quantile of sorted values (the lower of two). */
export const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/**
 * One bootstrap draw of `rounds` whole rounds (with replacement), as the runs of a network they
 * hold: the same draw serves every network of a width, whose rounds shared the machine's drift.
 */
export function drawRounds(rand: () => number, rounds: number, block: number): (runs: number[]) => number[] {
  const picked = Array.from({ length: rounds }, () => Math.floor(rand() * rounds));
  return (runs) => {
    const out: number[] = [];
    for (const r of picked)
      for (let i = r * block; i < Math.min(runs.length, r * block + block); i++) out.push(runs[i]);
    return out;
  };
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** The exact null distribution of the mean over `widths` widths of Spearman with `expected`: values, chances. */
export function nullDistribution(expected: number[], widths: number): Map<number, number> {
  const speeds = expected.map((_, i) => i); // distinct values: any order stands for one of the n! orders
  const one = new Map<number, number>();
  const perms = permutations(expected.length);
  for (const p of perms) {
    const r = round(
      spearman(
        p.map((i) => speeds[i]),
        expected,
      ),
    );
    one.set(r, (one.get(r) ?? 0) + 1 / perms.length);
  }
  let sum = new Map<number, number>([[0, 1]]);
  for (let w = 0; w < widths; w++) {
    const next = new Map<number, number>();
    for (const [a, pa] of sum)
      for (const [b, pb] of one) next.set(round(a + b), (next.get(round(a + b)) ?? 0) + pa * pb);
    sum = next;
  }
  return new Map([...sum].map(([v, p]) => [round(v / widths), p]));
}
const round = (x: number) => Math.round(x * 1e9) / 1e9;

/** p of a statistic: its chance under no trend of a value at least as high, and at least as low. */
export function pValues(t: number, nullDist: Map<number, number>): { p: number; pReverse: number } {
  let p = 0;
  let pReverse = 0;
  for (const [v, q] of nullDist) {
    if (v >= t - 1e-9) p += q;
    if (v <= t + 1e-9) pReverse += q;
  }
  return { p, pReverse };
}

export const decide = (p: number, pReverse: number, level = LEVEL): Decision =>
  p <= level ? 'confirms' : pReverse <= level ? 'contradicts' : 'none';

/** The statistic of one set of speeds: per width, Spearman with the expected ranks; and their mean. */
function statistic(speeds: number[][], expected: number[]): { t: number; perWidth: number[] } {
  const perWidth = speeds.map((s) => spearman(s, expected));
  return { t: mean(perWidth.map((x) => (Number.isNaN(x) ? 0 : x))), perWidth };
}

/**
 * The test on timed runs: `samples[w][k]` are network k's run times at width w, taken in rounds of
 * `block` runs per network; `expected[k]` is row k's expected speed rank (higher is faster).
 */
export function trendTest(
  samples: number[][][],
  expected: number[],
  block = ROUND_RUNS,
  draws = 1000,
  seed = 1,
): TrendTest {
  const speedsOf = (pick: (runs: number[]) => number[]) =>
    samples.map((nets) => nets.map((runs) => 1 / median(pick(runs))));
  const nullDist = nullDistribution(expected, samples.length);
  const oneWidth = nullDistribution(expected, 1);
  const point = statistic(
    speedsOf((r) => r),
    expected,
  );
  const { p, pReverse } = pValues(point.t, nullDist);
  const decision = decide(p, pReverse);
  const rand = lcg(seed);
  const rounds = Math.min(...samples.flat().map((r) => Math.ceil(r.length / block)));
  const ts: number[] = [];
  let same = 0;
  for (let b = 0; b < draws; b++) {
    const speeds = samples.map((nets) => {
      const pick = drawRounds(rand, rounds, block);
      return nets.map((runs) => 1 / median(pick(runs)));
    });
    const t = statistic(speeds, expected).t;
    ts.push(t);
    const q = pValues(t, nullDist);
    if (decide(q.p, q.pReverse) === decision) same++;
  }
  ts.sort((a, b) => a - b);
  const stable = same / draws;
  const verdict: TrendVerdict =
    stable < STABLE || rounds < MIN_ROUNDS
      ? 'inconclusive'
      : decision === 'confirms'
        ? 'confirms'
        : decision === 'contradicts'
          ? 'contradicts'
          : 'does not show';
  return {
    statistic: point.t,
    perWidth: point.perWidth,
    p,
    pReverse,
    pOrder: pValues(point.t, oneWidth).p,
    level: LEVEL,
    low: percentile(ts, 0.05),
    high: percentile(ts, 0.95),
    stable,
    rounds,
    verdict,
  };
}

/** A row's speed relative to the first row, per width, with its 90% interval over draws of whole rounds. */
export function relativeSpeed(
  samples: number[][][],
  row: number,
  block = ROUND_RUNS,
  draws = 1000,
  seed = 2,
): { value: number; low: number; high: number }[] {
  const rand = lcg(seed);
  return samples.map((nets) => {
    const ratio = (pick: (runs: number[]) => number[]) => median(pick(nets[0])) / median(pick(nets[row]));
    const rounds = Math.min(...nets.map((r) => Math.ceil(r.length / block)));
    const rs: number[] = [];
    for (let b = 0; b < draws; b++) rs.push(ratio(drawRounds(rand, rounds, block)));
    rs.sort((a, b) => a - b);
    return { value: ratio((r) => r), low: percentile(rs, 0.05), high: percentile(rs, 0.95) };
  });
}
