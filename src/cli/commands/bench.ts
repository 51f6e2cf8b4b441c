import { UsageError } from '../../errors.ts';
import { type BenchResult, type BenchTarget, bench } from '../../measure/bench.ts';
import { resolveSource, sourceGraph } from '../../pipeline.ts';
import { benchDocument } from '../../report/bench.ts';
import {
  type InputFlags,
  type OutputFlags,
  type PredictFlags,
  type ProfileArg,
  parseOutput,
  parsePredict,
  parseRules,
  parseRunFlags,
  parseView,
  type RunFlags,
} from '../options.ts';
import { show } from '../output.ts';
import { progressBar } from '../progress.ts';
import { parseSweep } from '../sweep.ts';
import { compare } from './compare.ts';

export interface BenchFlags extends RunFlags, PredictFlags, InputFlags, OutputFlags {
  perLayer?: boolean;
  view: string;
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
    // the probes as calibration times them: in the machine's undisturbed phase, their lower quartile
    // (a plain median of 15 runs read this machine as computing 111% slower while the model timed
    // just before ran at its usual speed)
    const { LOW_QUANTILE } = await import('../../predict/profile-rounds.ts');
    const { quantileOf } = await import('../../measure/stats.ts');
    const probes = [speedProbe(), memoryProbe()].map((m) => ({ bytes: m.bytes, inputs: [m.input], what: m.name }));
    const { gate, close } = await onnxruntime.openGate(profile.machine.threads);
    try {
      const [ms, memoryMs] = await onnxruntime.time(probes, {
        threads: profile.machine.threads,
        optLevel: profile.machine.graphOptimizationLevel,
        warmup: 3,
        runs: 15,
        gate,
      });
      const low = (xs: number[]) => quantileOf(xs, LOW_QUANTILE);
      const w = probeWarning(profile, file, { ms: low(ms), memoryMs: low(memoryMs) });
      if (w) notes.push(w);
    } finally {
      await close();
    }
  }
  const src = target.kind === 'graph' ? target : { ...target, kind: 'onnx' as const };
  return predictBench(r, src, profile, file, notes);
}

export async function benchCommand(model: string, o: BenchFlags): Promise<void> {
  const points = parseSweep(o);
  if (points.length > 1) {
    if (o.perLayer)
      throw new UsageError('--per-layer times one size; drop it, or give --input and --dim one size each');
    // a sweep: every size timed in interleaved rounds, one row each with its throughput
    return compare([model], { ...o, measure: true, runs: o.runs ?? '50', warmup: o.warmup ?? '10' });
  }
  const out = parseOutput(o);
  const view = parseView(o.view);
  const binding = points[0].binding;
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
    await show(benchDocument(r), out);
  } finally {
    bar.stop();
  }
}
