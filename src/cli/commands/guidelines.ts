import { SCHEMA_VERSION } from '../../cost/analyze.ts';
import { UsageError } from '../../errors.ts';
import {
  DEFAULT_RUNS,
  GUIDELINE_IDS,
  GUIDELINES,
  type GuidelineId,
  type GuidelinesReport,
  guidelineNetworks,
  platformNote,
  predictRows,
  runGuidelines,
} from '../../guidelines/guidelines.ts';
import { LIMITS } from '../../limits.ts';
import { ROUND_RUNS } from '../../measure/options.ts';
import { guidelinesDocument } from '../../report/guidelines.ts';
import {
  type OutputFlags,
  type PredictFlags,
  parseOutput,
  parsePositiveInt,
  parsePredict,
  parseRunFlags,
  type RunFlags,
} from '../options.ts';
import { show as showDocument } from '../output.ts';
import { progressBar } from '../progress.ts';

export interface GuidelineFlags extends RunFlags, PredictFlags, OutputFlags {
  quick?: boolean;
  maxRuns?: string;
  costsOnly?: boolean;
  seed?: string;
}

export async function guidelinesCommand(which: string[], o: GuidelineFlags): Promise<void> {
  const out = parseOutput(o);
  const ids = (which.length ? which : GUIDELINE_IDS).map((w) => {
    const id = w.toUpperCase();
    if (!(GUIDELINE_IDS as string[]).includes(id))
      throw new UsageError(`unknown guideline '${w}'; choose from ${GUIDELINE_IDS.join(', ')}`);
    return id as GuidelineId;
  });
  const { runs, warmup, threads, optLevel } = parseRunFlags(
    o,
    o.quick ? { runs: ROUND_RUNS, warmup: 1 } : { runs: DEFAULT_RUNS, warmup: 3 },
  );
  // --quick times one round, too few to resample: no second pass could decide it
  const maxRuns = o.quick ? runs : o.maxRuns === undefined ? 3 * runs : parseMaxRuns(o.maxRuns, runs);
  const predict = await parsePredict(o);
  const show = (r: GuidelinesReport) => showDocument(guidelinesDocument(r), out);
  if (o.costsOnly) {
    const constructions = ids.flatMap((id) => [
      { id, alternative: false },
      ...(GUIDELINES[id].alternative ? [{ id, alternative: true }] : []),
    ]);
    const results = await Promise.all(
      constructions.map(async ({ id, alternative }) => {
        const { def, graphs, rows } = await guidelineNetworks(id, alternative);
        if (predict) predictRows(def, graphs, rows, predict.profile);
        const note = platformNote(def, rows);
        const construction = alternative ? def.alternative?.construction : undefined;
        return {
          id,
          ...(construction ? { construction } : {}),
          table: def.table,
          claim: def.claim,
          hypothesis: def.hypothesis,
          platform: def.platform,
          rows,
          ...(note ? { platformNote: note } : {}),
        };
      }),
    );
    return show({ schemaVersion: SCHEMA_VERSION, runs: 0, results, warnings: [] });
  }
  const bar = await progressBar('guidelines');
  try {
    const { results, env, warnings } = await runGuidelines(ids, {
      runs,
      maxRuns,
      warmup,
      threads,
      optLevel,
      predict: predict?.profile,
      ...(o.seed !== undefined ? { seed: parsePositiveInt('--seed', o.seed, 0, 2 ** 31 - 1) } : {}),
      onProgress: bar.update,
    });
    bar.stop();
    await show({ schemaVersion: SCHEMA_VERSION, env, runs, maxRuns, results, warnings });
  } finally {
    bar.stop();
  }
}

/** `--max-runs N`: at least --runs (equal to it: one pass, never more). */
function parseMaxRuns(v: string, runs: number): number {
  const n = parsePositiveInt('--max-runs', v, 1, LIMITS.runs);
  if (n < runs) throw new UsageError(`--max-runs ${n} is below --runs ${runs}; give at least ${runs}`);
  return n;
}
