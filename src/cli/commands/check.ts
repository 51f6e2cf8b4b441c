import { check, parseTolerances } from '../../check/check.ts';
import { renderCheck } from '../../report/check.ts';
import { builtinModels, packageRoot, resolveModel, resolveModels } from '../../spec/load.ts';
import { parseFormat, parseRunFlags, type RunFlags } from '../options.ts';
import { progressBar } from '../progress.ts';
import { join, relative } from 'node:path';

export interface CheckFlags extends RunFlags { baseline?: string; update?: boolean; tolerance: string[]; format: string; measure?: boolean; reference?: string }

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
    measure = { reference: o.reference ? await resolveModel(o.reference) : specs[0], ...parseRunFlags(o, { runs: 30, warmup: 5 }), onProgress: bar.update };
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
