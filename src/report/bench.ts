/** `netcost bench` as a document: what ran where, latency, and with --per-layer the time of each layer and category. */
import type { BenchResult } from '../measure/bench.ts';
import type { LayerTiming } from '../measure/per-layer.ts';
import { type Cell, type Column, type Document, lines, num, type TableSection, text } from '../result/document.ts';
import { corr, fixed } from '../result/format.ts';
import { benchCharts } from './charts/commands.ts';

const p1 = (x: number) => `${(100 * x).toFixed(1)}%`;
/** predicted against measured, as a signed fraction; null where nothing was measured */
const predError = (predicted: number | undefined, measured: number) =>
  predicted === undefined || measured <= 0 ? null : predicted / measured - 1;

export function benchHeader(r: BenchResult): string[] {
  const e = r.env;
  const l = r.latency;
  const what =
    r.run === 'exported'
      ? `${r.model} (${r.view} view, exported to ONNX, ${(r.modelBytes / 2 ** 20).toFixed(1)} MiB)`
      : `${r.model} (${(r.modelBytes / 2 ** 20).toFixed(1)} MiB)`;
  return [
    `${what}, input ${Object.entries(r.input)
      .map(([k, s]) => (Object.keys(r.input).length === 1 ? s.join('x') : `${k} ${s.join('x')}`))
      .join(', ')}`,
    `on ${e.cpu} (${e.cores} cores), ${e.threads} intra-op ` +
      `thread${e.threads === 1 ? '' : 's'}${e.threads === 1 ? ' (the default; --threads N for more)' : ''}, ` +
      `onnxruntime ${e.onnxruntime}, graph optimisation '${e.graphOptimizationLevel}', node ${e.node}`,
    `latency over ${l.runs} runs after ${r.warmup} warm-up: median ${fixed(l.medianMs, 3)} ms; harness overhead ` +
      `${fixed(r.overheadMs, 3)} ms per run (included)`,
    ...(r.prediction
      ? [
          `predicted ${fixed(r.prediction.predictedMs, 3)} ms (${fixed(r.prediction.lowMs, 3)}-` +
            `${fixed(r.prediction.highMs, 3)}) from the machine profile (${r.prediction.profile}): ` +
            `${r.prediction.error >= 0 ? '+' : ''}${p1(r.prediction.error)} against the measured median`,
          ...r.prediction.notes.map((n) => `note: ${n}`),
        ]
      : []),
  ];
}

/**
 * Per-layer rows at a depth: a layer deeper than `depth` is replaced by its group at that depth,
 * with the group's times, counts and shares summed (depth Infinity keeps every layer).
 */
export function timingsAtDepth(layers: LayerTiming[], depth: number): LayerTiming[] {
  if (!Number.isFinite(depth)) return layers;
  const out: LayerTiming[] = [];
  const byGroup = new Map<string, LayerTiming>();
  for (const l of layers) {
    const g = l.path[depth - 1];
    if (g === undefined) {
      out.push(l);
      continue;
    }
    const row = byGroup.get(g);
    if (!row) {
      const fresh = { ...l, name: g, op: '[group]', path: l.path.slice(0, depth), kernels: [...l.kernels] };
      if (l.bound !== undefined) Object.assign(fresh, { bound: '' });
      byGroup.set(g, fresh);
      out.push(fresh);
      continue;
    }
    for (const k of [
      'madds',
      'flops',
      'memoryAccess',
      'memoryAccessBytes',
      'measuredMs',
      'kernelMs',
      'timeShare',
      'maddsShare',
      'memoryAccessShare',
    ] as const) {
      row[k] += l[k];
    }
    if (row.predictedMs !== undefined) row.predictedMs += l.predictedMs ?? 0;
    row.kernels.push(...l.kernels);
    const sec = row.measuredMs / 1000;
    row.gflops = sec > 0 ? row.flops / sec / 1e9 : 0;
    row.gbps = sec > 0 ? row.memoryAccessBytes / sec / 1e9 : 0;
  }
  return out;
}

/** Every group and layer, a group before its members, each group with its layers' times and counts summed. */
function timingTree(layers: LayerTiming[]): { rows: LayerTiming[]; level: number[]; group: boolean[] } {
  const deepest = Math.max(0, ...layers.map((l) => l.path.length));
  const atDepth = Array.from({ length: deepest }, (_, d) => {
    const m = new Map<string, LayerTiming>();
    for (const row of timingsAtDepth(layers, d + 1)) if (row.op === '[group]') m.set(row.name, row);
    return m;
  });
  const out = { rows: [] as LayerTiming[], level: [] as number[], group: [] as boolean[] };
  const emitted = new Set<string>();
  for (const l of layers) {
    l.path.forEach((g, d) => {
      if (emitted.has(g)) return;
      emitted.add(g);
      out.rows.push(atDepth[d].get(g) as LayerTiming);
      out.level.push(d);
      out.group.push(true);
    });
    out.rows.push(l);
    out.level.push(l.path.length);
    out.group.push(false);
  }
  return out;
}

function layersTable(r: BenchResult, pl: NonNullable<BenchResult['perLayer']>): TableSection {
  const pred = r.prediction !== undefined;
  const columns: Column[] = [
    text('name', 'layer'),
    text('op'),
    text('category', 'category', { only: 'csv' }),
    num('madds', 'MAdds', 'count', { scaled: true }),
    num('flops', 'flops', 'count', { only: 'csv' }),
    num('memoryAccess', 'MAC (el)', 'count', { scaled: true, alias: 'mac' }),
    num('memoryAccessBytes', 'memoryAccessBytes', 'count', { only: 'csv' }),
    num('timeUs', 'time (us)', 'fixed', { digits: 1, alias: 'time', only: 'display' }),
    num('measuredMs', 'measuredMs', 'fixed', { only: 'csv' }),
    num('kernelUs', 'kernel (us)', 'fixed', { digits: 1, alias: 'kernel', only: 'display' }),
    num('timeShare', 'time %', 'share'),
    num('maddsShare', 'MAdds %', 'share'),
    num('memoryAccessShare', 'MAC %', 'share'),
    num('gflops', 'GFLOP/s', 'fixed', { digits: 1 }),
    num('gbps', 'GB/s', 'fixed', { digits: 1 }),
    ...(pred
      ? [
          num('predictedUs', 'pred (us)', 'fixed', { digits: 1, alias: 'predicted', only: 'display' }),
          num('predictedMs', 'predictedMs', 'fixed', { only: 'csv' }),
          num('error', 'pred err', 'signed'),
          text('bound'),
        ]
      : []),
  ];
  const tree = timingTree(pl.layers);
  const cells = (l: LayerTiming): Cell[] => [
    l.name,
    l.op,
    l.category,
    l.madds,
    l.flops,
    l.memoryAccess,
    l.memoryAccessBytes,
    1000 * l.measuredMs,
    l.measuredMs,
    1000 * l.kernelMs,
    l.timeShare,
    l.maddsShare,
    l.memoryAccessShare,
    l.gflops,
    l.gbps,
    ...(pred
      ? [1000 * (l.predictedMs ?? 0), l.predictedMs ?? null, predError(l.predictedMs, l.measuredMs), l.bound ?? null]
      : []),
  ];
  return {
    kind: 'table',
    id: 'layers',
    title: 'Per layer',
    primary: true,
    columns,
    rows: tree.rows.map(cells),
    tree: { level: tree.level, group: tree.group },
    notes: [
      "time: the layer's share of the unprofiled median latency, so the layers add up to it; kernel: onnxruntime " +
        "profiler's own kernel time per run, which profiling inflates; a fused conv+bn+relu kernel counts for the " +
        'group.',
    ],
  };
}

function categoriesTable(r: BenchResult, pl: NonNullable<BenchResult['perLayer']>): TableSection {
  const pred = r.prediction !== undefined;
  return {
    kind: 'table',
    id: 'categories',
    title: 'Time by op category (as ShuffleNet V2, Figure 2)',
    columns: [
      text('category'),
      num('measuredMs', 'time (ms)', 'fixed', { digits: 3 }),
      num('timeShare', 'time %', 'share'),
      num('maddsShare', 'MAdds %', 'share'),
      num('memoryAccessShare', 'MAC %', 'share'),
      ...(pred ? [num('predictedMs', 'predicted (ms)', 'fixed', { digits: 3 }), num('error', 'error', 'signed')] : []),
    ],
    rows: pl.categories.map((c) => [
      c.category,
      c.measuredMs,
      c.timeShare,
      c.maddsShare,
      c.memoryAccessShare,
      ...(pred ? [c.predictedMs ?? null, predError(c.predictedMs, c.measuredMs)] : []),
    ]),
  };
}

/** Where the profiled time went: attribution, unfused leftovers, and time against MAdds. */
function attribution(r: BenchResult, pl: NonNullable<BenchResult['perLayer']>): string[] {
  const unattributed = pl.unattributed.map((u) => `${u.node} [${u.opType}] ${(1000 * u.measuredMs).toFixed(1)} us`);
  const over = pl.overMadds.map((o) => `${o.name} (${p1(o.timeShare)} of time, ${p1(o.maddsShare)} of MAdds)`);
  return [
    `kernel time ${fixed(pl.kernelMs, 3)} ms per run over ${pl.profiledRuns} profiled runs, which took a median ` +
      `${fixed(pl.profiledMedianMs, 3)} ms against ${fixed(r.latency.medianMs, 3)} ms unprofiled; ` +
      `${p1(pl.attributedShare)} attributed to layers by dataflow (${p1(pl.reorderShare)} was the layout ` +
      'reorders onnxruntime inserts, credited to the layer each serves)',
    ...(pl.unattributed.length ? [`not attributed: ${unattributed.join(', ')}`] : []),
    ...(pl.withoutKernel.length
      ? [`no kernel of their own (onnxruntime fused them into a neighbour): ${pl.withoutKernel.join(', ')}`]
      : []),
    ...(r.run === 'exported'
      ? [
          `rank correlation (Spearman) of per-layer time with MAdds: ${corr(pl.spearmanMadds)}, with MAC: ` +
            `${corr(pl.spearmanMemoryAccess)}`,
          `time share most above MAdds share: ${over.join('; ')}`,
        ]
      : []),
    'MAdds, MAC and GFLOP/s use the deploy view (BN folded, activations fused), which is what the engine runs.',
  ];
}

function latencyTable(r: BenchResult, primary: boolean): TableSection {
  const l = r.latency;
  const ms = (key: string, title: string) => num(key, title, 'fixed', { digits: 3 });
  return {
    kind: 'table',
    id: 'latency',
    title: 'Latency (ms)',
    primary,
    columns: [
      text('model', 'model', { only: 'csv' }),
      ms('medianMs', 'median'),
      ms('meanMs', 'mean'),
      ms('minMs', 'min'),
      ms('p10Ms', 'p10'),
      ms('p90Ms', 'p90'),
      num('cv', 'cv', 'share'),
      num('runs', 'runs', 'int'),
      num('threads', 'threads', 'int'),
    ],
    rows: [[r.model, l.medianMs, l.meanMs, l.minMs, l.p10Ms, l.p90Ms, l.cv, l.runs, l.threads]],
  };
}

export function benchDocument(r: BenchResult): Document {
  const pl = r.perLayer;
  const sections: Document['sections'] = [latencyTable(r, !pl)];
  if (r.warnings.length) sections.push(lines('warnings', r.warnings, 'warning', 'Warnings'));
  if (pl)
    sections.push(
      layersTable(r, pl),
      categoriesTable(r, pl),
      lines('attribution', attribution(r, pl), 'list', 'Attribution'),
    );
  return {
    title: `netcost bench: ${r.model}`,
    head: benchHeader(r),
    sections,
    data: r,
    charts: () => (pl ? benchCharts(r) : []),
    noChart: 'bench draws per-layer time: add --per-layer',
  };
}
