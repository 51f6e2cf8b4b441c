/** `netcost diff` as a document: the layers that changed, before, after and the change of each count and time. */
import type { DiffMetric, DiffResult, DiffRow, Metrics } from '../cost/diff.ts';
import { type Cell, type Column, type Document, lines, num, text, type ValueKind } from '../result/document.ts';
import { shape } from '../result/format.ts';
import { diffCharts } from './charts/diff.ts';

interface Shown {
  metric: DiffMetric;
  title: string;
  /** the unit its titles end with: `MAC A (el)` */
  unit?: string;
  kind: ValueKind;
  digits?: number;
}

const SHOWN: Shown[] = [
  { metric: 'params', title: 'params', kind: 'int' },
  { metric: 'madds', title: 'MAdds', kind: 'count' },
  { metric: 'flops', title: 'FLOPs', kind: 'count' },
  { metric: 'memoryAccess', title: 'MAC', unit: 'el', kind: 'count' },
];

/** before, after and the change of each metric; the befores hide first in a narrow terminal */
function metricColumns(time?: DiffResult['time']): { columns: Column[]; shown: Shown[] } {
  const shown = [
    ...SHOWN,
    ...(time ? [{ metric: 'ms' as const, title: time, unit: 'ms', kind: 'fixed' as const, digits: 3 }] : []),
  ];
  const columns = shown.flatMap((s, k) => {
    const scaled = s.kind !== 'fixed';
    const extra = { scaled, ...(s.digits !== undefined ? { digits: s.digits } : {}) };
    // FLOPs go first (MAdds tell most of it), then the other befores
    const flops = s.metric === 'flops';
    const title = (which: string) => `${s.title} ${which}${s.unit ? ` (${s.unit})` : ''}`;
    return [
      num(`${s.metric}Before`, title('A'), s.kind, { ...extra, hideRank: flops ? 1 : 4 + k }),
      num(`${s.metric}After`, title('B'), s.kind, { ...extra, ...(flops ? { hideRank: 2 } : {}) }),
      num(`${s.metric}Change`, title('change'), 'delta', {
        ...extra,
        alias: s.metric,
        ...(flops ? { hideRank: 3 } : {}),
      }),
    ];
  });
  return { columns, shown };
}

const cells = (shown: Shown[], before: Metrics | undefined, after: Metrics | undefined): Cell[] =>
  shown.flatMap(({ metric }) => {
    const x = before?.[metric] ?? null;
    const y = after?.[metric] ?? null;
    return [x, y, (y ?? 0) - (x ?? 0)];
  });

const status = (r: DiffRow) => (r.byPosition ? `${r.status} (matched by position)` : r.status);

export function diffDocument(d: DiffResult): Document {
  const { columns, shown } = metricColumns(d.time);
  const changed = d.rows.filter((r) => r.status !== 'same');
  const count = (s: DiffRow['status']) => d.rows.filter((r) => r.status === s).length;
  const renamed = (r: DiffRow) => (r.a !== undefined && r.b !== undefined && r.a !== r.b ? r.a : '');
  const shapeOf = (r: DiffRow) => {
    const [a, b] = [r.outputShape?.a, r.outputShape?.b].map((s) => (s ? shape(s) : ''));
    return a && b && a !== b ? `${a} -> ${b}` : b || a;
  };
  const same = count('same');
  const byPosition = d.rows.filter((r) => r.byPosition).length;
  const words = [
    `${count('changed')} changed, ${count('added')} added, ${count('removed')} removed`,
    `${same} unchanged layer${same === 1 ? '' : 's'} folded`,
    ...(byPosition ? [`${byPosition} matched by position (their names differ)`] : []),
  ];
  return {
    title: `netcost diff: ${d.a.model} -> ${d.b.model}`,
    head: [
      `A: ${d.a.model}  input ${shape(d.a.input)}  (${d.a.file})`,
      `B: ${d.b.model}  input ${shape(d.b.input)}  (${d.b.file})`,
    ],
    sections: [
      {
        kind: 'table',
        id: 'layers',
        label: 'Layers',
        primary: true,
        columns: [
          text('layer'),
          text('was', 'was (A)', { hideRank: 9 }),
          text('op'),
          text('output', 'output', { hideRank: 10 }),
          text('change'),
          ...columns,
        ],
        rows: changed.map((r) => [
          r.b ?? r.a ?? '',
          renamed(r),
          r.op,
          shapeOf(r),
          status(r),
          ...cells(shown, r.before, r.after),
        ]),
        total: [
          'total',
          '',
          '',
          '',
          `${d.a.totals.layers} -> ${d.b.totals.layers} layers`,
          ...cells(shown, d.a.totals, d.b.totals),
        ],
      },
      lines(
        'summary',
        [
          `${words.join('; ')}.`,
          'Layers are matched by name (their scope path is in it), then the rest by position: the longest run ' +
            'of the same ops in order.',
          ...(d.time === 'measured'
            ? ['Times are measured per layer in two separate runs (not interleaved): a change under 10% may be noise.']
            : []),
        ],
        'plain',
        'Summary',
      ),
    ],
    data: d,
    charts: () => diffCharts(d),
  };
}
