/**
 * `bench`: time a model in onnxruntime-node on this CPU, optionally per layer, and set the
 * stopwatch beside the cost model. Runtime measurements join the costs by layer name.
 */

import { randomInt } from 'node:crypto';
import { analyze, type LayerCost, SCHEMA_VERSION, type Totals } from '../cost/analyze.ts';
import { deployGraph } from '../graph/deploy.ts';
import type { ElemType } from '../graph/dtype.ts';
import type { Graph, View } from '../graph/types.ts';
import { LIMITS } from '../limits.ts';
import { exportOnnx } from '../onnx/export.ts';
import type { RunTarget } from '../pipeline.ts';
import { identityModel, onnxruntime } from './backend.ts';
import { type GraphNode, graphNodes, unitsByDataflow } from './dataflow.ts';
import { type MeasureEnv, measureEnv } from './env.ts';
import type { OptLevel } from './options.ts';
import { type PerLayer, perLayerReport } from './per-layer.ts';
import { byCandidates, kernelsOfTrace, pairNameless, type TraceEvent } from './profile.ts';
import { ortVersion, Runner, timeInterleaved } from './runner.ts';
import { relativeSpread, type Summary, summarize } from './stats.ts';

/** Above this p10-p90 spread (relative to the median) a timing is flagged as too noisy to trust. */
export const NOISY_SPREAD = 0.2;
/** after warm-up, runs until the process stops faulting in fresh memory, at most this long per model (heap.ts) */
const SETTLE_MS = 2000;
export const spreadNote = (l: Summary) =>
  `p10-p90 spread ${(100 * relativeSpread(l)).toFixed(0)}% of the median, cv ${(100 * l.cv).toFixed(0)}%`;

export interface BenchOptions {
  runs?: number;
  warmup?: number;
  threads?: number;
  optLevel?: OptLevel;
  perLayer?: boolean;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/** What to run: a netcost graph (exported on the fly), or ONNX bytes from a file (imported for its costs). */
export type BenchTarget = RunTarget;

/** The optimized graph's nodes named as the trace names them (a nameless one: pairNameless). */
function withTraceNames(nodes: GraphNode[], traced: { node: string }[]): GraphNode[] {
  const named = new Map(
    [
      ...pairNameless(
        nodes,
        (n) => ({ name: n.name, op: n.opType }),
        traced.map((k) => k.node),
      ),
    ].map(([t, n]) => [n, t]),
  );
  return nodes.map((n) => ({ ...n, name: named.get(n) ?? n.name }));
}

interface Prepared {
  graph: Graph;
  bytes: Uint8Array;
  inputs: { name: string; shape: number[]; type?: ElemType; value?: number[] }[];
  what: string;
  warnings: string[];
}

/** The bytes to run and the graph to cost, for either kind of target. */
export async function prepare(target: BenchTarget): Promise<Prepared> {
  if (target.kind === 'graph') {
    const g = target.graph;
    return {
      graph: g,
      bytes: exportOnnx(g),
      inputs: [{ name: g.input.name, shape: g.input.shape }],
      what: g.model,
      warnings: [],
    };
  }
  const { importOnnx } = await import('../onnx/import.ts');
  const { withNodeNames } = await import('../onnx/node-names.ts');
  const { inlineExternalData } = await import('../onnx/inline-external.ts');
  const { file, inputs, dims, loopTrips, strict, rules, values } = target;
  const r = importOnnx(target.bytes, { file, inputs, dims, loopTrips, strict, rules, values });
  // onnxruntime looks for external data beside the working folder when given bytes: it gets them inline
  const runnable = inlineExternalData(target.bytes, file);
  return {
    graph: r.graph,
    // inputs fixed to their shapes, but for a model with If nodes: onnxruntime would refuse it where a
    // branch cannot run at those shapes (silero VAD's 8 kHz branch given a 16 kHz chunk)
    bytes: withNodeNames(runnable, r.ifs > 0 ? [] : r.inputs),
    inputs: r.inputs,
    what: target.file,
    warnings: r.warnings,
  };
}

export interface BenchResult {
  schemaVersion: number;
  model: string;
  file: string;
  /** netcost graph exported at `view`, or an ONNX file */
  run: 'exported' | 'onnx-file';
  view?: View;
  input: Record<string, number[]>;
  modelBytes: number;
  env: MeasureEnv;
  latency: Summary & { threads: number };
  warmup: number;
  /** the harness's own cost per run: the same loop around a one-element Identity model */
  overheadMs: number;
  /** deploy-view totals of the cost model (what the engine runs) */
  totals: Totals;
  perLayer?: PerLayer;
  /** with --predict (joined by the command): the latency model's time, its interval, its error against the median */
  prediction?: {
    predictedMs: number;
    lowMs: number;
    highMs: number;
    error: number;
    machine: string;
    profile: string;
    /** what the prediction rests on, and where the profile and this run differ */
    notes: string[];
  };
  warnings: string[];
}

/** Measure one target: latency always, per-layer kernel time with `perLayer`. */
export async function bench(target: BenchTarget, opts: BenchOptions = {}): Promise<BenchResult> {
  const runs = opts.runs ?? 50;
  const warmup = opts.warmup ?? 10;
  const threads = opts.threads ?? 1;
  const optLevel = opts.optLevel ?? 'all';
  const sessionOpts = { threads, optLevel };
  const { graph, bytes, inputs, what, warnings: importWarnings } = await prepare(target);

  // the profiler's trace grows with every run: profile at most LIMITS.profiledRuns of them
  const profiledRuns = Math.min(runs, LIMITS.profiledRuns);
  // the bar counts the model's timed runs (and profiled runs): the runs the user asked for
  const total = runs + (opts.perLayer ? profiledRuns : 0);
  let done = 0;
  const tick = (phase: string) => (runner: number, timed: boolean) => {
    if (runner === 0 && timed) opts.onProgress?.(++done, total, phase);
  };

  // the model and the harness-only model, interleaved
  const main = await Runner.open(bytes, inputs, sessionOpts, what);
  const idle = await Runner.open(identityModel(), [{ name: 'x', shape: [1] }], sessionOpts, 'identity');
  let samples: number[][];
  try {
    ({ samples } = await timeInterleaved([main, idle], warmup, runs, { onTick: tick('timing'), settleMs: SETTLE_MS }));
  } finally {
    await main.close();
    await idle.close();
  }
  const latency = summarize(samples[0]);
  const overheadMs = summarize(samples[1]).medianMs;

  const warnings: string[] = [...importWarnings];
  if (relativeSpread(latency) > NOISY_SPREAD)
    warnings.push(
      `run-to-run spread is wide (${spreadNote(latency)}): this machine is noisy; compare medians within one run, ` +
        `or raise --runs`,
    );

  // units of attribution: the deploy-view layers (what the engine runs), joined by name
  const dep = graph.view === 'deploy' ? graph : deployGraph(graph);
  const costReport = analyze(dep);
  const costs: LayerCost[] = costReport.layers;
  const totals: Totals = costReport.totals;

  let perLayer: PerLayer | undefined;
  if (opts.perLayer) {
    const unitOfLayer = new Map<string, string>();
    for (const l of dep.layers) {
      unitOfLayer.set(l.name, l.name);
      for (const f of l.fusedFrom ?? []) unitOfLayer.set(f, l.name);
    }
    // onnxruntime names some fused kernels after their output tensor: map tensors to units too
    for (const l of graph.layers)
      for (const t of l.outputs)
        if (!unitOfLayer.has(t)) {
          const u = unitOfLayer.get(l.name);
          if (u) unitOfLayer.set(t, u);
        }

    const prof = await Runner.open(bytes, inputs, { ...sessionOpts, profile: true }, what);
    let events: TraceEvent[];
    let optimized: Uint8Array | undefined;
    let profiled: number[];
    try {
      [profiled] = (await timeInterleaved([prof], warmup, profiledRuns, { onTick: tick('profiling') })).samples;
      ({ events, optimized } = prof.endProfiling());
    } finally {
      await prof.close();
    }
    const trace = kernelsOfTrace(events, profiledRuns);
    const unitOf = (name: string) => unitOfLayer.get(name);
    const byName = byCandidates(unitOf);
    const flops = new Map(costs.map((c) => [c.name, c.flops]));
    const flopsOf = (u: string) => flops.get(u) ?? 0;
    const ran = optimized && withTraceNames(graphNodes(optimized), trace.kernels);
    const byFlow = ran && unitsByDataflow(ran, graphNodes(bytes), unitOf, flopsOf);
    const unitOfNode = (node: string) => byFlow?.get(node) ?? byName(node);
    const medians = { medianMs: latency.medianMs, profiledMedianMs: summarize(profiled).medianMs };
    perLayer = perLayerReport(trace.kernels, trace.runs, costs, totals, unitOfNode, medians);
    if (profiledRuns < runs) {
      warnings.push(
        `per-layer times come from ${profiledRuns} profiled runs, not ${runs}: the profiler's trace grows with ` +
          `every run`,
      );
    }
    if (perLayer.attributedShare < 0.995)
      warnings.push(
        `only ${(100 * perLayer.attributedShare).toFixed(1)}% of kernel time maps to a layer; see "unattributed"`,
      );
  }
  opts.onProgress?.(total, total, 'done');

  const result: BenchResult = {
    schemaVersion: SCHEMA_VERSION,
    model: graph.model,
    file: graph.file,
    run: target.kind === 'graph' ? 'exported' : 'onnx-file',
    view: graph.view,
    input: Object.fromEntries(inputs.map((i) => [i.name, i.shape])),
    modelBytes: bytes.length,
    env: measureEnv(await ortVersion(), threads, optLevel),
    latency: { ...latency, threads },
    warmup,
    overheadMs,
    totals,
    ...(perLayer ? { perLayer } : {}),
    warnings,
  };
  return result;
}

export interface LatencyOf {
  model: string;
  latency: Summary & { threads: number };
}

/** The order a run of benchMany timed its models in: the seed, and each round's order (indices into its graphs). */
export interface TimingOrder {
  seed: number;
  rounds: number[][];
}

/**
 * Latency of several graphs in one run, interleaved round by round, each round in a seeded random
 * order, so that a noisy machine's drift, even a steady one, falls on all of them alike (for
 * `compare --measure`, `check --measure` and `guidelines`).
 */
export async function benchMany(
  graphs: (Graph | BenchTarget)[],
  opts: Omit<BenchOptions, 'perLayer'> & {
    /** time every round in the machine's undisturbed phase only (phase.ts), as calibration does */
    undisturbed?: boolean;
    /** the seed of the rounds' order (default: a fresh one, returned) */
    orderSeed?: number;
  } = {},
): Promise<{ results: LatencyOf[]; env: MeasureEnv; warnings: string[]; samples: number[][]; order: TimingOrder }> {
  const runs = opts.runs ?? 30;
  const warmup = opts.warmup ?? 5;
  const threads = opts.threads ?? 1;
  const optLevel = opts.optLevel ?? 'all';
  const runners: Runner[] = [];
  const gated = opts.undisturbed ? await onnxruntime.openGate(threads) : undefined;
  try {
    const prepared: Prepared[] = [];
    for (const g of graphs) prepared.push(await prepare('kind' in g ? g : { kind: 'graph', graph: g }));
    for (const p of prepared) runners.push(await Runner.open(p.bytes, p.inputs, { threads, optLevel }, p.what));
    const total = runs * runners.length;
    let done = 0;
    const seed = opts.orderSeed ?? randomInt(2 ** 31);
    const { samples, orders } = await timeInterleaved(runners, warmup, runs, {
      settleMs: SETTLE_MS,
      onTick: (_k, timed) => {
        if (timed) opts.onProgress?.(++done, total, 'timing');
      },
      gate: gated?.gate,
      orderSeed: seed,
    });
    opts.onProgress?.(total, total, 'done');
    const results = prepared.map((p, i) => ({ model: p.graph.model, latency: { ...summarize(samples[i]), threads } }));
    const warnings = results
      .filter((r) => relativeSpread(r.latency) > NOISY_SPREAD)
      .map((r) => `${r.model}: run-to-run spread is wide (${spreadNote(r.latency)}); treat its latency with care`);
    const order = { seed, rounds: orders };
    return { results, env: measureEnv(await ortVersion(), threads, optLevel), warnings, samples, order };
  } finally {
    for (const r of runners) await r.close();
    await gated?.close();
  }
}
