/**
 * ShuffleNet V2's guideline experiments (paper Tables 1-4) on this CPU: the networks come from
 * configs/guidelines/*.yaml; the paper's speeds (images per second on its single-thread ARM CPU,
 * the Snapdragon 810, at the three sizes) are transcribed via ../shared/reference/published-figures.md,
 * which calls that column "ARM" for G1 and "CPU" for G2-G4.
 */
import { join } from 'node:path';
import { analyze } from '../cost/analyze.ts';
import { buildGraph } from '../graph/build.ts';
import type { Graph } from '../graph/types.ts';
import { benchMany, NOISY_SPREAD } from '../measure/bench.ts';
import type { MeasureEnv } from '../measure/env.ts';
import type { OptLevel } from '../measure/runner.ts';
import { relativeSpread, spearman } from '../measure/stats.ts';
import type { MachineProfile } from '../predict/machine.ts';
import { packageRoot, resolveModels } from '../spec/load.ts';
import { platformNote, predictRows } from './predicted.ts';
import { MIN_ROUNDS, relativeSpeed, type TrendTest, trendTest } from './trend.ts';
import type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

export { platformNote, predictRows } from './predicted.ts';
export type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

export const GUIDELINE_IDS: GuidelineId[] = ['G1', 'G2', 'G3', 'G4'];

export const GUIDELINES: Record<GuidelineId, GuidelineDef> = {
  G1: {
    id: 'G1',
    keyRow: '1to12',
    expected: [3, 2, 1, 0],
    hypothesis: 'speed falls as c1:c2 leaves 1:1',
    table: 'Table 1',
    file: 'g1.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'equal channel width minimizes memory access cost: speed falls as c1:c2 moves away from 1:1',
    widths: ['x1', 'x2', 'x4'],
    rows: [
      { key: '1to1', label: 'c1:c2 = 1:1', paper: [76.2, 21.7, 5.3] },
      { key: '1to2', label: 'c1:c2 = 1:2', paper: [72.9, 20.5, 5.1] },
      { key: '1to6', label: 'c1:c2 = 1:6', paper: [69.1, 17.9, 4.6] },
      { key: '1to12', label: 'c1:c2 = 1:12', paper: [57.6, 15.1, 4.4] },
    ],
  },
  G2: {
    id: 'G2',
    keyRow: 'g8',
    expected: [3, 2, 1, 0],
    hypothesis: 'speed falls as g rises',
    table: 'Table 2',
    file: 'g2.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'excessive group convolution increases MAC: at fixed MAdds, more groups run slower',
    widths: ['x1', 'x2', 'x4'],
    rows: [
      { key: 'g1', label: 'g = 1', paper: [40.0, 10.2, 2.3] },
      { key: 'g2', label: 'g = 2', paper: [35.0, 9.5, 2.2] },
      { key: 'g4', label: 'g = 4', paper: [32.9, 8.7, 2.1] },
      { key: 'g8', label: 'g = 8', paper: [27.8, 7.5, 1.8] },
    ],
  },
  G3: {
    id: 'G3',
    keyRow: '4parallel',
    // fewer fragments run faster, and fragments in parallel cost more than as many in series:
    // 1 > 2 in series > 4 in series = 2 in parallel > 4 in parallel
    expected: [4, 3, 2, 2, 0],
    hypothesis: 'speed falls with more fragments, more in parallel than in series',
    table: 'Table 3',
    file: 'g3.yaml',
    alternative: { file: 'g3-aligned.yaml', construction: 'channels in multiples of 8', prefix: 'g3a' },
    platform: 'ARM (Snapdragon 810, single thread)',
    claim:
      'network fragmentation reduces parallelism: at fixed MAdds, more fragments (parallel most of all) run slower',
    widths: ['c=64', 'c=128', 'c=256'],
    rows: [
      { key: '1frag', label: '1-fragment', paper: [40.2, 10.1, 2.3] },
      { key: '2series', label: '2-fragment-series', paper: [38.6, 10.1, 2.2] },
      { key: '4series', label: '4-fragment-series', paper: [38.4, 10.1, 2.3] },
      { key: '2parallel', label: '2-fragment-parallel', paper: [33.4, 9.1, 2.2] },
      { key: '4parallel', label: '4-fragment-parallel', paper: [35.0, 8.4, 2.1] },
    ],
  },
  G4: {
    id: 'G4',
    keyRow: 'none',
    expected: [0, 1, 1, 2],
    hypothesis: 'removing ReLU and shortcut speeds a block up',
    table: 'Table 4',
    file: 'g4.yaml',
    platform: 'ARM (Snapdragon 810, single thread)',
    claim: 'element-wise operations are non-negligible: removing ReLU and shortcut speeds the block up at equal MAdds',
    widths: ['c=32', 'c=64', 'c=128'],
    rows: [
      { key: 'relu-shortcut', label: 'ReLU + shortcut', paper: [56.7, 16.9, 5.0] },
      { key: 'relu', label: 'ReLU only', paper: [61.9, 18.8, 5.2] },
      { key: 'shortcut', label: 'shortcut only', paper: [57.3, 18.2, 5.1] },
      { key: 'none', label: 'neither', paper: [66.3, 20.2, 5.4] },
    ],
  },
};

export const variantName = (prefix: string, row: string, w: number) => `${prefix}-${row}-w${w + 1}`;

/** What `netcost guidelines` returns: each guideline's rows and verdict, on which machine, after how many runs. */
export interface GuidelinesReport {
  schemaVersion: number;
  env?: MeasureEnv;
  runs: number;
  results: GuidelineResult[];
  warnings: string[];
}

export interface GuidelineResult {
  id: GuidelineId;
  /** which construction of the rows, when the guideline has two (G3) */
  construction?: string;
  table: string;
  claim: string;
  hypothesis: string;
  platform: string;
  rows: GuidelineRow[];
  /** the hypothesis tested against chance, with its uncertainty over the timed rounds */
  trend?: TrendTest;
  /** the key row's speed relative to the first row, per width, with its 90% interval over rounds */
  effect?: { value: number; low: number; high: number }[];
  /** for comparison only: Spearman rank correlation of measured and paper speeds over the rows, per width */
  agreement?: number[];
  verdict?: string;
  /** with a machine profile: what the latency model says about this machine and the guideline */
  platformNote?: string;
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

/** One sentence: what the test says of the guideline's own hypothesis here, and how large the effect is. */
export function verdict(
  def: GuidelineDef,
  t: TrendTest,
  effect: GuidelineResult['effect'],
  construction?: string,
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
  switch (t.verdict) {
    case 'confirms':
      return `${who}: this CPU confirms the guideline ${claim}: ${test}.`;
    case 'contradicts':
      return `${who}: this CPU contradicts the guideline ${claim}: the order is reversed: ${test}.`;
    case 'does not show':
      return `${who}: this CPU does not show the guideline's trend ${claim}: ${test}.`;
    default:
      return t.rounds < MIN_ROUNDS
        ? `${who}: inconclusive ${claim}: ${t.rounds} round${t.rounds === 1 ? '' : 's'} of runs cannot tell the ` +
            `trend from the noise (${MIN_ROUNDS * 5} or more --runs; the default is 40): ${test}.`
        : `${who}: inconclusive at this noise ${claim}: resampling the rounds moves the decision; more --runs ` +
            `narrow it: ${test}.`;
  }
}

export interface GuidelineOptions {
  runs?: number;
  warmup?: number;
  threads?: number;
  optLevel?: OptLevel;
  /** predict beside the measurement from this machine profile */
  predict?: MachineProfile;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** Measure the guidelines on this CPU. */
export async function runGuidelines(
  ids: GuidelineId[],
  opts: GuidelineOptions = {},
): Promise<{ results: GuidelineResult[]; env?: MeasureEnv; warnings: string[] }> {
  const runs = opts.runs ?? 40;
  const warmup = opts.warmup ?? 3;
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
  const total = networks * runs;
  let offset = 0;
  let env: MeasureEnv | undefined;
  const noisy: string[] = [];
  const results: GuidelineResult[] = [];
  for (const { def, graphs, rows, construction } of nets) {
    const agreement: number[] = [];
    const samples: number[][][] = [];
    for (let w = 0; w < graphs.length; w++) {
      const base = offset;
      const m = await benchMany(graphs[w], {
        runs,
        warmup,
        threads: opts.threads ?? 1,
        optLevel: opts.optLevel,
        onProgress: (d, _t, p) => opts.onProgress?.(base + d, total, `${def.id} ${def.widths[w]} ${p}`),
      });
      offset += graphs[w].length * runs;
      samples.push(m.samples);
      env = m.env;
      noisy.push(
        ...m.results
          .filter((x) => relativeSpread(x.latency) > NOISY_SPREAD)
          .map((x) => `${x.model} ${(100 * relativeSpread(x.latency)).toFixed(0)}%`),
      );
      const wr = rows.filter((r) => r.width === def.widths[w]);
      m.results.forEach((res, i) => {
        wr[i].medianMs = res.latency.medianMs;
        wr[i].cv = res.latency.cv;
        wr[i].imagesPerSecond = 1000 / res.latency.medianMs;
      });
      for (const r of wr) r.relative = (r.imagesPerSecond ?? NaN) / (wr[0].imagesPerSecond ?? NaN);
      agreement.push(
        spearman(
          wr.map((r) => r.imagesPerSecond ?? NaN),
          wr.map((r) => r.paperImagesPerSecond),
        ),
      );
    }
    const trend = trendTest(samples, def.expected);
    const effect = relativeSpeed(
      samples,
      def.rows.findIndex((r) => r.key === def.keyRow),
    );
    if (opts.predict) predictRows(def, graphs, rows, opts.predict);
    const note = platformNote(def, rows);
    results.push({
      id: def.id,
      ...(construction ? { construction } : {}),
      table: def.table,
      claim: def.claim,
      hypothesis: def.hypothesis,
      platform: def.platform,
      rows,
      trend,
      effect,
      agreement,
      verdict: verdict(def, trend, effect, construction),
      ...(note ? { platformNote: note } : {}),
    });
  }
  compareConstructions(results);
  const warnings = noisy.length
    ? [
        `${noisy.length} of ${networks} networks had a p10-p90 spread above ${100 * NOISY_SPREAD}% of their median ` +
          `(this machine is noisy; more --runs help): ${noisy.join(', ')}`,
      ]
    : [];
  opts.onProgress?.(total, total, 'done');
  return { results, env, warnings };
}

/**
 * A guideline built two ways (G3: its 2-fragment-series rows at 45/91/181 channels, which
 * onnxruntime runs without its blocked layout, and at multiples of 8): which effect is which.
 */
function compareConstructions(results: GuidelineResult[]): void {
  for (const alt of results.filter((r) => r.construction)) {
    const first = results.find((r) => r.id === alt.id && !r.construction);
    if (!first?.trend || !alt.trend) continue;
    const same = first.trend.verdict === alt.trend.verdict;
    alt.platformNote = [
      alt.platformNote,
      same
        ? `Both constructions give "${alt.trend.verdict}": the blocked layout does not decide the verdict here.`
        : `The constructions differ ("${first.trend.verdict}" as first built, "${alt.trend.verdict}" with ` +
          'channels in multiples of 8): the difference is the layout (channel counts onnxruntime runs without ' +
          'its blocked kernels), not fragmentation; this construction is the one that measures fragmentation.',
    ]
      .filter(Boolean)
      .join(' ');
  }
}
