import { UsageError } from '../../errors.ts';
import { type BenchResult, type BenchTarget, bench } from '../../measure/bench.ts';
import { resolveSource, sourceGraph } from '../../pipeline.ts';
import { renderBench } from '../../report/bench.ts';
import {
  type InputFlags,
  isPicture,
  type PredictFlags,
  type ProfileArg,
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

/** The prediction beside the measurement, with where the profile and this run differ and the speed probe now. */
async function joinPrediction(
  r: BenchResult,
  target: BenchTarget,
  { profile, file }: ProfileArg,
  opts: { threads?: number; optLevel?: string },
): Promise<BenchResult> {
  const { predictBench } = await import('../../predict/join.ts');
  const { probeWarning, profileWarnings } = await import('../../predict/check.ts');
  const { memoryProbe, speedProbe } = await import('../../predict/sweep.ts');
  const { onnxruntime } = await import('../../measure/backend.ts');
  const threads = opts.threads ?? 1;
  const optLevel = (opts.optLevel ?? 'all') as 'all';
  const here = { threads, optLevel, onnxruntime: r.env.onnxruntime, cpu: r.env.cpu };
  const notes = profileWarnings(profile, file, here);
  if (profile.machine.cpu === r.env.cpu) {
    const probes = [speedProbe(), memoryProbe()].map((m) => ({ bytes: m.bytes, inputs: [m.input], what: m.name }));
    const [ms, memoryMs] = await onnxruntime.time(probes, {
      threads: profile.machine.threads,
      optLevel: profile.machine.graphOptimizationLevel,
      warmup: 3,
      runs: 15,
    });
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const w = probeWarning(profile, file, { ms: mid(ms), memoryMs: mid(memoryMs) });
    if (w) notes.push(w);
  }
  const src = target.kind === 'graph' ? target : { ...target, kind: 'onnx' as const };
  return predictBench(r, src, profile, file, notes);
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
  const opts = { ...parseRunFlags(o, { runs: 50, warmup: 10 }), perLayer: o.perLayer === true };
  const src = await resolveSource(model);
  const target: BenchTarget =
    src.kind === 'onnx'
      ? { kind: 'onnx', file: src.file, bytes: src.bytes, ...binding, strict: o.strict, rules }
      : { kind: 'graph', graph: await sourceGraph(src, { view, ...binding }) };
  const bar = await progressBar(`bench ${model}`);
  try {
    let r = await bench(target, { ...opts, onProgress: bar.update });
    bar.stop();
    if (predict) r = await joinPrediction(r, target, predict, opts);
    if (isPicture(format)) return emit(await (await pictures()).benchPicture(r, format, o.chart), format, o.output);
    emit(renderBench(r, format, parseUnits(o.units), depth), format, o.output);
  } finally {
    bar.stop();
  }
}
