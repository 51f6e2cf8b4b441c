/** The count columns every cost table shares (report, compare): one home for their keys, titles, units and cells. */
import type { Totals } from '../cost/analyze.ts';
import { type Cell, type Column, num } from '../result/document.ts';

/** params, MAdds, FLOPs, MAC in elements and bytes, arithmetic intensity */
export const COUNT_COLUMNS: Column[] = [
  num('params', 'params', 'int', { scaled: true }),
  num('madds', 'MAdds', 'count', { scaled: true }),
  num('flops', 'FLOPs', 'count', { scaled: true, hideRank: 3 }),
  num('memoryAccess', 'MAC (el)', 'count', { scaled: true, alias: 'mac' }),
  num('memoryAccessBytes', 'MAC (bytes)', 'bytes', { alias: 'bytes', hideRank: 1 }),
  num('intensity', 'FLOP/B', 'fixed', { hideRank: 2 }),
];

/** A row's cells under COUNT_COLUMNS. */
export const countCells = (x: Totals & { intensity: number }): Cell[] => [
  x.params,
  x.madds,
  x.flops,
  x.memoryAccess,
  x.memoryAccessBytes,
  x.intensity,
];
