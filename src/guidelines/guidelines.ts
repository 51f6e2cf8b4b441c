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
import type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

export { platformNote, predictRows } from './predicted.ts';
export type { GuidelineDef, GuidelineId, GuidelineRow } from './types.ts';

export const GUIDELINE_IDS: GuidelineId[] = ['G1', 'G2', 'G3', 'G4'];

export const GUIDELINES: Record<GuidelineId, GuidelineDef> = {
  G1: {
    id: 'G1',
    keyRow: '1to12',
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
    table: 'Table 3',
    file: 'g3.yaml',
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

export const variantName = (g: GuidelineId, row: string, w: number) => `${g.toLowerCase()}-${row}-w${w + 1}`;

export interface GuidelineResult {
  id: GuidelineId;
  table: string;
  claim: string;
  platform: string;
  rows: GuidelineRow[];
  /** Spearman rank correlation of measured and paper speeds over the rows, per width */
  agreement?: number[];
  /** how far the machine's noise could move the mean agreement (bootstrap over the timed runs) */
  interval?: AgreementInterval;
  verdict?: string;
  /** with a machine profile: what the latency model says about this machine and the guideline */
  platformNote?: string;
}

/** The networks of one guideline with their cost-model numbers (no timing). */
export async function guidelineNetworks(
  id: GuidelineId,
): Promise<{ def: GuidelineDef; graphs: Graph[][]; rows: GuidelineRow[] }> {
  const def = GUIDELINES[id];
  const all = await resolveModels([join(packageRoot(), 'configs', 'guidelines', def.file)]);
  const graphs: Graph[][] = [];
  const rows: GuidelineRow[] = [];
  def.widths.forEach((width, w) => {
    const perWidth = def.rows.map((r) => {
      const m = all.find((x) => x.name === variantName(id, r.key, w));
      if (!m) throw new Error(`internal: ${def.file} has no variant ${variantName(id, r.key, w)}`);
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

/** How sure the agreement is: a bootstrap over the timed runs. */
export interface AgreementInterval {
  /** 5th and 95th percentile of the mean rank correlation over resampled runs */
  low: number;
  high: number;
  /** timed runs per network behind it */
  runs: number;
}

/**
 * Resample each network's timed runs with replacement (seeded, so a verdict is reproducible from
 * its samples), recompute the medians, the rank correlation with the paper per width and their
 * mean: the spread of that mean is how much the machine's noise could move the verdict.
 * `samples[w][k]` are network k's runs at width w; `paper[w][k]` the paper's speed.
 */
export function bootstrapAgreement(
  samples: number[][][],
  paper: number[][],
  rounds = 1000,
  seed = 1,
): AgreementInterval {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  };
  const means: number[] = [];
  for (let b = 0; b < rounds; b++) {
    const perWidth = samples.map((nets, w) => {
      const speeds = nets.map((runs) => 1 / median(runs.map(() => runs[Math.floor(rand() * runs.length)])));
      return spearman(speeds, paper[w]);
    });
    const valid = perWidth.filter((x) => !Number.isNaN(x));
    means.push(valid.reduce((a, x) => a + x, 0) / (valid.length || 1));
  }
  means.sort((a, b) => a - b);
  const at = (q: number) => means[Math.min(means.length - 1, Math.floor(q * means.length))];
  return { low: at(0.05), high: at(0.95), runs: Math.min(...samples.flat().map((r) => r.length)) };
}

/** One sentence: does this CPU confirm the paper's trend, and how strongly. */
export function verdict(
  def: GuidelineDef,
  rows: GuidelineRow[],
  agreement: number[],
  interval?: AgreementInterval,
): string {
  const valid = agreement.filter((x) => !Number.isNaN(x));
  const mean = valid.reduce((a, b) => a + b, 0) / (valid.length || 1);
  const lastKey = def.keyRow;
  const slow = rows.filter((r) => r.row === lastKey);
  const ours = slow.map((r) => (r.relative ?? NaN).toFixed(2)).join('/');
  const theirs = slow.map((r) => r.paperRelative.toFixed(2)).join('/');
  const label = def.rows.find((r) => r.key === lastKey)!.label;
  const off = agreement
    .map((x, i) => [x, i] as const)
    .filter(([x]) => !(x >= 0.3))
    .map(([x, i]) => `${def.widths[i]} (${Number.isNaN(x) ? 'no order' : x.toFixed(2)})`);
  const disagree = off.length && mean >= 0.3 ? `; the order departs from the paper's at ${off.join(', ')}` : '';
  const sure = interval
    ? ` (90% interval ${interval.low.toFixed(2)} to ${interval.high.toFixed(2)}, resampling the timed runs)`
    : '';
  const strength =
    `mean rank correlation with the paper's speeds ${mean.toFixed(2)} over ${valid.length} widths${sure}; ` +
    `${label} runs at ${ours} of the first row here, ${theirs} in the paper${disagree}`;
  // with an interval, a verdict is given only when the noise cannot move it across a threshold
  if (interval && crosses(interval)) {
    // the interval narrows as 1/sqrt(runs): enough runs bring its edge on the threshold's side past it
    const threshold = Math.abs(mean - 0.3) <= Math.abs(mean + 0.3) ? 0.3 : -0.3;
    const margin = Math.max(0.05, Math.abs(mean - threshold));
    const reach = mean >= threshold ? mean - interval.low : interval.high - mean;
    const needed = Math.min(10_000, Math.max(interval.runs + 1, Math.ceil(interval.runs * (reach / margin) ** 2)));
    return `${def.id}: inconclusive at this noise: about ${needed} runs per network would settle it (${strength}).`;
  }
  // with an interval, the categories are the ones it separates: confirms (all of it at or above
  // 0.3), contradicts (at or below -0.3), does not show (between); 0.7, which no interval guards,
  // only qualifies a confirmation
  if (interval) {
    if (interval.low >= 0.3) {
      const weakly = mean < 0.7 ? ', more weakly than the paper' : '';
      return `${def.id}: this CPU confirms the paper's trend${weakly} (${strength}).`;
    }
    if (interval.high < -0.3) return `${def.id}: this CPU contradicts the paper: the order is reversed (${strength}).`;
    return `${def.id}: this CPU does not show the paper's trend (${strength}).`;
  }
  if (mean >= 0.7) return `${def.id}: this CPU confirms the paper's trend (${strength}).`;
  if (mean >= 0.3) return `${def.id}: this CPU partly confirms the paper's trend (${strength}).`;
  if (mean > -0.3) return `${def.id}: this CPU does not show the paper's trend (${strength}).`;
  return `${def.id}: this CPU contradicts the paper: the order is reversed (${strength}).`;
}

/** The interval straddles a verdict threshold (0.3 or -0.3). */
const crosses = (i: AgreementInterval) => (i.low < 0.3 && i.high >= 0.3) || (i.low < -0.3 && i.high >= -0.3);

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
  const nets = await Promise.all(ids.map((id) => guidelineNetworks(id)));
  const networks = nets.reduce((a, n) => a + n.graphs.flat().length, 0);
  const total = networks * runs;
  let offset = 0;
  let env: MeasureEnv | undefined;
  const warnings: string[] = [];
  const noisy: string[] = [];
  const results: GuidelineResult[] = [];
  for (const { def, graphs, rows } of nets) {
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
    const interval = bootstrapAgreement(
      samples,
      def.widths.map((_, w) => def.rows.map((r) => r.paper[w])),
    );
    const { id, table, claim, platform } = def;
    if (opts.predict) predictRows(def, graphs, rows, opts.predict);
    const note = platformNote(def, rows);
    results.push({
      id,
      table,
      claim,
      platform,
      rows,
      agreement,
      interval,
      verdict: verdict(def, rows, agreement, interval),
      ...(note ? { platformNote: note } : {}),
    });
  }
  if (noisy.length)
    warnings.push(
      `${noisy.length} of ${networks} networks had a p10-p90 spread above ${100 * NOISY_SPREAD}% of their median ` +
        `(this machine is noisy; more --runs help): ${noisy.join(', ')}`,
    );
  opts.onProgress?.(total, total, 'done');
  return { results, env, warnings };
}
