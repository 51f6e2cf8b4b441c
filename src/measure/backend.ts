/**
 * The execution backend netcost measures with, as an interface (open a model, time runs of it,
 * profile runs into kernel times, give the graph the engine runs and its layout block), and
 * onnxruntime, its one implementation. Nothing here knows of predictions: callers join kernel
 * times to whatever they model, by the kernels' node names.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetcostError } from '../errors.ts';
import type { ElemType } from '../graph/dtype.ts';
import { IR_VERSION, OPSET } from '../onnx/metadata.ts';
import { encodeModel } from '../onnx/model-proto.ts';
import type { OptLevel } from './options.ts';
import { PhaseGate } from './phase.ts';
import { kernelMedians, type TraceKernel } from './profile.ts';
import { ort, Runner, timeInterleaved } from './runner.ts';
import { ORT_LOG_SEVERITY } from './runtime.ts';

export interface ModelInput {
  bytes: Uint8Array;
  inputs: { name: string; shape: number[]; type?: ElemType; value?: number[] }[];
  /** what to call the model in messages */
  what: string;
}

export interface RunOptions {
  threads: number;
  optLevel: OptLevel;
  warmup: number;
  runs: number;
  /** the statistic per kernel over the profiled runs (0.5: the median, the default) */
  quantile?: number;
  /** time only in the machine's undisturbed phase (see phase.ts; from `openGate`) */
  gate?: PhaseGate;
}

/** Profiled runs of a model: its kernels' median times, the graph the engine ran, the runs' wall times. */
export interface KernelTrace {
  kernels: TraceKernel[];
  optimized: Uint8Array | undefined;
  runsMs: number[];
}

export interface Backend {
  readonly name: string;
  version(): Promise<string>;
  /** `runs` timed runs of each model, interleaved; milliseconds per model */
  time(models: ModelInput[], opts: RunOptions): Promise<number[][]>;
  profile(model: ModelInput, opts: RunOptions): Promise<KernelTrace>;
  /** the graph the engine runs for a model at an optimisation level */
  optimizedGraph(model: Uint8Array, level: OptLevel, threads?: number): Promise<Uint8Array>;
  /** channels per block of the engine's blocked layout here (0: none) */
  layoutBlock(): Promise<number>;
  /** a gate on the machine's phase (phase.ts): probe models (compute, memory) held open at `threads` */
  openGate(threads: number): Promise<{ gate: PhaseGate; close(): Promise<void> }>;
}

/** The graph onnxruntime runs for a model at an optimisation level (its optimized graph, as an ONNX file). */
export async function optimizedGraph(model: Uint8Array, level: OptLevel, threads = 1): Promise<Uint8Array> {
  const o = await ort();
  const dir = mkdtempSync(join(tmpdir(), 'netcost-optimized-'));
  try {
    const file = join(dir, 'optimized.onnx');
    try {
      const s = await o.InferenceSession.create(model, {
        graphOptimizationLevel: level,
        intraOpNumThreads: threads,
        optimizedModelFilePath: file,
        logSeverityLevel: ORT_LOG_SEVERITY,
      });
      await s.release();
    } catch (e) {
      throw new NetcostError(`onnxruntime cannot load the model: ${String((e as Error).message).split('\n')[0]}`);
    }
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Channels per group of the probe's grouped convolutions: the smallest that runs blocked is the block. */
const PROBE_GROUP_WIDTHS = [4, 8, 16];

/** A model of netcost's own making for the backend's probes: `graph` at netcost's IR and opset. */
const tinyModel = (graph: Parameters<typeof encodeModel>[0]['graph']): Uint8Array =>
  encodeModel({ irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], producerName: 'netcost', graph });

/** A model of grouped 1x1 convolutions over 32 channels, 4, 8 and 16 channels per group. */
function probeModel(): Uint8Array {
  const C = 32;
  const vi = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [1, C, 4, 4].map((d) => ({ dimValue: d })) } } },
  });
  const convs = PROBE_GROUP_WIDTHS.map((w) => ({
    opType: 'Conv',
    name: `g${w}`,
    input: ['x', `w${w}`],
    output: [`y${w}`],
    attribute: [{ name: 'group', type: 2, i: C / w }],
  }));
  return tinyModel({
    name: 'nchwc-probe',
    node: convs,
    initializer: PROBE_GROUP_WIDTHS.map((w) => ({
      name: `w${w}`,
      dims: [C, w, 1, 1],
      dataType: 1,
      rawData: new Uint8Array(4 * C * w),
    })),
    input: [vi('x')],
    output: PROBE_GROUP_WIDTHS.map((w) => vi(`y${w}`)),
  });
}

let block: number | undefined;

/**
 * Channels per block of onnxruntime's NCHWc layout here (8 with AVX2, 16 with AVX-512; 0 without
 * the layout): the smallest channels-per-group of a grouped convolution it runs blocked.
 */
async function nchwcBlock(): Promise<number> {
  if (block !== undefined) return block;
  const { onnx } = await import('../onnx/proto.ts');
  const g = onnx.ModelProto.decode(await optimizedGraph(probeModel(), 'all')).graph;
  const blocked = (g?.node ?? [])
    .filter((n) => n.domain === 'com.microsoft.nchwc' && n.opType === 'Conv')
    .map((n) => PROBE_GROUP_WIDTHS.find((w) => (n.name ?? '').startsWith(`y${w}_`)) ?? 0)
    .filter((w) => w > 0);
  block = blocked.length ? Math.min(...blocked) : 0;
  return block;
}

/** A one-element Identity model: timing it measures the harness, not a network. */
export function identityModel(): Uint8Array {
  const vi = { name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } };
  return tinyModel({
    name: 'identity',
    node: [{ opType: 'Identity', name: 'id', input: ['x'], output: ['y'] }],
    input: [vi],
    output: [{ ...vi, name: 'y' }],
  });
}

/**
 * The phase gate's probe: one 3x3 convolution of 32 channels at 28x28 (about 0.15 ms), compute
 * bound, so a neighbour on the core slows it most. Weights of zeros: their values do not change
 * the time, and they cost nothing to make.
 */
function gateModel(): Uint8Array {
  const dims = (d: number[]) => ({ dim: d.map((dimValue) => ({ dimValue })) });
  const tensor = (name: string, d: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: dims(d) } } });
  const weight = { name: 'w', dims: [32, 32, 3, 3], dataType: 1, rawData: new Uint8Array(4 * 32 * 32 * 9) };
  return tinyModel({
    name: 'gate',
    node: [
      {
        opType: 'Conv',
        name: 'c',
        input: ['x', 'w'],
        output: ['y'],
        attribute: [{ name: 'pads', type: 7, ints: [1, 1, 1, 1] }],
      },
    ],
    initializer: [weight],
    input: [tensor('x', [1, 32, 28, 28])],
    output: [tensor('y', [1, 32, 28, 28])],
  });
}

/** the memory gate's input: 4 MiB, beyond the core's caches */
const MEMORY_GATE_SHAPE = [1, 64, 128, 128];

/**
 * The phase gate's memory probe: two ReLUs over 4 MiB and a mean per channel (about 0.4 ms), bound
 * by memory traffic, so a neighbour streaming memory slows it most. Its output is small: a 4 MiB
 * one would be a fresh buffer each run, whose page faults swamp the traffic.
 */
function memoryGateModel(): Uint8Array {
  const dims = (d: number[]) => ({ dim: d.map((dimValue) => ({ dimValue })) });
  const tensor = (name: string, d: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: dims(d) } } });
  return tinyModel({
    name: 'memory-gate',
    node: [
      { opType: 'Relu', name: 'r1', input: ['x'], output: ['a'] },
      { opType: 'Relu', name: 'r2', input: ['a'], output: ['b'] },
      {
        opType: 'ReduceMean',
        name: 'm',
        input: ['b'],
        output: ['y'],
        attribute: [{ name: 'axes', type: 7, ints: [2, 3] }],
      },
    ],
    input: [tensor('x', MEMORY_GATE_SHAPE)],
    output: [tensor('y', [1, 64, 1, 1])],
  });
}

export const onnxruntime: Backend = {
  name: 'onnxruntime',
  async version() {
    const o = await ort();
    return o.env.versions?.node ?? o.env.versions?.common ?? 'unknown';
  },
  async time(models, opts) {
    const runners: Runner[] = [];
    try {
      for (const m of models) runners.push(await Runner.open(m.bytes, m.inputs, opts, m.what));
      return (await timeInterleaved(runners, opts.warmup, opts.runs, { gate: opts.gate })).samples;
    } finally {
      for (const r of runners) await r.close();
    }
  },
  async profile(model, opts) {
    const r = await Runner.open(model.bytes, model.inputs, { ...opts, profile: true }, model.what);
    try {
      // a batch timed again leaves its runs in the trace: the kernels come from the last `runs` runs
      const [runsMs] = (await timeInterleaved([r], opts.warmup, opts.runs, { gate: opts.gate })).samples;
      const { events, optimized } = r.endProfiling();
      return { kernels: kernelMedians(events, opts.runs, opts.quantile), optimized, runsMs };
    } finally {
      await r.close();
    }
  },
  optimizedGraph,
  layoutBlock: nchwcBlock,
  async openGate(threads) {
    const o = { threads, optLevel: 'all' } as const;
    const compute = await Runner.open(gateModel(), [{ name: 'x', shape: [1, 32, 28, 28] }], o, 'gate');
    const memory = await Runner.open(memoryGateModel(), [{ name: 'x', shape: MEMORY_GATE_SHAPE }], o, 'memory gate');
    return {
      gate: new PhaseGate(compute, memory),
      close: async () => {
        await compute.close();
        await memory.close();
      },
    };
  },
};
