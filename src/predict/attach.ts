/**
 * `--predict`: a cost report with predicted time beside the counts. The prediction runs on the
 * deploy view in fp32 (what onnxruntime runs, whatever view or dtype the report counts); a report
 * in the original view gets each unit's time on the unit's own layer and marks the layers folded
 * into it as `fused`.
 */
import { analyze, type CostReport, type LayerCost } from '../cost/analyze.ts';
import { deployGraph } from '../graph/deploy.ts';
import type { Graph } from '../graph/types.ts';
import type { BenchResult } from '../measure/bench.ts';
import { numel } from '../ops/op.ts';
import { balancePoint, type MachineProfile } from './machine.ts';
import { type Bound, type LayerPrediction, predictLayer, predictModel } from './predict.ts';

export interface LayerPredictionFields {
  predictedMs: number;
  /** what bounds the layer; `fused` when onnxruntime runs it inside another layer's kernel */
  bound: Bound | 'fused';
  attainableGflops: number;
  attainableGbps: number;
  /** the deploy-view layer whose kernel runs this one */
  fusedInto?: string;
}

export interface PredictionSummary {
  predictedMs: number;
  /** the layers' share of it (the rest: the run's fixed cost and copying input and output) */
  layersMs: number;
  runOverheadMs: number;
  machine: MachineProfile['machine'];
  peakGflops: number;
  /** bandwidth at the largest working set calibrated (main memory) and the smallest (cache) */
  memoryGbps: number;
  cacheGbps: number;
  balancePoint: number;
  /** the profile file the prediction came from */
  profile: string;
}

export type PredictedReport = CostReport & {
  totals: CostReport['totals'] & { predictedMs: number };
  prediction: PredictionSummary;
  layers: (LayerCost & LayerPredictionFields)[];
};

/** Predictions for the deploy-view units of a graph (in any view). */
export function predictGraph(
  p: MachineProfile,
  g: Graph,
): { predictedMs: number; layersMs: number; units: LayerPrediction[] } {
  const dep = g.view === 'deploy' ? g : deployGraph(g);
  const r = analyze(dep, 'fp32');
  const m = predictModel(p, r.layers, 4 * (numel(dep.input.shape) + numel(dep.output.shape)));
  return { predictedMs: m.predictedMs, layersMs: m.layers.reduce((a, l) => a + l.predictedMs, 0), units: m.layers };
}

export function withPrediction(r: CostReport, g: Graph, p: MachineProfile, profileFile: string): PredictedReport {
  const dep = g.view === 'deploy' ? g : deployGraph(g);
  const { predictedMs, layersMs, units } = predictGraph(p, dep);
  // a unit's time goes on its first layer (the conv of conv+bn+relu); the others ran inside it
  const own = new Map<string, LayerPrediction>();
  const fusedInto = new Map<string, string>();
  const byUnit = new Map(units.map((u) => [u.name, u]));
  for (const l of dep.layers) {
    const u = byUnit.get(l.name) as LayerPrediction;
    const [first, ...rest] = l.fusedFrom ?? [l.name];
    own.set(r.view === 'deploy' ? l.name : first, u);
    if (r.view !== 'deploy') for (const f of rest) fusedInto.set(f, l.name);
  }
  const layers = r.layers.map((l) => {
    const u = own.get(l.name);
    const fields: LayerPredictionFields = u
      ? {
          predictedMs: u.predictedMs,
          bound: u.bound,
          attainableGflops: u.attainableGflops,
          attainableGbps: u.attainableGbps,
        }
      : {
          predictedMs: 0,
          bound: 'fused',
          attainableGflops: 0,
          attainableGbps: 0,
          ...(fusedInto.has(l.name) ? { fusedInto: fusedInto.get(l.name) } : {}),
        };
    return { ...l, ...fields };
  });
  const bw = p.roofline.bandwidth;
  return {
    ...r,
    totals: { ...r.totals, predictedMs },
    layers,
    prediction: {
      predictedMs,
      layersMs,
      runOverheadMs: p.runOverheadMs,
      machine: p.machine,
      peakGflops: p.roofline.peakGflops,
      memoryGbps: bw[bw.length - 1].gbps,
      cacheGbps: bw[0].gbps,
      balancePoint: balancePoint(p),
      profile: profileFile,
    },
  };
}

/** `bench --predict`: predicted beside measured, for the model, each layer and each category. */
export function predictBench(r: BenchResult, g: Graph, p: MachineProfile, profileFile: string): BenchResult {
  // the per-layer rows are the deploy view's units, as predictGraph's are: one prediction for both
  const { predictedMs, units } = predictGraph(p, g);
  const byName = new Map(units.map((u) => [u.name, u]));
  const prediction = {
    predictedMs,
    error: r.latency.medianMs > 0 ? predictedMs / r.latency.medianMs - 1 : 0,
    machine: p.machine.cpu,
    profile: profileFile,
  };
  if (!r.perLayer) return { ...r, prediction };
  const layers = r.perLayer.layers.map((l) => {
    const u = byName.get(l.name) ?? predictLayer(p, l);
    const efficiency = u.attainableGflops > 0 ? l.gflops / u.attainableGflops : 0;
    return { ...l, predictedMs: u.predictedMs, bound: u.bound, efficiency };
  });
  const categories = r.perLayer.categories.map((c) => ({
    ...c,
    predictedMs: layers.filter((l) => l.category === c.category).reduce((a, l) => a + l.predictedMs, 0),
  }));
  return { ...r, prediction, perLayer: { ...r.perLayer, layers, categories } };
}
