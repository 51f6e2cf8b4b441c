import { analyze } from '../../cost/analyze.ts';
import type { Graph } from '../../graph/types.ts';
import { resolveSources, runTarget, sourceGraph } from '../../pipeline.ts';
import { compareDocument } from '../../report/compare.ts';
import {
  type CompareMeasurement,
  type ComparePrediction,
  compareResult,
  measurement,
} from '../../report/compare-result.ts';
import { say } from '../../util/text.ts';
import {
  checkDtypeFor,
  type InputFlags,
  type OutputFlags,
  type PredictFlags,
  parseDtype,
  parseOutput,
  parseProfiles,
  parseRules,
  parseRunFlags,
  parseView,
  type RunFlags,
} from '../options.ts';
import { sayWarnings, show } from '../output.ts';
import { progressBar } from '../progress.ts';
import { parseSweep } from '../sweep.ts';

export interface CompareFlags extends InputFlags, RunFlags, PredictFlags, OutputFlags {
  view: string;
  dtype?: string;
  measure?: boolean;
  strict?: boolean;
  rules?: string;
}

export async function compare(models: string[], o: CompareFlags): Promise<void> {
  const view = parseView(o.view);
  const dtype = parseDtype(o.dtype);
  const points = parseSweep(o);
  const rules = await parseRules(o.rules);
  const out = parseOutput(o);
  const found = await resolveSources(models);
  checkDtypeFor(found, o.dtype);
  // every model at every size of a sweep, the model's name saying the size
  const runs = found.flatMap((s) => points.map((p) => ({ s, binding: p.binding, label: p.label })));
  const sources = runs.map((r) => r.s);
  const warn = (w: string) => say(`warning: ${w}`);
  const graphs: Graph[] = [];
  for (const { s, binding, label } of runs) {
    const g = await sourceGraph(s, { view, ...binding, strict: o.strict, rules, onWarning: warn });
    graphs.push(label ? { ...g, model: `${g.model} (${label})` } : g);
  }
  const reports = graphs.map((g) => analyze(g, dtype));
  let measured: CompareMeasurement | undefined;
  const runOpts = o.measure ? parseRunFlags(o, { runs: 30, warmup: 5 }) : undefined;
  if (o.measure) {
    const { benchMany } = await import('../../measure/bench.ts');
    const bar = await progressBar('measure');
    try {
      // ONNX files are timed as they are (their own weights and nodes), specs through their export
      const targets = sources.map((s, i) => runTarget(s, graphs[i], { ...runs[i].binding, strict: o.strict, rules }));
      measured = measurement(reports, await benchMany(targets, { ...runOpts, onProgress: bar.update }));
    } finally {
      bar.stop();
    }
  }
  const profiles = await parseProfiles(o);
  let predicted: ComparePrediction[] | undefined;
  if (profiles.length > 0) {
    const { predict } = await import('../../predict/attach.ts');
    const { profileWarnings } = await import('../../predict/check.ts');
    const run = o.measure ? { threads: runOpts?.threads, optLevel: runOpts?.optLevel } : {};
    for (const p of profiles) sayWarnings(profileWarnings(p.profile, p.file, run));
    const what = sources.map((s, i) => runTarget(s, graphs[i], { ...runs[i].binding, rules }));
    predicted = profiles.map(({ profile, file }) => {
      const ms = what.map((w) => predict(profile, w));
      return {
        machine: profile.machine.cpu,
        threads: profile.machine.threads,
        profile: file,
        predictedMs: ms.map((m) => m.predictedMs),
        lowMs: ms.map((m) => m.lowMs),
        highMs: ms.map((m) => m.highMs),
      };
    });
  }
  await show(compareDocument(compareResult(reports, measured, predicted)), out);
}
