import { readFileSync } from 'node:fs';
import { bench, type BenchTarget } from '../../measure/bench.ts';
import type { OptLevel } from '../../measure/runner.ts';
import { graphOf } from '../../pipeline.ts';
import { renderBench } from '../../report/bench.ts';
import { resolveModel } from '../../spec/load.ts';
import { UsageError } from '../../errors.ts';
import { parseFormat, parsePositiveInt, parseShape, parseView } from '../options.ts';
import { progressBar } from '../progress.ts';

export interface BenchFlags { runs: string; warmup: string; threads: string; perLayer?: boolean; view: string; input?: string; optLevel: string; format: string }

export const OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export function parseOptLevel(v: string): OptLevel {
  if ((OPT_LEVELS as readonly string[]).includes(v)) return v as OptLevel;
  throw new UsageError(`--opt-level '${v}' is not one of ${OPT_LEVELS.join(', ')}`);
}

export async function benchCommand(model: string, o: BenchFlags): Promise<void> {
  const format = parseFormat(o.format);
  const opts = {
    runs: parsePositiveInt('--runs', o.runs),
    warmup: o.warmup === '0' ? 0 : parsePositiveInt('--warmup', o.warmup),
    threads: parsePositiveInt('--threads', o.threads),
    optLevel: parseOptLevel(o.optLevel),
    perLayer: o.perLayer === true,
  };
  let target: BenchTarget;
  if (/\.onnx$/i.test(model)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(model);
    } catch (e) {
      throw new UsageError(`${model}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const shape = parseShape(o.input);
    target = { kind: 'onnx', file: model, bytes, ...(shape ? { inputShapes: { '*': shape } } : {}) };
  } else {
    target = { kind: 'graph', graph: graphOf(await resolveModel(model), { view: parseView(o.view), input: parseShape(o.input) }) };
  }
  const bar = await progressBar(`bench ${model}`);
  try {
    const r = await bench(target, { ...opts, onProgress: bar.update });
    bar.stop();
    process.stdout.write(renderBench(r, format));
  } finally {
    bar.stop();
  }
}
