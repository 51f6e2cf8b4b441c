import { analyze } from '../../cost/analyze.ts';
import { resolveSource, runTarget, sourceRead } from '../../pipeline.ts';
import { reportDocument } from '../../report/report.ts';
import {
  checkDtypeFor,
  type InputFlags,
  type OutputFlags,
  type PredictFlags,
  parseDtype,
  parseOutput,
  parsePredict,
  parseRules,
  parseView,
} from '../options.ts';
import { sayWarnings, show } from '../output.ts';
import { parseSweep } from '../sweep.ts';
import { compare } from './compare.ts';

export interface ReportFlags extends PredictFlags, InputFlags, OutputFlags {
  threads?: string;
  view: string;
  dtype?: string;
  strict?: boolean;
  rules?: string;
}

export async function report(model: string, o: ReportFlags): Promise<void> {
  const points = parseSweep(o);
  // a sweep is one row per size: the totals side by side, as compare gives them
  if (points.length > 1) return compare([model], { ...o, threads: o.threads ?? '1' });
  const view = parseView(o.view);
  const dtype = parseDtype(o.dtype);
  const binding = points[0].binding;
  const rules = await parseRules(o.rules);
  const out = parseOutput(o);
  const src = await resolveSource(model);
  checkDtypeFor([src], o.dtype);
  const warnings: string[] = [];
  const read = { view, ...binding, strict: o.strict, rules, onWarning: (w: string) => warnings.push(w) };
  const { graph: g, imported } = await sourceRead(src, read);
  const predict = await parsePredict(o);
  let r = analyze(g, dtype);
  if (predict) {
    const { withPrediction } = await import('../../predict/attach.ts');
    const { profileWarnings } = await import('../../predict/check.ts');
    const threads = o.threads === undefined ? undefined : Number(o.threads);
    for (const w of profileWarnings(predict.profile, predict.file, { threads })) warnings.push(w);
    r = withPrediction(r, runTarget(src, g, { ...binding, rules, imported }), predict.profile, predict.file);
  }
  sayWarnings(warnings);
  await show(reportDocument(r, warnings), out);
}
