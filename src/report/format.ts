/** Number and shape formatting shared by every reporter. */
import type { Shape } from '../graph/types.ts';
import { printable } from '../util/text.ts';

/** Whole number with thousands separators (without Intl, whose first use costs ~20 ms). */
export function int(n: number): string {
  const s = String(Math.abs(Math.round(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** n / 10^6 with `d` decimals */
export const mega = (n: number, d = 2): string => (n / 1e6).toFixed(d);
export const kilo = (n: number, d = 1): string => (n / 1e3).toFixed(d);
export const pct = (part: number, whole: number, d = 1): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(d)}%` : '-';
export const ratio = (x: number, base: number): string => (base > 0 ? `${(x / base).toFixed(2)}x` : '-');
export const shape = (s: Shape): string => s.join('x');
export const fixed = (n: number, d = 2): string => n.toFixed(d);

/** A correlation coefficient, or n/a when it is undefined (constant data, fewer than 2 points). */
export const corr = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));

/** CSV field quoting (RFC 4180). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const csvLine = (fields: (string | number)[]): string => fields.map(csvField).join(',');

/** Markdown table. */
export function mdTable(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const esc = (s: string) => printable(s).replace(/\|/g, '\\|');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${a.map((x) => (x === 'l' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
