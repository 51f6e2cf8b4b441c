/** What `netcost compare` finds: every model's totals and stages, with measured and predicted latency. */
import { type CostReport, SCHEMA_VERSION } from '../cost/analyze.ts';
import type { LatencyOf } from '../measure/bench.ts';
import type { MeasureEnv } from '../measure/env.ts';
import { spearman } from '../measure/stats.ts';

/** Latency measured for every compared model in one interleaved run. */
export interface CompareMeasurement {
  env: MeasureEnv;
  latencies: LatencyOf[];
  /** Spearman rank correlation over the compared models */
  spearmanMadds: number;
  spearmanMemoryAccess: number;
  warnings: string[];
}

/** Latency predicted from one machine profile for every compared model (`--predict`, each `--profile`). */
export interface ComparePrediction {
  machine: string;
  threads: number;
  profile: string;
  /** per model, in the order compared */
  predictedMs: number[];
  /** per model: the prediction's interval over the profile's bootstrap (10th, 90th percentile) */
  lowMs: number[];
  highMs: number[];
  /** with --measure: rank correlation of predicted with measured latency */
  spearmanMeasured?: number;
}

export interface CompareResult {
  schemaVersion: number;
  view: string;
  dtype: string;
  measured?: CompareMeasurement;
  /** one per machine profile */
  predicted?: ComparePrediction[];
  models: {
    model: string;
    file: string;
    input: number[];
    totals: CostReport['totals'];
    summary: CostReport['summary'];
    stages: {
      name: string;
      params: number;
      madds: number;
      flops: number;
      memoryAccess: number;
      memoryAccessBytes: number;
    }[];
  }[];
}

export function measurement(
  reports: CostReport[],
  m: { results: LatencyOf[]; env: MeasureEnv; warnings: string[] },
): CompareMeasurement {
  const lat = m.results.map((r) => r.latency.medianMs);
  return {
    env: m.env,
    latencies: m.results,
    spearmanMadds: spearman(
      lat,
      reports.map((r) => r.totals.madds),
    ),
    spearmanMemoryAccess: spearman(
      lat,
      reports.map((r) => r.totals.memoryAccess),
    ),
    warnings: m.warnings,
  };
}

export function compareResult(
  reports: CostReport[],
  measured?: CompareMeasurement,
  predicted?: ComparePrediction[],
): CompareResult {
  const withRank = predicted?.map((p) =>
    measured
      ? {
          ...p,
          spearmanMeasured: spearman(
            p.predictedMs,
            measured.latencies.map((l) => l.latency.medianMs),
          ),
        }
      : p,
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    view: reports[0].view,
    dtype: reports[0].dtype,
    ...(measured ? { measured } : {}),
    ...(withRank ? { predicted: withRank } : {}),
    models: reports.map((r) => ({
      model: r.model,
      file: r.file,
      input: r.input,
      totals: r.totals,
      summary: r.summary,
      stages: r.groups
        .filter((g) => g.depth === 1 && g.kind !== 'conv')
        .map(({ name, params, madds, flops, memoryAccess, memoryAccessBytes }) => ({
          name,
          params,
          madds,
          flops,
          memoryAccess,
          memoryAccessBytes,
        })),
    })),
  };
}
