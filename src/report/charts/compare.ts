/** `compare`'s charts: latency against MAdds and MAC, predicted against measured, and the ratios. */

import type { Chart } from '../../result/document.ts';
import type { CompareResult } from '../compare-result.ts';
import { chart, groupedBars, WIDTH } from './kit.ts';

/**
 * Latency against MAdds and against MAC (a row of two panels per latency: measured, then each
 * machine's prediction), ratios to the first model, and with both measured and predicted, the
 * prediction against the measurement with its p10-p90 interval.
 */
export function compareCharts(c: CompareResult): Chart[] {
  const series: [string, number[]][] = [
    ...(c.measured ? [['measured', c.measured.latencies.map((l) => l.latency.medianMs)] as [string, number[]]] : []),
    ...(c.predicted ?? []).map((p, k, all): [string, number[]] => [
      `predicted${all.length > 1 ? ` ${String.fromCharCode(65 + k)}` : ''} (${p.machine})`,
      p.predictedMs,
    ]),
  ];
  const lat = series[0]?.[1];
  const scatter = (field: string, title: string, latency: [string, number[]] | undefined) => ({
    width: WIDTH / 2 - 20,
    height: 260,
    data: {
      values: c.models.map((m, i) => ({
        model: m.model,
        madds: m.totals.madds / 1e6,
        mac: m.totals.memoryAccess / 1e6,
        ...(latency ? { latency: latency[1][i] } : {}),
      })),
    },
    mark: { type: 'point', filled: true, size: 60, tooltip: true },
    encoding: {
      x: { field, type: 'quantitative', title, scale: { zero: false } },
      y: latency
        ? { field: 'latency', type: 'quantitative', title: `${latency[0]} latency (ms)` }
        : { field: 'mac', type: 'quantitative', title: 'MAC (M elements)', scale: { zero: false } },
      color: { field: 'model', type: 'nominal', title: null },
    },
  });
  const title = lat
    ? `latency against MAdds and against MAC (ShuffleNet V2, Figure 1 c/d): ${series.map((x) => x[0]).join('; ')}`
    : 'MAC against MAdds (--measure or --predict plots latency against each)';
  const rows = lat
    ? series.map((x) => ({ hconcat: [scatter('madds', 'MAdds (M)', x), scatter('mac', 'MAC (M elements)', x)] }))
    : [{ hconcat: [scatter('madds', 'MAdds (M)', undefined)] }];
  const charts = [
    chart('latency', title, 'symbol', lat ? 2 * series.length * c.models.length : c.models.length, {
      vconcat: rows,
    }),
  ];
  const p = c.predicted?.[0];
  if (c.measured && p) charts.push(predictionChart(c, p));
  const base = c.models[0];
  const metrics: [string, (m: CompareResult['models'][number], i: number) => number][] = [
    ['params', (m) => m.totals.params],
    ['MAdds', (m) => m.totals.madds],
    ['MAC', (m) => m.totals.memoryAccess],
    ...(lat ? [['latency', (_m: unknown, i: number) => lat[i]] as [string, (m: unknown, i: number) => number]] : []),
  ];
  const ratios = c.models.flatMap((m, order) =>
    metrics.map(([series, f]) => ({ model: m.model, order, series, ratio: f(m, order) / (f(base, 0) || 1) })),
  );
  return [
    ...charts,
    groupedBars('ratios', `ratios to the first model, ${base.model}`, ratios, {
      item: 'model',
      x: 'ratio',
      xTitle: `ratio to ${base.model} (x)`,
    }),
  ];
}

/** Predicted against measured latency, each model with its prediction's p10-p90, and the line where they agree. */
function predictionChart(c: CompareResult, p: NonNullable<CompareResult['predicted']>[number]): Chart {
  const measured = c.measured?.latencies.map((l) => l.latency.medianMs) ?? [];
  const values = c.models.map((m, i) => ({
    model: m.model,
    measured: measured[i],
    predicted: p.predictedMs[i],
    low: p.lowMs[i],
    high: p.highMs[i],
    error: `${(100 * (p.predictedMs[i] / measured[i] - 1)).toFixed(1)}%`,
  }));
  const top = Math.max(...values.flatMap((v) => [v.measured, v.high])) * 1.05;
  const x = { field: 'measured', type: 'quantitative', title: 'measured latency (ms)', scale: { domain: [0, top] } };
  return chart('prediction', `predicted (${p.machine}) against measured latency`, 'symbol', values.length, {
    width: WIDTH,
    height: 360,
    layer: [
      {
        data: {
          values: [
            { measured: 0, predicted: 0 },
            { measured: top, predicted: top },
          ],
        },
        mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
        encoding: { x, y: { field: 'predicted', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'rule' },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: { field: 'model' } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60, tooltip: true },
        encoding: {
          x,
          y: { field: 'predicted', type: 'quantitative', title: 'predicted latency (ms)', scale: { domain: [0, top] } },
          color: { field: 'model', type: 'nominal', title: null },
        },
      },
    ],
  });
}
