import { analyze } from '../../cost/analyze.ts';
import { resolveSources, sourceGraph } from '../../pipeline.ts';
import { renderReport } from '../../report/report.ts';
import { UsageError } from '../../errors.ts';
import { parseDtype, parseFormat, parseInputs, parsePositiveInt, parseView } from '../options.ts';

export interface ReportFlags { input?: string[]; view: string; dtype: string; depth?: string; format: string; strict?: boolean }

export async function report(model: string, o: ReportFlags): Promise<void> {
  const view = parseView(o.view);
  const dtype = parseDtype(o.dtype);
  const inputs = parseInputs(o.input);
  const format = parseFormat(o.format);
  const depth = o.depth === undefined ? Infinity : parsePositiveInt('--depth', o.depth);
  const sources = await resolveSources([model]);
  if (sources.length !== 1) throw new UsageError(`'${model}' names ${sources.length} models (${sources.slice(0, 6).map((s) => s.name).join(', ')}${sources.length > 6 ? ', ...' : ''}); name one, or use file.yaml#variant`);
  const g = await sourceGraph(sources[0], { view: o.view === 'spec' && sources[0].kind === 'onnx' ? undefined : view, inputs, strict: o.strict, onWarning: (w) => process.stderr.write(`netcost: warning: ${w}\n`) });
  process.stdout.write(renderReport(analyze(g, dtype), format, depth));
}
