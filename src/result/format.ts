/** Number and shape formatting shared by every reporter. */
import type { Shape } from '../graph/types.ts';
import { mdText } from '../util/text.ts';

/** Whole number with thousands separators (without Intl, whose first use costs ~20 ms). */
export function int(n: number): string {
  const s = String(Math.abs(Math.round(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** n / 10^6 with `d` decimals */
export const shape = (s: Shape): string => s.join('x');
export const fixed = (n: number, d = 2): string => n.toFixed(d);

/** A correlation coefficient, or n/a when it is undefined (constant data, fewer than 2 points). */
export const corr = (x: number): string => (Number.isNaN(x) ? 'n/a' : x.toFixed(2));

/** Count units of tables: auto-scaled per value, or one scale for every value (`--units`). */
export const UNITS = ['auto', '1', 'K', 'M', 'G'] as const;
export type Units = (typeof UNITS)[number];
const SCALE = { K: 1e3, M: 1e6, G: 1e9 } as const;

/** At least three significant digits, never an exponent: 0.00513, 12.3, 1.50, 4,096. */
function significant(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(Math.min(20, 2 - Math.floor(Math.log10(a))));
}

/** A count: `8.13M`, `884.7K`, `320` (auto), or in one fixed unit (`--units M`: 2.06, 0.00513). */
export function count(n: number, u: Units = 'auto'): string {
  if (u === '1') return int(n);
  if (u !== 'auto') return significant(n / SCALE[u]);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(Math.round(n));
}
/** A column title with its unit when one unit is fixed: `MAdds (M)`. */
export const unitHead = (label: string, u: Units): string => {
  if (u === 'auto' || u === '1') return label;
  // a title that names its unit already takes the scale inside it: `MAC (el)` -> `MAC (G el)`
  const named = /^(.*) \((\w+)\)$/.exec(label);
  return named ? `${named[1]} (${u} ${named[2]})` : `${label} (${u})`;
};
/** Bytes in binary units: `512 B`, `1.7 KiB`, `6.32 MiB`. */
export function bytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

/**
 * CSV field quoting (RFC 4180); a fraction is rounded to 6 significant digits (JSON keeps full
 * precision). Text that a spreadsheet would run as a formula (a name from a file starting with =, +,
 * -, @, a tab or a carriage return) is neutralised as OWASP's CSV-injection advice says: a leading
 * apostrophe, and the field quoted. Plain numbers written as text (-5, +3.2%) and a lone dash stay.
 */
export function csvField(v: string | number): string {
  let s = typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(6))) : String(v);
  const formula = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^([-+]?\d+(\.\d+)?(e[-+]?\d+)?%?|-)$/i.test(s);
  if (formula) s = `'${s}`;
  return formula || /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
export const csvLine = (fields: (string | number)[]): string => fields.map(csvField).join(',');

/** Markdown table. */
export function mdTable(head: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? 'l' : 'r'));
  const esc = mdText;
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${a.map((x) => (x === 'l' ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
