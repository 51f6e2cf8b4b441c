import { UsageError } from '../../errors.ts';
import { type BenchTarget, bench } from '../../measure/bench.ts';
import { resolveSource, sourceGraph } from '../../pipeline.ts';
import { renderBench } from '../../report/bench.ts';
import {
  type InputFlags,
  isPicture,
  type PredictFlags,
  parseAnyFormat,
  parseInputFlags,
  parsePositiveInt,
  parsePredict,
  parseRules,
  parseRunFlags,
  parseUnits,
  parseView,
  pictures,
  type RunFlags,
} from '../options.ts';
import { emit } from '../output.ts';
import { progressBar } from '../progress.ts';

export interface BenchFlags extends RunFlags, PredictFlags, InputFlags {
  chart?: string;
  output?: string;
  units: string;
  depth?: string;
  perLayer?: boolean;
  view: string;
  format: string;
  strict?: boolean;
  rules?: string;
}

export async function benchCommand(model: string, o: BenchFlags): Promise<void> {
  const format = parseAnyFormat(o.format);
  if (isPicture(format) && !o.perLayer)
    throw new UsageError(`bench --format ${format} draws per-layer time: add --per-layer`);
  const view = parseView(o.view);
  const binding = parseInputFlags(o);
  const depth = o.depth === undefined ? Number.POSITIVE_INFINITY : parsePositiveInt('--depth', o.depth);
  const rules = await parseRules(o.rules);
  const predict = await parsePredict(o);
  const opts = { ...parseRunFlags(o, { runs: 50, warmup: 10 }), perLayer: o.perLayer === true, predict };
  const src = await resolveSource(model);
  const target: BenchTarget =
    src.kind === 'onnx'
      ? { kind: 'onnx', file: src.file, bytes: src.bytes, ...binding, strict: o.strict, rules }
      : { kind: 'graph', graph: await sourceGraph(src, { view, ...binding }) };
  const bar = await progressBar(`bench ${model}`);
  try {
    const r = await bench(target, { ...opts, onProgress: bar.update });
    bar.stop();
    if (isPicture(format)) return emit(await (await pictures()).benchPicture(r, format, o.chart), format, o.output);
    emit(renderBench(r, format, parseUnits(o.units), depth), format, o.output);
  } finally {
    bar.stop();
  }
}
