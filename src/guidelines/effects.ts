/**
 * A guideline that names several effects (G3: fragments in series, and in parallel rather than in
 * series; G4: the ReLU, and the shortcut) is tested effect by effect, so that a CPU on which one
 * holds and the other does not gets that answer, not a coin flip between "confirms" and "does not
 * show" decided by the order of rows it runs alike (onnxruntime fuses ReLU into the convolution).
 *
 * - An effect is a few blocks of rows, each ordered fastest-expected first (G4's shortcut: ReLU only
 *   before ReLU + shortcut, neither before shortcut only). Its statistic is the linear contrast of
 *   the rows' log speeds within each block (centred expected scores), summed over blocks and widths:
 *   a row pair the machine runs alike adds about 0, whatever their order.
 * - With no effect, the rows of a block are exchangeable at each width: the null distribution is
 *   the statistic over every permutation within every block, enumerated exactly.
 * - Its stability is the trend test's: bootstrap draws of whole interleaved rounds.
 * - The effects of one guideline are a family: each is decided at its level by Holm's step-down
 *   (the smallest p at LEVEL/m, the next at LEVEL/(m-1), ... until one is not decided), so that
 *   with no effect at all the guideline "partly confirms" in at most LEVEL of runs, not 1-(1-LEVEL)^m.
 */
import { ROUND_RUNS } from '../measure/options.ts';
import { lcg } from '../util/random.ts';
import { decide, drawRounds, LEVEL, MIN_ROUNDS, median, percentile, STABLE, type TrendVerdict } from './trend.ts';

export interface EffectDef {
  key: string;
  /** what the effect is, as a verdict names it: "the shortcut" */
  label: string;
  /** blocks of row keys, each fastest-expected first */
  blocks: string[][];
}

export interface EffectTest {
  key: string;
  label: string;
  /** the expected-fastest row's speed over the expected-slowest one's, geometric mean over blocks and widths */
  ratio: number;
  /** 5th and 95th percentile of the ratio over bootstrap draws of whole rounds */
  low: number;
  high: number;
  p: number;
  pReverse: number;
  /** the level it was decided at (Holm's, among the guideline's effects) */
  level: number;
  stable: number;
  verdict: TrendVerdict;
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0]];
  return permutations(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** A block's contrast: centred expected scores (the first row highest) times the rows' log speeds. */
const contrast = (logs: number[]) => logs.reduce((a, x, i) => a + ((logs.length - 1) / 2 - i) * x, 0);

/** The statistic at one width under no effect: every permutation within every block, summed over blocks. */
function widthNull(blocks: number[][], logs: number[]): number[] {
  let values = [0];
  for (const b of blocks) {
    const inBlock = permutations(b.length).map((p) => contrast(p.map((i) => logs[b[i]])));
    values = values.flatMap((v) => inBlock.map((x) => v + x));
  }
  return values;
}

/** The chance that one value drawn from each list (uniformly, independently) sums to at least `t`. */
function chanceAtLeast(lists: number[][], t: number): number {
  const sorted = lists.map((l) => [...l].sort((a, b) => a - b));
  const go = (w: number, acc: number): number => {
    const l = sorted[w];
    if (w === sorted.length - 1) {
      let lo = 0;
      let hi = l.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (l[m] >= t - acc - 1e-12) hi = m;
        else lo = m + 1;
      }
      return (l.length - lo) / l.length;
    }
    return l.reduce((s, v) => s + go(w + 1, acc + v), 0) / l.length;
  };
  return go(0, 0);
}

/** The test on one set of speeds (`speeds[w][k]`, row k at width w): statistic, p both ways, decision. */
function test(speeds: number[][], blocks: number[][], level: number) {
  const logs = speeds.map((s) => s.map(Math.log));
  const t = logs.reduce((a, l) => a + blocks.reduce((s, b) => s + contrast(b.map((i) => l[i])), 0), 0);
  const lists = logs.map((l) => widthNull(blocks, l));
  const p = chanceAtLeast(lists, t);
  const pReverse = chanceAtLeast(
    lists.map((l) => l.map((v) => -v)),
    -t,
  );
  // the first row against the last of each block, as a speed ratio
  const pairs = speeds.flatMap((s) => blocks.map((b) => Math.log(s[b[0]] / s[b[b.length - 1]])));
  return {
    p,
    pReverse,
    decision: decide(p, pReverse, level),
    ratio: Math.exp(pairs.reduce((a, x) => a + x, 0) / pairs.length),
  };
}

function blocksOf(rows: string[], effect: EffectDef): number[][] {
  const blocks = effect.blocks.map((b) => b.map((key) => rows.indexOf(key)));
  if (blocks.flat().some((i) => i < 0)) throw new Error(`internal: effect ${effect.key} names a row not measured`);
  return blocks;
}

/** One effect's smaller one-sided p on all the timed runs (no resampling). */
function pointP(samples: number[][][], rows: string[], effect: EffectDef): number {
  const speeds = samples.map((nets) => nets.map((runs) => 1 / median(runs)));
  const t = test(speeds, blocksOf(rows, effect), LEVEL);
  return Math.min(t.p, t.pReverse);
}

/**
 * One effect on timed runs: `samples[w][k]` are row k's run times at width w, in rounds of `block`
 * runs; `rows` names the rows in order, as the effect's blocks do.
 */
export function effectTest(
  samples: number[][][],
  rows: string[],
  effect: EffectDef,
  block = ROUND_RUNS,
  draws = 1000,
  seed = 3,
  level = LEVEL,
): EffectTest {
  const blocks = blocksOf(rows, effect);
  const speedsOf = (pick: (w: number) => (runs: number[]) => number[]) =>
    samples.map((nets, w) => nets.map((runs) => 1 / median(pick(w)(runs))));
  const point = test(
    speedsOf(() => (r) => r),
    blocks,
    level,
  );
  const rounds = Math.min(...samples.flat().map((r) => Math.ceil(r.length / block)));
  const rand = lcg(seed);
  const ratios: number[] = [];
  let same = 0;
  for (let d = 0; d < draws; d++) {
    // one draw of rounds per width: the networks of a width shared each round's drift
    const picks = samples.map(() => drawRounds(rand, rounds, block));
    const t = test(
      speedsOf((w) => picks[w]),
      blocks,
      level,
    );
    ratios.push(t.ratio);
    if (t.decision === point.decision) same++;
  }
  ratios.sort((a, b) => a - b);
  const stable = same / draws;
  const verdict: TrendVerdict =
    stable < STABLE || rounds < MIN_ROUNDS
      ? 'inconclusive'
      : point.decision === 'confirms'
        ? 'confirms'
        : point.decision === 'contradicts'
          ? 'contradicts'
          : 'does not show';
  return {
    key: effect.key,
    label: effect.label,
    ratio: point.ratio,
    low: percentile(ratios, 0.05),
    high: percentile(ratios, 0.95),
    p: point.p,
    pReverse: point.pReverse,
    level,
    stable,
    verdict,
  };
}

/**
 * Holm's step-down levels for tests whose smaller one-sided p values are `ps`: the smallest at
 * level/m, the next at level/(m-1), ...; from the first one not decided on, the rest at that level.
 */
export function holmLevels(ps: number[], level = LEVEL): number[] {
  const order = ps.map((_, i) => i).sort((a, b) => ps[a] - ps[b]);
  const out = ps.map(() => level);
  let stopped: number | undefined;
  for (const [rank, i] of order.entries()) {
    out[i] = stopped ?? level / (ps.length - rank);
    if (stopped === undefined && ps[i] > out[i]) stopped = out[i];
  }
  return out;
}

/** Every effect of a guideline, each at its Holm level among them (see the module comment). */
export function effectTests(
  samples: number[][][],
  rows: string[],
  effects: EffectDef[],
  block = ROUND_RUNS,
  draws = 1000,
): EffectTest[] {
  const levels = holmLevels(effects.map((e) => pointP(samples, rows, e)));
  return effects.map((e, i) => effectTest(samples, rows, e, block, draws, 3, levels[i]));
}

/**
 * A guideline's verdict from its effects: all confirmed, it confirms; some, it partly confirms;
 * all reversed, it contradicts; an effect the noise leaves open, with none confirmed, makes it
 * inconclusive; else it does not show.
 */
export function combined(effects: EffectTest[]): TrendVerdict {
  const v = effects.map((e) => e.verdict);
  if (v.every((x) => x === 'confirms')) return 'confirms';
  if (v.includes('confirms')) return 'partly confirms';
  if (v.every((x) => x === 'contradicts')) return 'contradicts';
  if (v.includes('inconclusive')) return 'inconclusive';
  return 'does not show';
}
