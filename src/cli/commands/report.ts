import { costReport } from '../../pipeline.ts';
import { renderReport } from '../../report/report.ts';
import { resolveModel } from '../../spec/load.ts';
import { parseDtype, parseFormat, parsePositiveInt, parseShape, parseView } from '../options.ts';

export interface ReportFlags { input?: string; view: string; dtype: string; depth?: string; format: string }

export async function report(model: string, o: ReportFlags): Promise<void> {
  const opts = { view: parseView(o.view), dtype: parseDtype(o.dtype), input: parseShape(o.input) };
  const format = parseFormat(o.format);
  const depth = o.depth === undefined ? Infinity : parsePositiveInt('--depth', o.depth);
  const r = costReport(await resolveModel(model), opts);
  process.stdout.write(renderReport(r, format, depth));
}
