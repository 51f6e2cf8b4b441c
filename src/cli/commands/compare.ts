import { costReport, graphOf } from '../../pipeline.ts';
import { measurement, renderCompare, type CompareMeasurement } from '../../report/compare.ts';
import { progressBar } from '../progress.ts';
import { parseOptLevel } from './bench.ts';
import { resolveModels } from '../../spec/load.ts';
import { parseDtype, parseFormat, parsePositiveInt, parseShape, parseView } from '../options.ts';

export interface CompareFlags { input?: string; view: string; dtype: string; format: string; measure?: boolean; runs: string; warmup: string; threads: string; optLevel: string }

export async function compare(models: string[], o: CompareFlags): Promise<void> {
  const opts = { view: parseView(o.view), dtype: parseDtype(o.dtype), input: parseShape(o.input) };
  const format = parseFormat(o.format);
  const specs = await resolveModels(models);
  const reports = specs.map((m) => costReport(m, opts));
  let measured: CompareMeasurement | undefined;
  if (o.measure) {
    const runOpts = { runs: parsePositiveInt('--runs', o.runs), warmup: o.warmup === '0' ? 0 : parsePositiveInt('--warmup', o.warmup), threads: parsePositiveInt('--threads', o.threads), optLevel: parseOptLevel(o.optLevel) };
    const { benchMany } = await import('../../measure/bench.ts');
    const bar = await progressBar('measure');
    try {
      measured = measurement(reports, await benchMany(specs.map((m) => graphOf(m, { view: opts.view, input: opts.input })), { ...runOpts, onProgress: bar.update }));
    } finally {
      bar.stop();
    }
  }
  process.stdout.write(renderCompare(reports, format, measured));
}
