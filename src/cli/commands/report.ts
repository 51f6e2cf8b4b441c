import { analyze } from '../../cost/analyze.ts';
import { resolveSource, sourceGraph } from '../../pipeline.ts';
import { renderReport, SORT_KEYS, type SortKey } from '../../report/report.ts';
import { say } from '../../util/text.ts';
import {
  checkDtypeFor,
  type InputFlags,
  isPicture,
  oneOf,
  type PredictFlags,
  parseAnyFormat,
  parseDtype,
  parseInputFlags,
  parsePositiveInt,
  parsePredict,
  parseRules,
  parseUnits,
  parseView,
  pictures,
} from '../options.ts';
import { emit } from '../output.ts';

export interface ReportFlags extends PredictFlags, InputFlags {
  chart?: string;
  output?: string;
  units: string;
  view: string;
  dtype?: string;
  depth?: string;
  format: string;
  strict?: boolean;
  rules?: string;
  sort?: string;
  top?: string;
}

export async function report(model: string, o: ReportFlags): Promise<void> {
  const view = parseView(o.view);
  const dtype = parseDtype(o.dtype);
  const binding = parseInputFlags(o);
  const rules = await parseRules(o.rules);
  const format = parseAnyFormat(o.format);
  const depth = o.depth === undefined ? Infinity : parsePositiveInt('--depth', o.depth);
  const src = await resolveSource(model);
  checkDtypeFor([src], o.dtype);
  const warnings: string[] = [];
  const g = await sourceGraph(src, { view, ...binding, strict: o.strict, rules, onWarning: (w) => warnings.push(w) });
  for (const w of warnings) say(`warning: ${w}`);
  const predict = await parsePredict(o);
  let r = analyze(g, dtype);
  if (predict) {
    const { withPrediction } = await import('../../predict/attach.ts');
    const { profileWarnings } = await import('../../predict/check.ts');
    for (const w of profileWarnings(predict.profile, predict.file, {})) warnings.push(w);
    const what =
      src.kind === 'onnx'
        ? { kind: 'onnx' as const, file: src.file, bytes: src.bytes, ...binding }
        : { kind: 'graph' as const, graph: g };
    r = withPrediction(r, what, predict.profile, predict.file);
  }
  if (isPicture(format)) return emit(await (await pictures()).reportPicture(r, format, o.chart), format, o.output);
  const choice = {
    ...(o.sort !== undefined ? { sort: oneOf('--sort', o.sort, Object.keys(SORT_KEYS) as SortKey[]) } : {}),
    ...(o.top !== undefined ? { top: parsePositiveInt('--top', o.top) } : {}),
  };
  const out = warnings.length ? { ...r, warnings } : r;
  emit(renderReport(out, format, depth, parseUnits(o.units), choice), format, o.output);
}
