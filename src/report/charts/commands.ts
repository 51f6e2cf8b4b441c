/**
 * The charts of each command, as Vega-Lite specs over the command's own result: one function per
 * command (compare's in compare-charts.ts), each chart named (for `--format svg --chart NAME`) and
 * carrying how many marks it draws (one per data row: the browser test counts them).
 */
import type { CheckResult } from '../../check/check.ts';
import type { CostReport } from '../../cost/analyze.ts';
import type { GuidelinesReport } from '../../guidelines/guidelines.ts';
import type { BenchResult } from '../../measure/bench.ts';
import type { PredictedReport } from '../../predict/attach.ts';
import type { Chart } from '../../result/document.ts';
import { cutTree, reportTree } from '../rows.ts';
import { barsOf, chart, groupedBars, WIDTH } from './kit.ts';

/** A layer's panel: its top-level group (a spec's stage, an ONNX file's module), or itself. */
const groupOf = (l: { name: string; path: string[] }) => l.path[0] ?? l.name;

const percent = (x: number) => 100 * x;
const predictedOf = (r: CostReport) => (r as Partial<PredictedReport>).prediction;

/** Bars a per-layer chart draws at most: beyond them the smallest layers are one bar ("the other N layers"). */
const MAX_LAYER_BARS = 400;
/** Panels (top-level groups) at most; beyond them the bars are drawn in one panel. */
const MAX_PANELS = 40;

export function reportCharts(r: CostReport, depth = Infinity): Chart[] {
  const pred = predictedOf(r);
  const layersMs = pred?.layersMs ?? 0;
  // at --depth N a group's bar stands for its layers; a bar's panel is its top-level group
  const all = cutTree(reportTree(r), depth).map(({ row: l, top }) => ({
    name: l.name,
    top,
    madds: l.madds / (r.totals.madds || 1),
    mac: l.memoryAccess / (r.totals.memoryAccess || 1),
    time: pred && typeof l.predictedMs === 'number' ? l.predictedMs / (layersMs || 1) : undefined,
  }));
  // the largest layers by their larger share, in model order; the rest summed into one bar
  const size = (x: (typeof all)[number]) => Math.max(x.madds, x.mac, x.time ?? 0);
  const kept = new Set([...all].sort((a, b) => size(b) - size(a)).slice(0, MAX_LAYER_BARS));
  const rest = all.filter((x) => !kept.has(x));
  const sum = (f: (x: (typeof all)[number]) => number) => rest.reduce((a, x) => a + f(x), 0);
  const shown = [
    ...all.filter((x) => kept.has(x)),
    ...(rest.length
      ? [
          {
            name: `the other ${rest.length.toLocaleString('en-US')} layers`,
            top: '(the rest)',
            madds: sum((x) => x.madds),
            mac: sum((x) => x.mac),
            time: pred ? sum((x) => x.time ?? 0) : undefined,
          },
        ]
      : []),
  ];
  const layerRows = shown.flatMap((l, order) =>
    [
      { series: 'MAdds', share: percent(l.madds) },
      { series: 'MAC', share: percent(l.mac) },
      ...(l.time !== undefined ? [{ series: 'predicted time', share: percent(l.time) }] : []),
    ].map((x) => ({ ...x, layer: l.name, order, group: l.top })),
  );
  const panels = new Set(shown.map((l) => l.top)).size;
  const ops = r.summary.byOp.flatMap((b, order) => [
    { op: b.name, order, series: 'MAdds', share: percent(b.madds / (r.totals.madds || 1)) },
    { op: b.name, order, series: 'MAC', share: percent(b.memoryAccess / (r.totals.memoryAccess || 1)) },
  ]);
  const what = rest.length ? ` (the ${MAX_LAYER_BARS} largest of ${all.length.toLocaleString('en-US')} rows)` : '';
  return [
    groupedBars(
      'layers',
      `${r.model}: each layer's share of MAdds and MAC${pred ? ' and predicted time' : ''}${what}`,
      layerRows,
      {
        item: 'layer',
        x: 'share',
        xTitle: 'share of the model total (%)',
        group: panels <= MAX_PANELS,
      },
    ),
    roofline(r),
    groupedBars('operators', `${r.model}: share of MAdds and MAC by operator`, ops, {
      item: 'op',
      x: 'share',
      xTitle: 'share of the model total (%)',
    }),
  ];
}

/**
 * Each layer that does work at its arithmetic intensity: against the GFLOP/s the latency model
 * predicts, under the machine's roofs, with a profile; against its FLOPs without one.
 */
function roofline(r: CostReport): Chart {
  const pred = predictedOf(r);
  const points = r.layers
    .filter((l) => l.flops > 0 && l.memoryAccessBytes > 0 && (!pred || (l.predictedMs as number) > 0))
    .map((l) => ({
      layer: l.name,
      intensity: l.intensity,
      y: pred ? l.flops / (l.predictedMs as number) / 1e6 : l.flops / 1e6,
      bound: pred ? String(l.bound) : l.category,
    }));
  const title = pred
    ? `${r.model}: roofline on ${pred.machine.cpu} (predicted GFLOP/s of each layer under the machine's roofs)`
    : `${r.model}: each layer's FLOPs against its arithmetic intensity (--predict adds the machine's roofs)`;
  const yTitle = pred ? 'GFLOP/s (predicted)' : 'MFLOPs';
  const xs = points.map((p) => p.intensity);
  const lo = Math.min(0.01, ...xs) / 2;
  const hi = Math.max(100, ...xs) * 2;
  const roofs = pred
    ? [lo, pred.balancePoint, (pred.peakGflops / pred.cacheGbps) as number, hi]
        .sort((a, b) => a - b)
        .flatMap((i) => [
          { intensity: i, gflops: Math.min(pred.peakGflops, i * pred.memoryGbps), roof: 'memory roof' },
          { intensity: i, gflops: Math.min(pred.peakGflops, i * pred.cacheGbps), roof: 'cache roof' },
        ])
    : [];
  const x = {
    field: 'intensity',
    type: 'quantitative',
    scale: { type: 'log' },
    title: 'arithmetic intensity (FLOP/B)',
  };
  const layers: unknown[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 40 },
      encoding: {
        tooltip: [
          { field: 'layer', title: 'layer' },
          { field: 'intensity', title: 'FLOP/B', format: '.3~f' },
          { field: 'y', title: yTitle, format: '.4~s' },
          { field: 'bound', title: pred ? 'bound' : 'category' },
        ],
        x,
        y: { field: 'y', type: 'quantitative', scale: { type: 'log' }, title: yTitle },
        color: { field: 'bound', type: 'nominal', title: pred ? 'bound' : 'category' },
      },
    },
  ];
  if (roofs.length)
    layers.unshift({
      data: { values: roofs },
      mark: { type: 'line' },
      encoding: {
        x,
        y: { field: 'gflops', type: 'quantitative', scale: { type: 'log' } },
        strokeDash: {
          field: 'roof',
          type: 'nominal',
          title: 'roof',
          scale: {
            range: [
              [4, 3],
              [1, 2],
            ],
          },
        },
        color: { value: '#888' },
      },
    });
  return chart('roofline', title, 'symbol', points.length, { width: WIDTH, height: 360, layer: layers });
}

export function benchCharts(b: BenchResult): Chart[] {
  const pl = b.perLayer;
  if (!pl) return [];
  const predTotal = pl.layers.reduce((a, l) => a + (l.predictedMs ?? 0), 0);
  const rows = pl.layers.flatMap((l, order) =>
    [
      { series: 'time', share: percent(l.timeShare) },
      { series: 'MAdds', share: percent(l.maddsShare) },
      { series: 'MAC', share: percent(l.memoryAccessShare) },
      ...(l.predictedMs !== undefined
        ? [{ series: 'predicted time', share: percent(l.predictedMs / (predTotal || 1)) }]
        : []),
    ].map((x) => ({ ...x, layer: l.name, order, group: groupOf(l) })),
  );
  const cats = pl.categories.flatMap((c, order) => [
    { category: c.category, order, series: 'time', share: percent(c.timeShare) },
    { category: c.category, order, series: 'MAdds', share: percent(c.maddsShare) },
    { category: c.category, order, series: 'MAC', share: percent(c.memoryAccessShare) },
  ]);
  return [
    groupedBars('layers', `${b.model}: each layer's share of measured time, MAdds and MAC`, rows, {
      item: 'layer',
      x: 'share',
      xTitle: 'share of the model total (%)',
      group: true,
    }),
    groupedBars('categories', `${b.model}: time by op category beside MAdds and MAC (ShuffleNet V2, Figure 2)`, cats, {
      item: 'category',
      x: 'share',
      xTitle: 'share of the model total (%)',
    }),
  ];
}

export function guidelineCharts(g: GuidelinesReport): Chart[] {
  const rows = g.results.flatMap((res) =>
    res.rows.flatMap((x, order) =>
      [
        ...(x.relative !== undefined ? [{ series: 'measured', relative: x.relative }] : []),
        { series: 'paper', relative: x.paperRelative },
        ...(x.predictedRelative !== undefined ? [{ series: 'predicted', relative: x.predictedRelative }] : []),
      ].map((s) => ({ ...s, panel: `${res.id}${res.construction ? ' (x8)' : ''} ${x.width}`, row: x.label, order })),
    ),
  );
  const title = 'speed relative to the first row, per guideline and width: this machine beside the paper';
  return [
    chart('guidelines', title, 'rect', rows.length, {
      data: { values: rows },
      facet: { field: 'panel', type: 'nominal', title: null, sort: null },
      columns: 3,
      resolve: { scale: { y: 'independent' } },
      spec: { width: 180, height: { step: 30 }, ...barsOf('row', 'relative', 'relative speed (x)') },
    }),
  ];
}

export function checkCharts(r: CheckResult): Chart[] {
  const rows = r.findings.flatMap((f, order) =>
    f.kind === 'changed' && f.baseline !== 0
      ? [
          {
            finding: `${f.model} ${f.view} ${f.layer ?? '(total)'}`,
            order,
            series: f.metric,
            change: percent(f.current / f.baseline - 1),
          },
        ]
      : [],
  );
  return [
    groupedBars('changes', `what changed against the baseline (${r.findings.length} findings)`, rows, {
      item: 'finding',
      x: 'change',
      xTitle: 'change from the baseline (%)',
    }),
  ];
}
