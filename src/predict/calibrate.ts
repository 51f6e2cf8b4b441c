/**
 * `netcost calibrate`: micro-benchmarks on this machine in onnxruntime, with bench's threads and
 * optimisation level, and a latency model fitted per kernel class.
 *
 * The benchmarks are netcost specs, timed by `bench --per-layer` (so a layer's time is its share
 * of the unprofiled median, fused kernels credited by dataflow, exactly as `bench` reports it):
 * - bandwidth: chains of ReLU over tensors from 32 KB to 64 MB of traffic per layer (a cache-aware
 *   roofline: a layer whose tensors fit in cache is not bound by DRAM bandwidth);
 * - peak compute: dense 3x3 convolutions large enough to saturate the cores;
 * - a sweep of cells over the channel counts and map sizes of real CNNs (16 channels at 112x112
 *   to 512 at 7x7), each with a dense 3x3 conv, a pointwise, a depthwise and a grouped pointwise
 *   (g = 2..8) convolution, a channel shuffle, a split-and-concat, a residual add, a sigmoid,
 *   max and average pooling, global pooling and two linear layers.
 * No built-in model, guideline network or PaddleOCR model is among them: those validate the fit.
 */
import { buildGraph } from '../graph/build.ts';
import { bench, type LayerTiming } from '../measure/bench.ts';
import { measureEnv } from '../measure/env.ts';
import { type OptLevel, ortVersion } from '../measure/runner.ts';
import { numel } from '../ops/op.ts';
import { modelsOfSpec } from '../spec/load.ts';
import type { Entry, SpecFile } from '../spec/types.ts';
import { fitClass, median, predictSample, type Sample } from './fit.ts';
import { KERNEL_CLASSES, type KernelClass, type MachineProfile, PROFILE_VERSION } from './machine.ts';

export interface CalibrateOptions {
  quick?: boolean;
  threads?: number;
  optLevel?: OptLevel;
  onProgress?: (done: number, total: number, phase: string) => void;
}

interface Net {
  spec: SpecFile;
  purpose: 'bandwidth' | 'peak' | 'sweep' | 'profiler';
}

const reluChain = (c: number, hw: number): Net => ({
  purpose: 'bandwidth',
  spec: {
    name: `bandwidth-${c}x${hw}x${hw}`,
    input: [1, c, hw, hw],
    layers: [1, 2, 3, 4].map((i): Entry => ({ op: 'relu', name: `relu${i}` })),
  },
});

/**
 * 64 ReLUs on a 4 KiB tensor: kernels that take about a microsecond, so the profiled kernel time
 * beyond the unprofiled run is the profiler's own cost per kernel (about 5-10 us here).
 */
const profilerCost = (): Net => ({
  purpose: 'profiler',
  spec: {
    name: 'profiler-cost',
    input: [1, 16, 8, 8],
    layers: Array.from({ length: 64 }, (_, i): Entry => ({ op: 'relu', name: `relu${i + 1}` })),
  },
});

const peak = (): Net => ({
  purpose: 'peak',
  spec: {
    name: 'peak-conv3x3-256',
    input: [1, 256, 28, 28],
    layers: [1, 2, 3].map((i): Entry => ({ op: 'conv', name: `conv${i}`, out: 256, kernel: 3, padding: 1 })),
  },
});

function cell(c: number, hw: number, g: number): Net {
  const pw = (name: string, out: number, act = true): Entry => ({
    op: 'conv',
    name,
    out,
    kernel: 1,
    bn: true,
    ...(act ? { act: 'relu' as const } : {}),
  });
  return {
    purpose: 'sweep',
    spec: {
      name: `cell-c${c}-${hw}x${hw}-g${g}`,
      input: [1, c, hw, hw],
      layers: [
        { op: 'conv', name: 'conv', out: c, kernel: 3, padding: 1, bn: true, act: 'relu' },
        pw('pw', c),
        { op: 'conv', name: 'dw', out: c, kernel: 3, padding: 1, depthwise: true, bn: true },
        { op: 'conv', name: 'gpw', out: c, kernel: 1, groups: g, bn: true, act: 'relu' },
        { op: 'shuffle', name: 'shuffle', groups: g },
        {
          op: 'parallel',
          name: 'halves',
          split: true,
          join: 'concat',
          branches: [
            { name: 'keep', layers: [] },
            { name: 'work', layers: [pw('pw', c / 2)] },
          ],
        },
        {
          op: 'parallel',
          name: 'res',
          join: 'add',
          branches: [
            { name: 'id', layers: [] },
            { name: 'work', layers: [pw('pw', c, false)] },
          ],
        },
        { op: 'sigmoid', name: 'sigmoid' },
        { op: 'maxpool', name: 'maxpool', kernel: 3, stride: 1, padding: 1 },
        { op: 'avgpool', name: 'avgpool', kernel: 2, stride: 2 },
        { op: 'gap', name: 'gap' },
        { op: 'flatten', name: 'flatten' },
        { op: 'linear', name: 'fc1', out: 4 * c },
        { op: 'linear', name: 'fc2', out: 1000 },
      ],
    },
  };
}

/** A downsampling unit (strided depthwise and dense convolutions, a pooled shortcut, concat). */
function down(c: number, hw: number): Net {
  return {
    purpose: 'sweep',
    spec: {
      name: `down-c${c}-${hw}x${hw}`,
      input: [1, c, hw, hw],
      layers: [
        {
          op: 'parallel',
          name: 'down',
          join: 'concat',
          branches: [
            { name: 'short', layers: [{ op: 'avgpool', name: 'pool', kernel: 3, stride: 2, padding: 1 }] },
            {
              name: 'main',
              layers: [
                { op: 'conv', name: 'dw', out: c, kernel: 3, stride: 2, padding: 1, depthwise: true, bn: true },
                { op: 'conv', name: 'pw', out: c, kernel: 1, bn: true, act: 'relu' },
              ],
            },
          ],
        },
        { op: 'conv', name: 'conv', out: 2 * c, kernel: 3, stride: 2, padding: 1, bn: true, act: 'relu' },
      ],
    },
  };
}

/** MobileNet V2's inverted bottleneck: narrow 1x1 expansions (c -> 6c) and projections (6c -> c). */
const bottleneck = (c: number, hw: number): Net => ({
  purpose: 'sweep',
  spec: {
    name: `bottleneck-c${c}-${hw}x${hw}`,
    input: [1, c, hw, hw],
    layers: [
      { op: 'conv', name: 'expand', out: 6 * c, kernel: 1, bn: true, act: 'relu6' },
      { op: 'conv', name: 'dw', out: 6 * c, kernel: 3, padding: 1, depthwise: true, bn: true, act: 'relu6' },
      { op: 'conv', name: 'project', out: c, kernel: 1, bn: true },
    ],
  },
});

/** A network's first layers: a strided convolution of the 3-channel image and a max pool. */
const stem = (c: number, hw: number): Net => ({
  purpose: 'sweep',
  spec: {
    name: `stem-c${c}-${hw}x${hw}`,
    input: [1, 3, hw, hw],
    layers: [
      { op: 'conv', name: 'conv', out: c, kernel: 3, stride: 2, padding: 1, bn: true, act: 'relu' },
      { op: 'maxpool', name: 'pool', kernel: 3, stride: 2, padding: 1 },
    ],
  },
});

/** (channels, map size, groups) of the cells: the shapes real CNNs pass through, stage by stage */
const CELLS: [number, number, number][] = [
  [16, 112, 2],
  [32, 112, 4],
  [24, 56, 8],
  [48, 56, 2],
  [64, 56, 4],
  [64, 28, 8],
  [96, 28, 2],
  [128, 28, 4],
  [96, 14, 4],
  [192, 14, 8],
  [256, 14, 2],
  [256, 7, 4],
  [512, 7, 8],
];
const QUICK_CELLS = [0, 4, 7, 10, 12];
/** ReLU chains: (channels, map size) from 4 Ki to 8 Mi elements per tensor */
const CHAINS: [number, number][] = [
  [16, 16],
  [32, 32],
  [64, 32],
  [64, 64],
  [128, 64],
  [128, 128],
  [256, 128],
  [256, 181],
];

export function calibrationNetworks(quick = false): Net[] {
  const cells = quick ? QUICK_CELLS.map((i) => CELLS[i]) : CELLS;
  const chains = quick ? CHAINS.filter((_, i) => i % 2 === 0 || i === CHAINS.length - 1) : CHAINS;
  return [
    profilerCost(),
    ...chains.map(([c, hw]) => reluChain(c, hw)),
    peak(),
    ...(quick ? [stem(24, 224)] : [stem(24, 224), stem(32, 160), stem(16, 112)]),
    ...cells.map(([c, hw, g]) => cell(c, hw, g)),
    ...cells.filter((_, i) => i % 2 === 0).map(([c, hw]) => down(c, hw)),
    ...(quick
      ? [bottleneck(16, 56)]
      : [bottleneck(8, 112), bottleneck(16, 56), bottleneck(32, 28), bottleneck(64, 14)]),
  ];
}

/** One calibration network as a whole: median less the harness, its kernels' sum and count, its I/O bytes. */
interface Whole {
  ms: number;
  kernelMs: number;
  kernels: number;
  ioBytes: number;
  overheadMs: number;
}

/** Weighted least squares: the x minimising sum w (row·x - y)^2 (normal equations, Gauss-Jordan). */
export function leastSquares(rows: number[][], y: number[], w: number[]): number[] {
  const n = rows[0].length;
  const a = Array.from({ length: n }, (_, i) => [
    ...Array.from({ length: n }, (_, j) => rows.reduce((s, r, k) => s + w[k] * r[i] * r[j], 0)),
    rows.reduce((s, r, k) => s + w[k] * r[i] * y[k], 0),
  ]);
  for (let c = 0; c < n; c++) {
    const p = a.slice(c).reduce((best, r, i) => (Math.abs(r[c]) > Math.abs(a[best][c]) ? c + i : best), c);
    [a[c], a[p]] = [a[p], a[c]];
    if (a[c][c] === 0) return new Array(n).fill(Number.NaN);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, i) => r[n] / r[i]);
}

/**
 * How deflated kernel times (the profiler's cost per kernel taken off) relate to an unprofiled run:
 * ms = kernelScale · kernelMs + ioBytes / ioGbps, a run also copying its input and output. Least
 * squares on relative error; without a positive copying term, the scale alone.
 */
export function wholeModelFit(ws: Whole[]): { kernelScale: number; ioGbps: number } {
  const w = ws.map((x) => 1 / x.ms ** 2);
  const y = ws.map((x) => x.ms);
  const [a, b] = leastSquares(
    ws.map((x) => [x.kernelMs, x.ioBytes]),
    y,
    w,
  );
  if (a > 0 && b > 0) return { kernelScale: a, ioGbps: 1 / b / 1e6 };
  const [scale] = leastSquares(
    ws.map((x) => [x.kernelMs]),
    y,
    w,
  );
  return { kernelScale: scale, ioGbps: Number.MAX_VALUE };
}

interface Measured {
  cls: KernelClass;
  gemmWidth?: number;
  flops: number;
  bytes: number;
  ms: number;
}

export async function calibrate(opts: CalibrateOptions = {}): Promise<MachineProfile> {
  const t0 = performance.now();
  const threads = opts.threads ?? 1;
  const optLevel = opts.optLevel ?? 'all';
  const quick = opts.quick ?? false;
  const nets = calibrationNetworks(quick);
  const runs = quick ? 10 : 30;
  const warmup = quick ? 2 : 5;
  const layers: (Measured & { purpose: Net['purpose'] })[] = [];
  const wholes: Whole[] = [];
  const perNet: (LayerTiming & { net: Net['purpose']; cls: KernelClass; bytes: number })[] = [];
  for (const [i, net] of nets.entries()) {
    opts.onProgress?.(i, nets.length, net.spec.name ?? '');
    const [model] = modelsOfSpec(net.spec, `calibration:${net.spec.name}`);
    const g = buildGraph(model);
    const r = await bench({ kind: 'graph', graph: g }, { runs, warmup, threads, optLevel, perLayer: true });
    // a layer's sample is its kernel time as the profiler measured it; the whole-model fit below
    // relates the sum of kernels to the unprofiled median
    const timed = r.perLayer?.layers ?? [];
    wholes.push({
      ms: r.latency.medianMs - r.overheadMs,
      kernelMs: timed.reduce((a, l) => a + l.kernelMs, 0),
      kernels: timed.reduce((a, l) => a + l.kernels.length, 0),
      ioBytes: 4 * (numel(g.input.shape) + numel(g.output.shape)),
      overheadMs: r.overheadMs,
    });
    for (const l of timed) {
      if (l.kernelClass === 'view' || l.kernelMs <= 0) continue; // fused into a neighbour: no kernel of its own
      perNet.push({ ...l, net: net.purpose, cls: l.kernelClass, bytes: l.memoryAccessBytes });
    }
  }
  // profiled kernel times -> unprofiled layer times: the profiler's cost per kernel comes off each
  // kernel, then one scale for what a run adds between kernels
  const probe = wholes[nets.findIndex((n) => n.purpose === 'profiler')];
  const perKernelMs = Math.max(0, (probe.kernelMs - probe.ms) / probe.kernels);
  const deflate = (kernelMs: number, kernels: number) => Math.max(kernelMs - perKernelMs * kernels, 0.1 * kernelMs);
  const whole = wholeModelFit(
    wholes
      .map((x) => ({ ...x, kernelMs: deflate(x.kernelMs, x.kernels) }))
      .filter((_, i) => nets[i].purpose !== 'profiler'),
  );
  for (const l of perNet) {
    if (l.net === 'profiler') continue;
    const ms = whole.kernelScale * deflate(l.kernelMs, l.kernels.length);
    layers.push({ cls: l.cls, flops: l.flops, bytes: l.bytes, ms, purpose: l.net, gemmWidth: l.gemmWidth });
  }
  opts.onProgress?.(nets.length, nets.length, 'fitting');

  const env = measureEnv(await ortVersion(), threads, optLevel);
  const profile: MachineProfile = {
    netcostProfile: PROFILE_VERSION,
    created: new Date().toISOString(),
    machine: {
      cpu: env.cpu,
      cores: env.cores,
      platform: env.platform,
      node: env.node,
      onnxruntime: env.onnxruntime,
      threads,
      graphOptimizationLevel: optLevel,
    },
    roofline: {
      peakGflops: peakOf(layers),
      bandwidth: bandwidthCurve(layers.filter((l) => l.purpose === 'bandwidth')),
    },
    runOverheadMs: median(wholes.map((w) => w.overheadMs)),
    ioGbps: whole.ioGbps,
    profiler: { kernelScale: whole.kernelScale, perKernelMs },
    classes: {},
    fit: { layers: 0, medianAbsError: 0 },
    calibration: { seconds: 0, networks: nets.length, quick },
  };
  const errors: number[] = [];
  for (const cls of KERNEL_CLASSES) {
    const samples: Sample[] = layers.filter((l) => l.cls === cls);
    if (samples.length < 3) continue;
    const fit = fitClass(profile, samples);
    profile.classes[cls] = fit;
    for (const s of samples) errors.push(Math.abs(predictSample(profile, fit, s) / s.ms - 1));
  }
  profile.fit = { layers: errors.length, medianAbsError: median(errors) };
  profile.calibration.seconds = (performance.now() - t0) / 1000;
  return profile;
}

/** The highest GFLOP/s any dense convolution or linear layer reached. */
function peakOf(layers: Measured[]): number {
  const dense = layers.filter((l) => l.cls === 'conv' || l.cls === 'pointwise' || l.cls === 'linear');
  return Math.max(...dense.map((l) => l.flops / l.ms / 1e6));
}

/**
 * GB/s by working set from the ReLU chains. A kernel's time is a fixed cost plus its traffic over
 * the bandwidth; the fixed cost comes from the two smallest sizes (both in cache, so one bandwidth),
 * and each size's bandwidth is its traffic over the rest of its time.
 */
function bandwidthCurve(relus: Measured[]): { bytes: number; gbps: number }[] {
  const bySize = new Map<number, number[]>();
  for (const l of relus) bySize.set(l.bytes, [...(bySize.get(l.bytes) ?? []), l.ms]);
  const pts = [...bySize].map(([bytes, ms]) => ({ bytes, ms: median(ms) })).sort((a, b) => a.bytes - b.bytes);
  const [a, b] = pts;
  const fixed = Math.min(Math.max(0, (a.ms * b.bytes - b.ms * a.bytes) / (b.bytes - a.bytes)), 0.9 * a.ms);
  return pts.map((p) => ({ bytes: p.bytes, gbps: p.bytes / Math.max(p.ms - fixed, 0.1 * p.ms) / 1e6 }));
}
