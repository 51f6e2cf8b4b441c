/** What every command's charts are built from: the chart record, horizontal bars, grouped bars in panels. */
import type { TopLevelSpec } from 'vega-lite';
import type { Chart } from '../../result/document.ts';

export type Datum = Record<string, string | number>;
export const WIDTH = 640;
export const BAR = 11;

/** A chart: its name, title, marks (one per data row) and the Vega-Lite spec around `body`. */
export const chart = (name: string, title: string, mark: Chart['mark'], marks: number, body: object): Chart => ({
  name,
  title,
  marks,
  mark,
  spec: { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, ...body } as TopLevelSpec,
});

/** Horizontal bars, one per (item, series): items in their `order`, series side by side and coloured. */
export const barsOf = (item: string, x: string, xTitle: string) => ({
  mark: { type: 'bar' },
  encoding: {
    tooltip: [
      { field: item, title: item },
      { field: 'series', title: 'series' },
      { field: x, title: xTitle, format: '.3~r' },
    ],
    y: { field: item, type: 'nominal', sort: { field: 'order', op: 'min' }, title: null },
    yOffset: { field: 'series', type: 'nominal', sort: null },
    x: { field: x, type: 'quantitative', title: xTitle },
    color: { field: 'series', type: 'nominal', sort: null, title: null },
  },
});

/**
 * Grouped horizontal bars: one bar per (item, series), items in the order given; with `group`, one
 * panel per group (a model's stages), in order.
 */
export function groupedBars(
  name: string,
  title: string,
  rows: Datum[],
  o: { item: string; x: string; xTitle: string; group?: boolean },
): Chart {
  const items = new Set(rows.map((r) => r[o.item])).size;
  const bars = {
    ...barsOf(o.item, o.x, o.xTitle),
    width: WIDTH,
    height: items === 0 ? 40 : { step: BAR },
  };
  const grouped = o.group && new Set(rows.map((r) => r.group)).size > 1;
  return chart(name, title, 'rect', rows.length, {
    data: { values: rows },
    ...(grouped
      ? {
          facet: {
            row: {
              field: 'group',
              type: 'nominal',
              sort: { field: 'order', op: 'min' },
              title: null,
              header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' },
            },
          },
          spec: bars,
          resolve: { scale: { y: 'independent' } },
        }
      : bars),
  });
}
