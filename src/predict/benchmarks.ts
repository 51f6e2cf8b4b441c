/**
 * The micro-benchmarks `netcost calibrate` times: netcost specs, each timed by `bench --per-layer`.
 * - bandwidth: chains of ReLU over tensors from 32 KB to 64 MB of traffic per layer (a cache-aware
 *   roofline: a layer whose tensors fit in cache is not bound by DRAM bandwidth);
 * - the profiler's own cost per kernel: 64 ReLUs on a 4 KB tensor;
 * - peak compute: dense 3x3 convolutions large enough to saturate the cores;
 * - a sweep of cells over the channel counts and map sizes of real CNNs (16 channels at 112x112
 *   to 512 at 7x7), each with a dense 3x3 conv, a pointwise, a depthwise and a grouped pointwise
 *   (g = 2..8) convolution, a channel shuffle, a split-and-concat, a residual add, a sigmoid,
 *   max and average pooling, global pooling and two linear layers; strided downsampling units,
 *   network stems and MobileNet V2 inverted bottlenecks.
 * No built-in model, guideline network or PaddleOCR model is among them: those validate the fit.
 */
import type { Entry, SpecFile } from '../spec/types.ts';

export interface Net {
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
  // channel counts that are not multiples of 4: onnxruntime runs these convolutions unblocked
  [30, 56, 2],
  [66, 28, 2],
  [138, 14, 2],
  [270, 7, 2],
];
const QUICK_CELLS = [0, 4, 7, 10, 12, 14];
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
