/** A cell as people read it, from its column's kind and the chosen `--units`: one home for every writer. */

import type { Cell, Column } from './document.ts';
import { bytes, count, fixed, int, type Units, unitHead } from './format.ts';

const percent = (x: number, d: number) => `${(100 * x).toFixed(d)}%`;

export function cellText(v: Cell, c: Column, units: Units): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v !== 'number') {
    const [a, b] = v;
    return c.kind === 'sharePair' ? `${percent(a, 1)} / ${percent(b, 1)}` : `${count(a, units)} / ${count(b, units)}`;
  }
  if (!Number.isFinite(v)) return '-';
  switch (c.kind) {
    case 'int':
      // a count kept whole under --units auto (params, as torchinfo shows them), scaled by a fixed unit
      return c.scaled && units !== 'auto' ? count(v, units) : int(v);
    case 'count':
      return count(v, units);
    case 'bytes':
      return bytes(v);
    case 'share':
      return percent(v, c.digits ?? 1);
    case 'signed':
      return `${v >= 0 ? '+' : ''}${percent(v, c.digits ?? 1)}`;
    case 'ratio':
      return `${fixed(v, c.digits ?? 2)}x`;
    case 'fixed':
      return fixed(v, c.digits ?? 2);
    case 'delta': {
      const t = c.digits !== undefined ? fixed(v, c.digits) : count(v, units);
      return v > 0 ? `+${t}` : t;
    }
    default:
      return String(v);
  }
}

/** A column's title, with the unit `--units` fixed for its counts. */
export const columnTitle = (c: Column, units: Units): string => (c.scaled ? unitHead(c.title, units) : c.title);

/** Text left, numbers right. */
export const alignOf = (c: Column): 'l' | 'r' => (c.kind === 'text' ? 'l' : 'r');

/** The number a cell sorts by (the first of a pair), or undefined for text and empty cells. */
export const sortValue = (v: Cell): number | undefined =>
  typeof v === 'number' ? v : Array.isArray(v) ? (v as readonly number[])[0] : undefined;

/** A cell's raw value for CSV: the number itself (a pair as `a/b`), text as is. */
export const rawValue = (v: Cell): string | number =>
  v === null ? '' : typeof v === 'string' || typeof v === 'number' ? v : `${v[0]}/${v[1]}`;
