/**
 * ShuffleNet V2's guideline experiments (paper Tables 1-4) on this CPU: the networks come from
 * configs/guidelines/*.yaml; the paper's speeds (images per second on its single-thread ARM CPU,
 * the Snapdragon 810, at the three sizes) are transcribed via ../shared/reference/published-figures.md,
 * which calls that column "ARM" for G1 and "CPU" for G2-G4.
 */

import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { analyze } from '../cost/analyze.ts';
import { buildGraph } from '../graph/build.ts';
import type { Graph } from '../graph/types.ts';
import { benchMany, NOISY_SPREAD } from '../measure/bench.ts';
import type { MeasureEnv } from '../measure/env.ts';
import { type OptLevel, ROUND_RUNS } from '../measure/options.ts';
import { relativeSpread, spearman, summarize } from '../measure/stats.ts';
import type { MachineProfile } from '../predict/machine.ts';
import { packageRoot, resolveModels } from '../spec/load.ts';
import { decideAdaptively, type GuidelineTests } from './adaptive.ts';
import { GUIDELINES } from './defs.ts';
import type { EffectTest } from './effects.ts';
import { platformNote, predictRows } from './predicted.ts';
import { MIN_ROUNDS, relativeSpeed, type TrendTest, type TrendVerdict } from './trend.ts';
import type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

export { GUIDELINE_IDS, GUIDELINES } from './defs.ts';
export { platformNote, predictRows } from './predicted.ts';
export type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

/** Timed runs per network in a pass of `guidelines` (8 interleaved rounds). */
export const DEFAULT_RUNS = 40;

export const variantName = (prefix: string, row: string, w: number) => `${prefix}-${row}-w${w + 1}`;

/** What `netcost guidelines` returns: each guideline's rows and verdict, on which machine, after how many runs. */
export interface GuidelinesReport {
  schemaVersion: number;
  env?: MeasureEnv;
  /** timed runs per network in a pass */
  runs: number;
  /** the most a guideline whose verdict stayed open was timed, per network */
  maxRuns?: number;
  results: GuidelineResult[];
  warnings: string[];
}

export interface GuidelineResult {
  id: GuidelineId;
  /** which construction of the rows, when the guideline has two (G3) */
  construction?: string;
  /** timed runs per network the verdict rests on */
  runs?: number;
  /** runs per network of each pass, when the first left the verdict inconclusive at this noise and more were timed */
  passes?: number[];
  table: string;
  claim: string;
  hypothesis: string;
  platform: string;
  rows: GuidelineRow[];
  /** the hypothesis tested against chance, with its uncertainty over the timed rounds */
  trend?: TrendTest;
  /** a guideline of several effects: each tested apart (the verdict combines them) */
  effects?: EffectTest[];
  /** the verdict's kind: the trend test's, or the effects' combined */
  decision?: TrendVerdict;
  /** the key row's speed relative to the first row, per width, with its 90% interval over rounds */
  effect?: { value: number; low: number; high: number }[];
  /** for comparison only: Spearman rank correlation of measured and paper speeds over the rows, per width */
  agreement?: number[];
  verdict?: string;
  /** with a machine profile: what the latency model says about this machine and the guideline */
  platformNote?: string;
  /** the order the rows were timed in: the run's seed and, per width, each round's order (row indices) */
  timingOrder?: { seed: number; rounds: number[][][] };
}

/** The networks of one guideline with their cost-model numbers (no timing). */
export async function guidelineNetworks(
  id: GuidelineId,
  /** the guideline's alternative construction (G3's), instead of its first */
  alternative = false,
): Promise<{ def: GuidelineDef; graphs: Graph[][]; rows: GuidelineRow[] }> {
  const def = GUIDELINES[id];
  const alt = alternative ? def.alternative : undefined;
  if (alternative && !alt) throw new Error(`internal: ${id} has one construction`);
  const prefix = alt?.prefix ?? id.toLowerCase();
  const all = await resolveModels([join(packageRoot(), 'configs', 'guidelines', alt?.file ?? def.file)]);
  const graphs: Graph[][] = [];
  const rows: GuidelineRow[] = [];
  def.widths.forEach((width, w) => {
    const perWidth = def.rows.map((r) => {
      const m = all.find((x) => x.name === variantName(prefix, r.key, w));
      if (!m) throw new Error(`internal: ${alt?.file ?? def.file} has no variant ${variantName(prefix, r.key, w)}`);
      return m;
    });
    const built = perWidth.map((m) => buildGraph(m));
    graphs.push(built);
    perWidth.forEach((m, i) => {
      const cost = analyze(built[i]);
      const r = def.rows[i];
      let macLowerBound: number | undefined;
      if (id === 'G1') {
        macLowerBound = cost.layers
          .filter((l) => l.op === 'conv')
          .reduce((a, l) => {
            const hw = l.outputShape[2] * l.outputShape[3];
            return a + 2 * Math.sqrt(hw * l.madds) + l.madds / hw;
          }, 0);
      }
      rows.push({
        row: r.key,
        label: r.label,
        width,
        model: m.name,
        input: m.input,
        madds: cost.totals.madds,
        memoryAccess: cost.totals.memoryAccess,
        ...(macLowerBound !== undefined ? { macLowerBound } : {}),
        paperImagesPerSecond: r.paper[w],
        paperRelative: r.paper[w] / def.rows[0].paper[w],
      });
    });
  });
  return { def, graphs, rows };
}

const two = (x: number) => x.toFixed(2);
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** An effect in words: its verdict, its size with its interval, p both ways and its stability. */
const effectText = (e: EffectTest) =>
  `${e.label}: ${e.verdict} (the rows expected faster run at ${two(e.ratio)}x [${two(e.low)}-${two(e.high)}] ` +
  `the speed of the others, ${pText(e.p)}${e.pReverse <= e.p ? `, reversed ${pText(e.pReverse)}` : ''} ` +
  `at level ${+e.level.toFixed(4)} (Holm, over the guideline's effects), ` +
  `the same decision in ${Math.round(100 * e.stable)}% of resamples)`;

/**
 * One sentence: what the test says of the guideline's own hypothesis here (`kind`), and how large
 * the effect is; for a guideline of several effects, each effect's verdict first, the full order after.
 */
export function verdict(
  def: GuidelineDef,
  { trend: t, effects, decision: kind }: GuidelineTests,
  effect: GuidelineResult['effect'],
  construction: string | undefined,
  /** runs per network of each pass timed: more than one when the first left the verdict open */
  passes: number[],
): string {
  const label = def.rows.find((r) => r.key === def.keyRow)?.label ?? def.keyRow;
  const key = def.rows.findIndex((r) => r.key === def.keyRow);
  const ours = (effect ?? []).map((e) => `${two(e.value)} [${two(e.low)}-${two(e.high)}]`).join(' / ');
  const theirs = def.widths.map((_, w) => two(def.rows[key].paper[w] / def.rows[0].paper[w])).join(' / ');
  const test =
    `rank correlation with the expected order ${two(t.statistic)} over ${t.perWidth.length} widths ` +
    `(90% interval ${two(t.low)} to ${two(t.high)} resampling ${t.rounds} rounds), ${pText(t.p)} against ` +
    `no trend${t.pReverse <= t.level ? ` (reversed: ${pText(t.pReverse)})` : ''} at level ${t.level}, the same ` +
    `decision in ${Math.round(100 * t.stable)}% of resamples; a fixed order of the rows would match this well by ` +
    `chance in ${Math.round(100 * t.pOrder)}%; ${label} runs at ${ours} of the first row here, ` +
    `${theirs} in the paper`;
  const who = `${def.id}${construction ? ` (${construction})` : ''}`;
  const claim = `(${def.hypothesis})`;
  const taken = passes.reduce((a, b) => a + b, 0);
  const again =
    passes.length > 1
      ? `; ${taken} runs per network in ${passes.length} passes (${passes.join(' + ')}): the first ` +
        `${passes.length > 2 ? 'ones' : 'one'} left the verdict inconclusive at this noise`
      : '';
  const parts = `${effects ? `${effects.map(effectText).join('; ')}; the whole order: ${test}` : test}${again}`;
  switch (kind) {
    case 'confirms':
      return `${who}: this CPU confirms the guideline ${claim}: ${parts}.`;
    case 'partly confirms':
      return `${who}: this CPU partly confirms the guideline ${claim}: ${parts}.`;
    case 'contradicts':
      return `${who}: this CPU contradicts the guideline ${claim}: the order is reversed: ${parts}.`;
    case 'does not show':
      return `${who}: this CPU does not show the guideline's trend ${claim}: ${parts}.`;
    default:
      return t.rounds < MIN_ROUNDS
        ? `${who}: inconclusive ${claim}: ${t.rounds} round${t.rounds === 1 ? '' : 's'} of runs cannot tell the ` +
            `trend from the noise (${MIN_ROUNDS * ROUND_RUNS} or more --runs; the default is ${DEFAULT_RUNS}): ` +
            `${parts}.`
        : `${who}: inconclusive at this noise ${claim}: resampling the rounds moves the decision; more --runs ` +
            `(or --max-runs) narrow it: ${parts}.`;
  }
}

export interface GuidelineOptions {
  /** timed runs per network in a pass (default DEFAULT_RUNS, 40) */
  runs?: number;
  /** while a verdict is inconclusive at this noise, more passes up to this many runs per network (default 3x runs) */
  maxRuns?: number;
  warmup?: number;
  threads?: number;
  optLevel?: OptLevel;
  /** predict beside the measurement from this machine profile */
  predict?: MachineProfile;
  /** the seed of the order rows are timed in, each round (default: a fresh one, recorded in the result) */
  seed?: number;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Measure the guidelines on this CPU. */
export async function runGuidelines(
  ids: GuidelineId[],
  opts: GuidelineOptions = {},
): Promise<{ results: GuidelineResult[]; env?: MeasureEnv; warnings: string[] }> {
  const runs = opts.runs ?? DEFAULT_RUNS;
  const maxRuns = Math.max(runs, opts.maxRuns ?? 3 * runs);
  const warmup = opts.warmup ?? 3;
  const seed = opts.seed ?? randomInt(2 ** 31);
  let passSeed = seed;
  // every construction of every guideline asked (G3 has two)
  const nets = (
    await Promise.all(
      ids.map(async (id) => [
        { ...(await guidelineNetworks(id)), construction: undefined as string | undefined },
        ...(GUIDELINES[id].alternative
          ? [{ ...(await guidelineNetworks(id, true)), construction: GUIDELINES[id].alternative?.construction }]
          : []),
      ]),
    )
  ).flat();
  const networks = nets.reduce((a, n) => a + n.graphs.flat().length, 0);
  // the total grows when a guideline is timed again
  const progress: Progress = { done: 0, total: networks * runs, report: opts.onProgress };
  let env: MeasureEnv | undefined;
  const noisy: string[] = [];
  const results: GuidelineResult[] = [];
  for (const { def, graphs, rows, construction } of nets) {
    let first = true;
    const rounds: number[][][] = graphs.map(() => []);
    const measure = async (n: number) => {
      if (!first) progress.total += graphs.flat().length * n;
      first = false;
      const pass = await timePass(def, graphs, { ...opts, runs: n, warmup, seed: passSeed++ }, progress);
      env = pass.env;
      for (const [w, r] of pass.orders.entries()) rounds[w].push(...r);
      return pass.samples;
    };
    const { samples, tests, runs: taken, passes } = await decideAdaptively(def, measure, runs, maxRuns);
    const agreement = fillRows(def, rows, samples, noisy);
    const { trend, effects, decision } = tests;
    const effect = relativeSpeed(
      samples,
      def.rows.findIndex((r) => r.key === def.keyRow),
    );
    if (opts.predict) predictRows(def, graphs, rows, opts.predict);
    const note = platformNote(def, rows);
    results.push({
      id: def.id,
      ...(construction ? { construction } : {}),
      runs: taken,
      ...(passes.length > 1 ? { passes } : {}),
      table: def.table,
      claim: def.claim,
      hypothesis: def.hypothesis,
      platform: def.platform,
      rows,
      trend,
      ...(effects ? { effects } : {}),
      decision,
      effect,
      agreement,
      verdict: verdict(def, tests, effect, construction, passes),
      ...(note ? { platformNote: note } : {}),
      timingOrder: { seed, rounds },
    });
  }
  compareConstructions(results);
  const warnings = noisy.length
    ? [
        `${noisy.length} of ${networks} networks had a p10-p90 spread above ${100 * NOISY_SPREAD}% of their median ` +
          `(this machine is noisy; more --runs help): ${noisy.join(', ')}`,
      ]
    : [];
  opts.onProgress?.(progress.total, progress.total, 'done');
  return { results, env, warnings };
}

interface Progress {
  done: number;
  total: number;
  report?: GuidelineOptions['onProgress'];
}

/**
 * One pass over a guideline's networks: each width's rows timed interleaved, `opts.runs` runs each,
 * each round in a seeded random order (a steady drift through the pass favours no row).
 */
async function timePass(
  def: GuidelineDef,
  graphs: Graph[][],
  opts: GuidelineOptions & { runs: number; warmup: number; seed: number },
  progress: Progress,
): Promise<{ samples: number[][][]; orders: number[][][]; env: MeasureEnv }> {
  const samples: number[][][] = [];
  const orders: number[][][] = [];
  let env: MeasureEnv | undefined;
  for (const [w, g] of graphs.entries()) {
    const base = progress.done;
    const m = await benchMany(g, {
      runs: opts.runs,
      warmup: opts.warmup,
      threads: opts.threads ?? 1,
      optLevel: opts.optLevel,
      orderSeed: (Math.imul(opts.seed, 31) + w) >>> 0,
      onProgress: (d, _t, p) => progress.report?.(base + d, progress.total, `${def.id} ${def.widths[w]} ${p}`),
    });
    progress.done += g.length * opts.runs;
    samples.push(m.samples);
    orders.push(m.order.rounds);
    env = m.env;
  }
  if (!env) throw new Error(`internal: ${def.id} has no widths`);
  return { samples, orders, env };
}

/**
 * A guideline's rows from its timed runs (`samples[w][k]`): median, spread, speed and speed relative
 * to the first row; networks whose spread is wide go to `noisy`. Returns, per width, the rank
 * correlation of the speeds with the paper's (shown for comparison only).
 */
function fillRows(def: GuidelineDef, rows: GuidelineRow[], samples: number[][][], noisy: string[]): number[] {
  return samples.map((nets, w) => {
    const wr = rows.filter((r) => r.width === def.widths[w]);
    nets.forEach((times, i) => {
      const latency = summarize(times);
      if (relativeSpread(latency) > NOISY_SPREAD)
        noisy.push(`${wr[i].model} ${(100 * relativeSpread(latency)).toFixed(0)}%`);
      wr[i].medianMs = latency.medianMs;
      wr[i].cv = latency.cv;
      wr[i].imagesPerSecond = 1000 / latency.medianMs;
    });
    for (const r of wr) r.relative = (r.imagesPerSecond ?? NaN) / (wr[0].imagesPerSecond ?? NaN);
    return spearman(
      wr.map((r) => r.imagesPerSecond ?? NaN),
      wr.map((r) => r.paperImagesPerSecond),
    );
  });
}

/**
 * A guideline built two ways (G3: its 2-fragment-series rows at 45/91/181 channels, which
 * onnxruntime runs without its blocked layout, and at multiples of 8): which effect is which.
 */
function compareConstructions(results: GuidelineResult[]): void {
  for (const alt of results.filter((r) => r.construction)) {
    const first = results.find((r) => r.id === alt.id && !r.construction);
    if (!first?.decision || !alt.decision) continue;
    const same = first.decision === alt.decision;
    alt.platformNote = [
      alt.platformNote,
      same
        ? `Both constructions give "${alt.decision}": the blocked layout does not decide the verdict here.`
        : `The constructions differ ("${first.decision}" as first built, "${alt.decision}" with ` +
          'channels in multiples of 8): the difference is the layout (channel counts onnxruntime runs without ' +
          'its blocked kernels), not fragmentation; this construction is the one that measures fragmentation.',
    ]
      .filter(Boolean)
      .join(' ');
  }
}
