import { analyze } from '../../cost/analyze.ts';
import { type DiffTimes, diffReports } from '../../cost/diff.ts';
import type { BenchResult } from '../../measure/bench.ts';
import { resolveSource, runTarget, type Source, sourceGraph } from '../../pipeline.ts';
import { diffDocument } from '../../report/diff.ts';
import {
  checkDtypeFor,
  type InputFlags,
  type OutputFlags,
  type PredictFlags,
  parseDtype,
  parseOutput,
  parsePredict,
  parseRules,
  parseRunFlags,
  parseView,
  type RunFlags,
} from '../options.ts';
import { sayWarnings, show } from '../output.ts';
import { progressBar } from '../progress.ts';
import { parseInputFlags } from '../sweep.ts';

export interface DiffFlags extends InputFlags, RunFlags, PredictFlags, OutputFlags {
  view: string;
  dtype?: string;
  measure?: boolean;
  strict?: boolean;
  rules?: string;
}

export async function diff(modelA: string, modelB: string, o: DiffFlags): Promise<void> {
  const view = parseView(o.view);
  const dtype = parseDtype(o.dtype);
  const binding = parseInputFlags(o, 'diff');
  const rules = await parseRules(o.rules);
  const out = parseOutput(o);
  const predict = await parsePredict(o);
  const sources = [await resolveSource(modelA), await resolveSource(modelB)];
  checkDtypeFor(sources, o.dtype);
  const warnings: string[] = [];
  const opts = { view, ...binding, strict: o.strict, rules, onWarning: (w: string) => warnings.push(w) };
  const graphs = [await sourceGraph(sources[0], opts), await sourceGraph(sources[1], opts)];
  const reports = graphs.map((g) => analyze(g, dtype));
  const target = (s: Source, i: number) => runTarget(s, graphs[i], { ...binding, strict: o.strict, rules });
  let times: DiffTimes | undefined;
  if (o.measure) {
    const { bench } = await import('../../measure/bench.ts');
    const run = { ...parseRunFlags(o, { runs: 30, warmup: 5 }), perLayer: true };
    const measured: BenchResult[] = [];
    for (const [i, s] of sources.entries()) {
      const bar = await progressBar(`measure ${i === 0 ? 'A' : 'B'}`);
      try {
        measured.push(await bench(target(s, i), { ...run, onProgress: bar.update }));
      } finally {
        bar.stop();
      }
    }
    // a timed unit that fused several layers (conv+bn+relu) shares its time among them by their FLOPs
    const byLayer = (i: number) => {
      const flops = new Map(reports[i].layers.map((l) => [l.name, l.flops]));
      const out = new Map<string, number>();
      for (const t of measured[i].perLayer?.layers ?? []) {
        const names = t.fusedFrom?.length ? t.fusedFrom : [t.name];
        const total = names.reduce((a, n) => a + (flops.get(n) ?? 0), 0);
        for (const n of names)
          out.set(n, (out.get(n) ?? 0) + t.measuredMs * (total > 0 ? (flops.get(n) ?? 0) / total : 1 / names.length));
      }
      return out;
    };
    times = {
      kind: 'measured',
      a: byLayer(0),
      b: byLayer(1),
      totalA: measured[0].latency.medianMs,
      totalB: measured[1].latency.medianMs,
    };
  } else if (predict) {
    const { predict: predicted } = await import('../../predict/attach.ts');
    const { profileWarnings } = await import('../../predict/check.ts');
    warnings.push(...profileWarnings(predict.profile, predict.file, {}));
    const m = sources.map((s, i) => predicted(predict.profile, target(s, i)));
    const byLayer = (i: number) => new Map(m[i].layers.map((l) => [l.name, l.predictedMs]));
    times = { kind: 'predicted', a: byLayer(0), b: byLayer(1), totalA: m[0].predictedMs, totalB: m[1].predictedMs };
  }
  sayWarnings(warnings);
  await show(diffDocument(diffReports(reports[0], reports[1], times)), out);
}
