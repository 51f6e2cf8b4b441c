/**
 * `netcost calibrate`: the micro-benchmarks of benchmarks.ts timed on this machine in onnxruntime
 * with bench's threads and optimisation level, by `bench --per-layer` (fused kernels credited by
 * dataflow, exactly as `bench` reports them); the profiler's cost per kernel taken off; then the
 * roofline (peak, bandwidth by working set) and a latency model fitted per kernel class.
 */
import { analyze } from '../cost/analyze.ts';
import { buildGraph } from '../graph/build.ts';
import { deployGraph } from '../graph/deploy.ts';
import { bench, type LayerTiming } from '../measure/bench.ts';
import { measureEnv } from '../measure/env.ts';
import { type OptLevel, ortVersion } from '../measure/runner.ts';
import { numel } from '../ops/op.ts';
import { modelsOfSpec } from '../spec/load.ts';
import { calibrationNetworks, type Net } from './benchmarks.ts';
import { fitClass, median, predictSample, type Sample, type Whole, wholeModelFit } from './fit.ts';
import { KERNEL_CLASSES, type KernelClass, type MachineProfile, PROFILE_VERSION } from './machine.ts';

export interface CalibrateOptions {
  quick?: boolean;
  threads?: number;
  optLevel?: OptLevel;
  onProgress?: (done: number, total: number, phase: string) => void;
}

interface Measured {
  cls: KernelClass;
  plain?: boolean;
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
  // timed runs per network, cut (to no fewer than 3) when a slow machine would overrun the budget
  let runs = quick ? 10 : 30;
  const budgetS = quick ? 15 : 60;
  const warmup = quick ? 2 : 5;
  const layers: (Measured & { purpose: Net['purpose'] })[] = [];
  const wholes: Whole[] = [];
  const perNet: (LayerTiming & { net: Net['purpose']; cls: KernelClass; bytes: number; plain?: boolean })[] = [];
  // grouped convolutions that ran in the blocked layout, by channels per group: the block size
  const blockedGroups: number[] = [];
  for (const [i, net] of nets.entries()) {
    opts.onProgress?.(i, nets.length, net.spec.name ?? '');
    const [model] = modelsOfSpec(net.spec, `calibration:${net.spec.name}`);
    const g = buildGraph(model);
    const r = await bench({ kind: 'graph', graph: g }, { runs, warmup, threads, optLevel, perLayer: true });
    const projectedS = (((performance.now() - t0) / 1000) * nets.length) / (i + 1);
    if (projectedS > 0.8 * budgetS) runs = Math.max(3, Math.floor((runs * 0.8 * budgetS) / projectedS));
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
    const costs = new Map(analyze(deployGraph(g)).layers.map((c) => [c.name, c]));
    for (const l of timed) {
      if (l.kernelClass === 'view' || l.kernelMs <= 0) continue; // fused into a neighbour: no kernel of its own
      const c = costs.get(l.name);
      const conv = c?.op === 'conv';
      const blocked = l.kernels.some((k) => /_nchwc \[/.test(k));
      const groups = typeof c?.groups === 'number' ? c.groups : 1;
      if (conv && blocked && groups > 1 && groups < c.inputShapes[0][1])
        blockedGroups.push(c.inputShapes[0][1] / groups);
      perNet.push({
        ...l,
        net: net.purpose,
        cls: l.kernelClass,
        bytes: l.memoryAccessBytes,
        plain: conv ? !blocked : undefined,
      });
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
    layers.push({
      cls: l.cls,
      flops: l.flops,
      bytes: l.bytes,
      ms,
      purpose: l.net,
      gemmWidth: l.gemmWidth,
      plain: l.plain,
    });
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
    // 8 if a grouped convolution with 8 (not 16) channels per group ran blocked; 16 if only wider ones
    nchwcBlock: perNet.some((l) => l.plain === false) ? (blockedGroups.some((c) => c % 16 !== 0) ? 8 : 16) : 0,
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
