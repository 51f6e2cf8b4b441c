/**
 * onnxruntime-node sessions and the timing loop. onnxruntime is loaded on first use only: its
 * native addon costs more to load than the whole cost model takes to run.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { NetcostError } from '../errors.ts';
import type { ElemType } from '../graph/dtype.ts';
import { roundOrder } from '../util/random.ts';
import { settleMemory } from './heap.ts';
import { type OptLevel, ROUND_RUNS } from './options.ts';
import { type PhaseGate, timeGated } from './phase.ts';
import type { TraceEvent } from './profile.ts';
import { loadOnnxruntime, ORT_LOG_SEVERITY } from './runtime.ts';
import { aliasUnsafeNames, unalias, unaliasGraph } from './trace-names.ts';

/** The first line of an error's message (onnxruntime's can run to pages). */
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** where a profiled session writes the graph onnxruntime runs, inside its profile folder */
const OPTIMIZED = 'optimized.onnx';

type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | undefined;
export async function ort(): Promise<Ort> {
  if (!ortModule) {
    ortModule = await loadOnnxruntime();
  }
  return ortModule;
}

export async function ortVersion(): Promise<string> {
  const o = await ort();
  return o.env.versions?.node ?? o.env.versions?.common ?? 'unknown';
}

export interface SessionOptions {
  threads: number;
  optLevel: OptLevel;
  /** write onnxruntime's profiler trace and the graph it runs (see `Runner.endProfiling`) */
  profile?: boolean;
}

/** Deterministic pseudo-random input in [-1, 1). */
function inputData(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

/** float32 bits -> float16 bits (round toward zero; inputs are in [-1, 1)). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((u >>> 13) & 0x3ff);
}

/** Made-up values for an input of `type`: pseudo-random in [-1, 1) for floats, small values otherwise. */
function madeUp(type: ElemType | undefined, n: number): ArrayLike<number> {
  const data = inputData(n);
  switch (type) {
    case 'int64':
    case 'int32':
      return Array.from(data, (v) => Math.floor((v + 1) * 2));
    case 'int8':
      return Array.from(data, (v) => Math.floor(v * 100));
    case 'uint8':
      return Array.from(data, (v) => Math.floor((v + 1) * 100));
    case 'bool':
      return Array.from(data, (v) => (v > 0 ? 1 : 0));
    default:
      return data;
  }
}

/** A tensor of the input's element type holding `v` (made-up values, or the caller's `--value`). */
function typedTensor(o: Ort, type: ElemType | undefined, shape: number[], v: ArrayLike<number>): Tensor {
  switch (type) {
    case 'int64':
      return new o.Tensor(
        'int64',
        BigInt64Array.from(v, (x) => BigInt(x)),
        shape,
      );
    case 'int32':
      return new o.Tensor('int32', Int32Array.from(v), shape);
    case 'int8':
      return new o.Tensor('int8', Int8Array.from(v), shape);
    case 'uint8':
      return new o.Tensor('uint8', Uint8Array.from(v), shape);
    case 'bool':
      return new o.Tensor(
        'bool',
        Uint8Array.from(v, (x) => (x ? 1 : 0)),
        shape,
      );
    case 'fp64':
      return new o.Tensor('float64', Float64Array.from(v), shape);
    case 'fp16':
      return new o.Tensor('float16', Uint16Array.from(v, toHalf), shape);
    default:
      return new o.Tensor('float32', Float32Array.from(v), shape);
  }
}

/**
 * Session config every timed session gets. onnxruntime's intra-op workers spin after a run, for
 * up to a second or so, waiting for the next one: a session timed right after another then shares
 * the cores with the other's spinning workers. Measured here (2 threads, 2 cores, a 1.6 ms
 * network timed alternately with a second session): +15% to +70% with the default, +2% with
 * spinning stopped at the end of each run. Within a run the workers still spin between kernels,
 * as they do in deployment; each run starts them again (a cost the run overhead holds).
 */
const SESSION_CONFIG = { session: { force_spinning_stop: '1' } };

/** One session with its inputs ready, timed one run at a time. */
export class Runner {
  private constructor(
    readonly session: InferenceSession,
    /** the input tensors every run is fed */
    readonly feeds: Readonly<Record<string, Tensor>>,
    private readonly profileDir: string | undefined,
    private readonly what: string,
    /** real names of the aliases a profiled model runs with (see trace-names.ts) */
    private readonly aliases: readonly string[] = [],
  ) {}

  static async open(
    model: Uint8Array,
    inputs: { name: string; shape: number[]; type?: ElemType; value?: number[] }[],
    opts: SessionOptions,
    what: string,
  ): Promise<Runner> {
    const o = await ort();
    const profileDir = opts.profile ? mkdtempSync(join(tmpdir(), 'netcost-profile-')) : undefined;
    const aliased = profileDir ? aliasUnsafeNames(model) : { bytes: model, names: [] };
    let session: InferenceSession;
    try {
      session = await o.InferenceSession.create(aliased.bytes, {
        intraOpNumThreads: opts.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: opts.optLevel,
        extra: SESSION_CONFIG,
        logSeverityLevel: ORT_LOG_SEVERITY,
        ...(profileDir
          ? {
              enableProfiling: true,
              profileFilePrefix: join(profileDir, 'trace'),
              optimizedModelFilePath: join(profileDir, OPTIMIZED),
            }
          : {}),
      });
    } catch (e) {
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
      throw new NetcostError(`${what}: onnxruntime cannot load the model: ${firstLine(e)}`, 2, { cause: e });
    }
    const feeds: Record<string, Tensor> = {};
    for (const i of inputs)
      feeds[i.name] = typedTensor(
        o,
        i.type,
        i.shape,
        i.value ??
          madeUp(
            i.type,
            i.shape.reduce((a, b) => a * b, 1),
          ),
      );
    return new Runner(session, feeds, profileDir, what, aliased.names);
  }

  /** One inference; returns its wall time in milliseconds. */
  async run(): Promise<number> {
    const t0 = performance.now();
    try {
      await this.session.run(this.feeds);
    } catch (e) {
      throw new NetcostError(`${this.what}: onnxruntime failed to run the model: ${firstLine(e)}`, 2, { cause: e });
    }
    return performance.now() - t0;
  }

  /** All outputs of one inference (for checks). */
  async outputs(): Promise<Record<string, Tensor>> {
    return this.session.run(this.feeds);
  }

  /**
   * Stop profiling; read the trace and the graph onnxruntime ran (undefined if it wrote none),
   * and remove both from disk.
   */
  endProfiling(): { events: TraceEvent[]; optimized: Uint8Array | undefined } {
    if (!this.profileDir) throw new Error('internal: session was not profiled');
    try {
      this.session.endProfiling();
      const files = readdirSync(this.profileDir).filter((f) => f.endsWith('.json'));
      const optimizedFile = join(this.profileDir, OPTIMIZED);
      const written = existsSync(optimizedFile) ? readFileSync(optimizedFile) : undefined;
      const optimized = written && unaliasGraph(written, this.aliases);
      if (files.length === 0) throw new NetcostError('onnxruntime wrote no profiler trace');
      const trace = join(this.profileDir, files.sort().at(-1) as string);
      try {
        const events = JSON.parse(readFileSync(trace, 'utf8')) as TraceEvent[];
        for (const e of events) e.name = unalias(e.name, this.aliases);
        return { events, optimized };
      } catch (e) {
        throw new NetcostError(`${this.what}: onnxruntime's profiler trace cannot be read (${firstLine(e)})`, 2, {
          cause: e,
        });
      }
    } finally {
      rmSync(this.profileDir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.session.release();
    if (this.profileDir) rmSync(this.profileDir, { recursive: true, force: true });
  }
}

export interface InterleaveOptions {
  /** after each run: which runner, and whether the run was timed (not warm-up) */
  onTick?: (runner: number, timed: boolean) => void;
  /** timed runs per runner per round (default ROUND_RUNS) */
  block?: number;
  /** time each batch in the machine's undisturbed phase (phase.ts); a batch the phase left is timed again */
  gate?: PhaseGate;
  /** time the runners of each round in a seeded random order (util/random.ts roundOrder), not as given */
  orderSeed?: number;
  /** after warm-up, run each runner until it stops faulting in fresh memory (heap.ts), at most this long */
  settleMs?: number;
}

/**
 * Warm up, then time `runs` runs of each runner. With several runners the timed runs go in
 * rounds: each round gives every runner one untimed run (to bring its weights back into cache)
 * and then up to `block` timed runs, so drift on a noisy machine falls on all of them alike
 * without charging one model for another's cache misses. Returns milliseconds per runner, and the
 * order each round timed them in.
 */
export async function timeInterleaved(
  runners: Runner[],
  warmup: number,
  runs: number,
  o: InterleaveOptions = {},
): Promise<{ samples: number[][]; orders: number[][] }> {
  for (const [k, r] of runners.entries())
    for (let i = 0; i < warmup; i++) {
      await r.run();
      o.onTick?.(k, false);
    }
  // until the runs stop faulting in fresh memory (heap.ts), within a budget per runner
  if (o.settleMs) for (const r of runners) await settleMemory(() => r.run(), o.settleMs);
  const samples = runners.map(() => [] as number[]);
  const orders: number[][] = [];
  const step = runners.length > 1 ? (o.block ?? ROUND_RUNS) : runs;
  for (let done = 0, round = 0; done < runs; done += step, round++) {
    const order = o.orderSeed === undefined ? runners.map((_, k) => k) : roundOrder(o.orderSeed, round, runners.length);
    orders.push(order);
    for (const k of order) {
      if (runners.length > 1 && done > 0) await runners[k].run();
      const batch = await timeGated(o.gate, async () => {
        const ms: number[] = [];
        for (let i = 0; i < Math.min(step, runs - done); i++) ms.push(await runners[k].run());
        return ms;
      });
      for (const t of batch) {
        samples[k].push(t);
        o.onTick?.(k, true);
      }
    }
  }
  return { samples, orders };
}
