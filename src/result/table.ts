/**
 * Plain-text tables: a header, a dashed rule, right- or left-aligned columns. Hand-written rather
 * than cli-table3 because every cell here is ASCII and a 200-row report through cli-table3's
 * Unicode width machinery took longer than the rest of `netcost report` together.
 */
import { printable } from '../util/text.ts';

export function textTable(head: string[], cells: string[][], align?: ('l' | 'r')[]): string {
  const rows = cells.map((r) => r.map(printable));
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const widths = head.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (a[i] === 'l' ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
