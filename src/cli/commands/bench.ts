import { type BenchTarget, bench } from '../../measure/bench.ts';
import { resolveSource, sourceGraph } from '../../pipeline.ts';
import { renderBench } from '../../report/bench.ts';
import {
  type PredictFlags,
  parseFormat,
  parseInputs,
  parsePositiveInt,
  parsePredict,
  parseRules,
  parseRunFlags,
  parseUnits,
  parseView,
  type RunFlags,
} from '../options.ts';
import { emit } from '../output.ts';
import { progressBar } from '../progress.ts';

export interface BenchFlags extends RunFlags, PredictFlags {
  output?: string;
  units: string;
  depth?: string;
  perLayer?: boolean;
  view: string;
  input?: string[];
  format: string;
  strict?: boolean;
  rules?: string;
}

export async function benchCommand(model: string, o: BenchFlags): Promise<void> {
  const format = parseFormat(o.format);
  const view = parseView(o.view);
  const inputs = parseInputs(o.input);
  const depth = o.depth === undefined ? Number.POSITIVE_INFINITY : parsePositiveInt('--depth', o.depth);
  const rules = await parseRules(o.rules);
  const predict = await parsePredict(o);
  const opts = { ...parseRunFlags(o, { runs: 50, warmup: 10 }), perLayer: o.perLayer === true, predict };
  const src = await resolveSource(model);
  const target: BenchTarget =
    src.kind === 'onnx'
      ? { kind: 'onnx', file: src.file, bytes: src.bytes, inputShapes: inputs, strict: o.strict, rules }
      : { kind: 'graph', graph: await sourceGraph(src, { view, inputs }) };
  const bar = await progressBar(`bench ${model}`);
  try {
    const r = await bench(target, { ...opts, onProgress: bar.update });
    bar.stop();
    emit(renderBench(r, format, parseUnits(o.units), depth), format, o.output);
  } finally {
    bar.stop();
  }
}
