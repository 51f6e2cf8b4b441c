/** Reporters for `bench` results. */
import type { BenchResult, LayerTiming } from '../measure/bench.ts';
import { mdText } from '../util/text.ts';
import { corr, count, csvLine, fixed, mdTable, type Units, unitHead } from './format.ts';
import type { Format } from './report.ts';
import { textTable } from './table.ts';

const p1 = (x: number) => `${(100 * x).toFixed(1)}%`;
/** predicted against measured, signed; '-' where nothing was measured */
const predError = (predicted: number | undefined, measured: number) =>
  predicted === undefined || measured <= 0 ? '-' : `${predicted >= measured ? '+' : ''}${p1(predicted / measured - 1)}`;

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
    `latency over ${l.runs} runs after ${r.warmup} warm-up: median ${fixed(l.medianMs, 3)} ms, mean ` +
      `${fixed(l.meanMs, 3)}, min ${fixed(l.minMs, 3)}, p10 ${fixed(l.p10Ms, 3)}, p90 ${fixed(l.p90Ms, 3)}, cv ` +
      `${p1(l.cv)}; harness overhead ${fixed(r.overheadMs, 3)} ms per run (included)`,
    ...(r.prediction
      ? [
          `predicted ${fixed(r.prediction.predictedMs, 3)} ms (${fixed(r.prediction.lowMs, 3)}-` +
            `${fixed(r.prediction.highMs, 3)}) from the machine profile (${r.prediction.profile}): ` +
            `${r.prediction.error >= 0 ? '+' : ''}${p1(r.prediction.error)} against the measured median`,
          ...r.prediction.notes.map((n) => `note: ${n}`),
        ]
      : []),
    ...r.warnings.map((w) => `warning: ${w}`),
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

export function renderBench(r: BenchResult, format: Format, units: Units = 'auto', depth = Infinity): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const pl = r.perLayer;
  const head = [
    'layer',
    'op',
    unitHead('MAdds', units),
    unitHead('MAC (el)', units),
    'time (us)',
    'kernel (us)',
    'time %',
    'MAdds %',
    'MAC %',
    'GFLOP/s',
    'GB/s',
    ...(r.prediction ? ['pred (us)', 'pred err', 'bound'] : []),
  ];
  const rows = timingsAtDepth(pl?.layers ?? [], depth).map((l) => [
    l.name,
    l.op,
    count(l.madds, units),
    count(l.memoryAccess, units),
    (1000 * l.measuredMs).toFixed(1),
    (1000 * l.kernelMs).toFixed(1),
    p1(l.timeShare),
    p1(l.maddsShare),
    p1(l.memoryAccessShare),
    fixed(l.gflops, 1),
    fixed(l.gbps, 1),
    ...(r.prediction
      ? [(1000 * (l.predictedMs ?? 0)).toFixed(1), predError(l.predictedMs, l.measuredMs), l.bound ?? '']
      : []),
  ]);
  if (format === 'csv') {
    if (!pl) {
      const l = r.latency;
      const head = csvLine(['model', 'medianMs', 'meanMs', 'minMs', 'p10Ms', 'p90Ms', 'cv', 'runs', 'threads']);
      const row = csvLine([r.model, l.medianMs, l.meanMs, l.minMs, l.p10Ms, l.p90Ms, l.cv, l.runs, l.threads]);
      return `${head}\n${row}\n`;
    }
    const lines = pl.layers.map((l) =>
      csvLine([
        l.name,
        l.op,
        l.category,
        l.madds,
        l.flops,
        l.memoryAccess,
        l.memoryAccessBytes,
        l.measuredMs,
        l.timeShare,
        l.maddsShare,
        l.memoryAccessShare,
        l.gflops,
        l.gbps,
      ]),
    );
    const head = csvLine([
      ...['name', 'op', 'category', 'madds', 'flops', 'memoryAccess', 'memoryAccessBytes', 'measuredMs'],
      ...['timeShare', 'maddsShare', 'memoryAccessShare', 'gflops', 'gbps'],
    ]);
    return `${[head, ...lines].join('\n')}\n`;
  }
  const md = format === 'md';
  const table = (h: string[], rs: string[][], align?: ('l' | 'r')[]) =>
    md ? mdTable(h, rs, align) : textTable(h, rs, align);
  const parts: string[] = md
    ? [`### netcost bench: ${mdText(r.model)}`, '', ...benchHeader(r).map((x) => `- ${mdText(x)}`)]
    : benchHeader(r);
  if (pl) {
    const align = head.map((_, i) => (i < 2 ? 'l' : 'r') as 'l' | 'r');
    parts.push(
      '',
      md
        ? '#### Per layer\n'
        : "Per layer (time: the layer's share of the unprofiled median latency, so the layers add up to it; " +
            "kernel: onnxruntime profiler's own kernel time per run, which profiling inflates; a fused " +
            'conv+bn+relu kernel counts for the group):',
      table(head, rows, align),
    );
    const ch = [
      'category',
      'time (ms)',
      'time %',
      'MAdds %',
      'MAC %',
      ...(r.prediction ? ['predicted (ms)', 'error'] : []),
    ];
    parts.push(
      '',
      md ? '#### Time by op category\n' : 'Time by op category (as ShuffleNet V2, Figure 2):',
      table(
        ch,
        pl.categories.map((c) => [
          c.category,
          fixed(c.measuredMs, 3),
          p1(c.timeShare),
          p1(c.maddsShare),
          p1(c.memoryAccessShare),
          ...(r.prediction ? [fixed(c.predictedMs ?? 0, 3), predError(c.predictedMs, c.measuredMs)] : []),
        ]),
      ),
    );
    const unattributed = pl.unattributed.map((u) => `${u.node} [${u.opType}] ${(1000 * u.measuredMs).toFixed(1)} us`);
    const over = pl.overMadds.map((o) => `${o.name} (${p1(o.timeShare)} of time, ${p1(o.maddsShare)} of MAdds)`);
    const cross = [
      `kernel time ${fixed(pl.kernelMs, 3)} ms per run over ${pl.profiledRuns} profiled runs, which took a median ` +
        `${fixed(pl.profiledMedianMs, 3)} ms against ${fixed(r.latency.medianMs, 3)} ms unprofiled; ` +
        `${p1(pl.attributedShare)} attributed to layers by dataflow (${p1(pl.reorderShare)} was the layout ` +
        `reorders onnxruntime inserts, credited to the layer each serves)`,
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
    parts.push('', ...(md ? cross.map((x) => `- ${x}`) : cross));
  }
  return `${parts.join('\n')}\n`;
}
