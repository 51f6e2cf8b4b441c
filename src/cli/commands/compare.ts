import { costReport } from '../../pipeline.ts';
import { renderCompare } from '../../report/compare.ts';
import { resolveModels } from '../../spec/load.ts';
import { parseDtype, parseFormat, parseShape, parseView } from '../options.ts';

export interface CompareFlags { input?: string; view: string; dtype: string; format: string }

export async function compare(models: string[], o: CompareFlags): Promise<void> {
  const opts = { view: parseView(o.view), dtype: parseDtype(o.dtype), input: parseShape(o.input) };
  const format = parseFormat(o.format);
  const reports = (await resolveModels(models)).map((m) => costReport(m, opts));
  process.stdout.write(renderCompare(reports, format));
}
