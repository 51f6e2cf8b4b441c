/** `diff`'s charts: the change of each changed layer's MAdds and MAC, and of its time when there is one. */
import type { DiffResult, DiffRow } from '../../cost/diff.ts';
import type { Chart } from '../../result/document.ts';
import { type Datum, groupedBars } from './kit.ts';

/** bars drawn at most: the layers that changed most, by MAdds then MAC (a line of the page says so) */
export const DIFF_BARS = 60;

const change = (r: DiffRow, m: 'madds' | 'memoryAccess' | 'ms') => (r.after?.[m] ?? 0) - (r.before?.[m] ?? 0);

export function diffCharts(d: DiffResult): Chart[] {
  const changed = d.rows
    .filter((r) => r.status !== 'same')
    .map((r, order) => ({ r, order }))
    .sort(
      (x, y) =>
        Math.abs(change(y.r, 'madds')) - Math.abs(change(x.r, 'madds')) ||
        Math.abs(change(y.r, 'memoryAccess')) - Math.abs(change(x.r, 'memoryAccess')),
    )
    .slice(0, DIFF_BARS)
    .sort((x, y) => x.order - y.order);
  const layer = (r: DiffRow) => r.b ?? r.a ?? '';
  const counts: Datum[] = changed.flatMap(({ r, order }) => [
    { layer: layer(r), order, series: 'MAdds (M)', change: change(r, 'madds') / 1e6 },
    { layer: layer(r), order, series: 'MAC (M elements)', change: change(r, 'memoryAccess') / 1e6 },
  ]);
  const more = d.rows.filter((r) => r.status !== 'same').length - changed.length;
  const cut = more > 0 ? ` (the ${DIFF_BARS} that changed most; ${more} more in the table)` : '';
  const charts = [
    groupedBars('change', `change of each changed layer, B - A${cut}`, counts, {
      item: 'layer',
      x: 'change',
      xTitle: 'change (M)',
    }),
  ];
  if (d.time) {
    const times = changed.map(({ r, order }) => ({
      layer: layer(r),
      order,
      series: `${d.time} (ms)`,
      change: change(r, 'ms'),
    }));
    charts.push(
      groupedBars('time', `change of each changed layer's ${d.time} time, B - A${cut}`, times, {
        item: 'layer',
        x: 'change',
        xTitle: 'change (ms)',
      }),
    );
  }
  return charts;
}
