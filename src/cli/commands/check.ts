import { join, relative } from 'node:path';
import { type CheckOptions, check, parseTolerances } from '../../check/check.ts';
import { resolveSource, resolveSources, type Source } from '../../pipeline.ts';
import { renderCheck } from '../../report/check.ts';
import { builtinModels, packageRoot } from '../../spec/load.ts';
import { parseFormat, parseInputs, parseRules, parseRunFlags, type RunFlags } from '../options.ts';
import { emit } from '../output.ts';
import { type ProgressBar, progressBar } from '../progress.ts';

export interface CheckFlags extends RunFlags {
  baseline?: string;
  update?: boolean;
  tolerance: string[];
  format: string;
  measure?: boolean;
  reference?: string;
  input?: string[];
  rules?: string;
}

export async function checkCommand(models: string[], o: CheckFlags): Promise<void> {
  const format = parseFormat(o.format, ['table', 'md', 'json']);
  const tolerances = parseTolerances(o.tolerance);
  const explicit = models.length > 0;
  const inputs = parseInputs(o.input);
  const rules = await parseRules(o.rules);
  const sources: Source[] = explicit
    ? await resolveSources(models)
    : (await builtinModels()).map((spec) => ({ kind: 'spec', name: spec.name, spec }));
  const baseline =
    o.baseline ?? (relative(process.cwd(), join(packageRoot(), 'configs', 'baselines')) || 'configs/baselines');
  let measure: CheckOptions['measure'];
  let bar: ProgressBar | undefined;
  if (o.measure) {
    bar = await progressBar('check --measure');
    measure = {
      reference: o.reference ? await resolveSource(o.reference) : sources[0],
      ...parseRunFlags(o, { runs: 30, warmup: 5 }),
      onProgress: bar.update,
    };
  }
  try {
    const r = await check(sources, { baseline, update: o.update, tolerances, explicit, measure, inputs, rules });
    bar?.stop();
    emit(renderCheck(r, format), format);
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    bar?.stop();
  }
}
