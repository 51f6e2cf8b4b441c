import { check, parseTolerances } from '../../check/check.ts';
import { renderCheck } from '../../report/check.ts';
import { builtinModels, packageRoot, resolveModel, resolveModels } from '../../spec/load.ts';
import { parseFormat, parsePositiveInt } from '../options.ts';
import { progressBar } from '../progress.ts';
import { join, relative } from 'node:path';

export interface CheckFlags { baseline?: string; update?: boolean; tolerance: string[]; format: string; measure?: boolean; reference?: string; runs: string; warmup: string; threads: string }

export async function checkCommand(models: string[], o: CheckFlags): Promise<void> {
  const format = parseFormat(o.format, ['table', 'md', 'json']);
  const tolerances = parseTolerances(o.tolerance);
  const explicit = models.length > 0;
  const specs = explicit ? await resolveModels(models) : await builtinModels();
  const baseline = o.baseline ?? (relative(process.cwd(), join(packageRoot(), 'configs', 'baselines')) || 'configs/baselines');
  let measure;
  let bar;
  if (o.measure) {
    bar = await progressBar('check --measure');
    measure = {
      reference: o.reference ? await resolveModel(o.reference) : specs[0],
      runs: parsePositiveInt('--runs', o.runs),
      warmup: o.warmup === '0' ? 0 : parsePositiveInt('--warmup', o.warmup),
      threads: parsePositiveInt('--threads', o.threads),
      onProgress: bar.update,
    };
  }
  try {
    const r = await check(specs, { baseline, update: o.update, tolerances, explicit, measure });
    bar?.stop();
    process.stdout.write(renderCheck(r, format));
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    bar?.stop();
  }
}
