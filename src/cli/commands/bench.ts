import { bench, type BenchTarget } from '../../measure/bench.ts';
import type { OptLevel } from '../../measure/runner.ts';
import { resolveSources, sourceGraph } from '../../pipeline.ts';
import { renderBench } from '../../report/bench.ts';
import { UsageError } from '../../errors.ts';
import { parseFormat, parseInputs, parsePositiveInt, parseView } from '../options.ts';
import { progressBar } from '../progress.ts';

export interface BenchFlags { runs: string; warmup: string; threads: string; perLayer?: boolean; view: string; input?: string[]; optLevel: string; format: string; strict?: boolean }

export const OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export function parseOptLevel(v: string): OptLevel {
  if ((OPT_LEVELS as readonly string[]).includes(v)) return v as OptLevel;
  throw new UsageError(`--opt-level '${v}' is not one of ${OPT_LEVELS.join(', ')}`);
}

export async function benchCommand(model: string, o: BenchFlags): Promise<void> {
  const format = parseFormat(o.format);
  const view = parseView(o.view);
  const inputs = parseInputs(o.input);
  const opts = {
    runs: parsePositiveInt('--runs', o.runs),
    warmup: o.warmup === '0' ? 0 : parsePositiveInt('--warmup', o.warmup),
    threads: parsePositiveInt('--threads', o.threads),
    optLevel: parseOptLevel(o.optLevel),
    perLayer: o.perLayer === true,
  };
  const sources = await resolveSources([model]);
  if (sources.length !== 1) throw new UsageError(`'${model}' names ${sources.length} models; name one, or use file.yaml#variant`);
  const src = sources[0];
  const target: BenchTarget = src.kind === 'onnx'
    ? { kind: 'onnx', file: src.file, bytes: src.bytes, inputShapes: inputs, strict: o.strict }
    : { kind: 'graph', graph: await sourceGraph(src, { view, inputs }) };
  const bar = await progressBar(`bench ${model}`);
  try {
    const r = await bench(target, { ...opts, onProgress: bar.update });
    bar.stop();
    process.stdout.write(renderBench(r, format));
  } finally {
    bar.stop();
  }
}
