/**
 * `--predict`: predicted time beside the counts. A model is predicted from the kernels the engine
 * runs for it (plan.ts) as netcost exports or reads it; a report gets each layer's share of those
 * kernels, its bound, and a summary of the machine and of what the prediction rests on.
 */
import type { CostReport, LayerCost } from '../cost/analyze.ts';
import { exportOnnx } from '../onnx/export.ts';
import { type ImportResult, importOnnx } from '../onnx/import.ts';
import type { RunTarget } from '../pipeline.ts';
import { balancePoint, type MachineProfile } from './machine.ts';
import { BIG_OUTPUT_MIB, type Bound, boundOf, type ModelPrediction, predictKernels } from './model.ts';
import { planKernels } from './plan.ts';

/**
 * What to predict: a netcost graph (exported as bench runs it), or an ONNX file's bytes and its input
 * binding, with netcost's import of them when the caller has one (then the file is not read again).
 */
export type Predictable = RunTarget;

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * netcost's import of what is predicted: a graph as exported, a file as read with its binding (or
 * the caller's import)
 */
export function importedOf(src: Predictable): ImportResult {
  if (src.kind === 'graph') return importOnnx(exportOnnx(src.graph), { file: src.graph.file || src.graph.model });
  const { inputs, dims, loopTrips, values, rules } = src;
  return src.imported ?? importOnnx(src.bytes, { file: src.file, inputs, dims, loopTrips, values, rules });
}

/** The prediction for a model on the profile's machine. */
export function predict(p: MachineProfile, src: Predictable): ModelPrediction {
  const imported = importedOf(src);
  const rules = {
    onnxruntime: p.machine.onnxruntime,
    level: p.machine.graphOptimizationLevel,
    block: p.engine.nchwcBlock,
  };
  const planned = planKernels(imported, rules);
  const g = imported.graph;
  const outputBytes = 4 * numel(g.output.shape);
  return predictKernels(p, planned, outputBytes);
}

export interface LayerPredictionFields {
  predictedMs: number;
  /** what bounds the layer's kernels; `none` for a layer no kernel runs (a view, an eliminated node) */
  bound: Bound | 'none';
  computeMs: number;
  memoryMs: number;
  overheadMs: number;
}

export interface PredictionSummary {
  predictedMs: number;
  /** the interval of the prediction over the bootstrap of the profile's fits (10th, 90th percentile) */
  lowMs: number;
  highMs: number;
  /** the kernels' share of it (the rest: the run's fixed cost and copying its output out) */
  layersMs: number;
  kernels: number;
  /** share of the kernels' time where netcost's rules cannot tell what the engine runs */
  uncertainShare: number;
  runOverheadMs: number;
  machine: MachineProfile['machine'];
  peakGflops: number;
  /** bandwidth at the largest working set calibrated (main memory) and the smallest (cache) */
  memoryGbps: number;
  cacheGbps: number;
  balancePoint: number;
  /** the profile file the prediction came from */
  profile: string;
  /** what the prediction rests on that the reader should know (borrowed classes, uncertain kernels) */
  notes: string[];
}

export type PredictedReport = CostReport & {
  totals: CostReport['totals'] & { predictedMs: number };
  prediction: PredictionSummary;
  layers: (LayerCost & LayerPredictionFields)[];
};

/** What a prediction rests on, in words. */
export function predictionNotes(m: ModelPrediction): string[] {
  const notes = m.borrowed.map(
    ({ cls, as }) => `no ${cls} kernels were calibrated: ${cls} kernels are priced as ${as} (calibrate again)`,
  );
  if (m.bigOutput)
    notes.push(
      `the output (${(m.bigOutput.bytes / 2 ** 20).toFixed(0)} MiB) comes back in a buffer the C library maps afresh ` +
        `each run (${BIG_OUTPUT_MIB} MiB and more): ${m.bigOutput.ms.toFixed(1)} ms of page faults per run, ` +
        'predicted as calibration measured them (a smaller output, or one the caller allocates once, avoids them)',
    );
  if (m.uncertainShare > 0)
    notes.push(
      `${(100 * m.uncertainShare).toFixed(1)}% of the predicted kernel time is in kernels netcost cannot vouch ` +
        'for (transposes onnxruntime may move, int8 or fp16 kernels, control flow, recurrent layers no ' +
        'calibration holds): priced as the model has them',
    );
  return notes;
}

export function summaryOf(p: MachineProfile, m: ModelPrediction, profileFile: string): PredictionSummary {
  const bw = p.bandwidth;
  return {
    predictedMs: m.predictedMs,
    lowMs: m.lowMs,
    highMs: m.highMs,
    layersMs: m.kernelsMs,
    kernels: m.kernels.length,
    uncertainShare: m.uncertainShare,
    runOverheadMs: p.runOverheadMs,
    machine: p.machine,
    peakGflops: p.peakGflops,
    memoryGbps: bw[bw.length - 1].gbps,
    cacheGbps: bw[0].gbps,
    balancePoint: balancePoint(p),
    profile: profileFile,
    notes: predictionNotes(m),
  };
}

/**
 * A layer's prediction: its own share of the kernels, with those of the layers it stands for (a
 * deploy-view unit: its conv, batch norm and activation).
 */
export function layerFields(m: ModelPrediction, l: { name: string; fusedFrom?: string[] }): LayerPredictionFields {
  const byName = new Map(m.layers.map((x) => [x.name, x]));
  const parts = [...new Set([l.name, ...(l.fusedFrom ?? [])])].map((n) => byName.get(n)).filter((x) => x !== undefined);
  if (parts.length === 0) return { predictedMs: 0, bound: 'none', computeMs: 0, memoryMs: 0, overheadMs: 0 };
  const sum = (k: 'predictedMs' | 'computeMs' | 'memoryMs' | 'overheadMs') => parts.reduce((a, x) => a + x[k], 0);
  const t = { computeMs: sum('computeMs'), memoryMs: sum('memoryMs'), overheadMs: sum('overheadMs') };
  return { predictedMs: sum('predictedMs'), bound: boundOf(t), ...t };
}

/** A cost report with each layer's predicted share of the kernels that serve it. */
export function withPrediction(
  r: CostReport,
  src: Predictable,
  p: MachineProfile,
  profileFile: string,
): PredictedReport {
  const m = predict(p, src);
  const layers = r.layers.map((l) => ({ ...l, ...layerFields(m, l) }));
  return {
    ...r,
    totals: { ...r.totals, predictedMs: m.predictedMs },
    layers,
    prediction: summaryOf(p, m, profileFile),
  };
}
