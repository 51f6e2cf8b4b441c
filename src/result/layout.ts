/**
 * What a table shows under the output options, for every writer alike: the columns (`--columns`
 * adds optional ones, drops `-name`, or names exactly those to show), the rows at `--depth` (a
 * tree cut flat, or kept as a tree), and for the primary table `--sort` and `--top`, with a line
 * saying what was left out.
 */
import { UsageError } from '../errors.ts';
import { sortValue } from './cells.ts';
import type { Cell, Column, Document, Section, TableSection } from './document.ts';
import type { Units } from './format.ts';

export interface WriteOptions {
  units: Units;
  /** rows deeper than this fold into their group (Infinity: every layer) */
  depth: number;
  /** the primary table's rows, largest first by this column */
  sort?: string;
  /** the primary table's first N rows */
  top?: number;
  /** optional columns to show */
  columns?: string[];
  /** the chart of `--format svg` */
  chart?: string;
  /** the terminal's width: the text table hides its ranked columns until it fits (none: every column) */
  width?: number;
  /** the text writers print the legend (md and html always do) */
  legend?: boolean;
  /** no --depth was given: the text formats cut a very long per-layer tree to the levels that fit (autoDepth) */
  autoDepth?: boolean;
}

export const DEFAULT_OPTIONS: WriteOptions = { units: 'auto', depth: Infinity };

export interface Laid {
  columns: Column[];
  rows: Cell[][];
  /** each row's tree level when the table is a tree shown as one */
  level?: number[];
  group?: boolean[];
  total?: Cell[];
  /** `... 120 more rows (...)` */
  more?: string;
}

const named = (c: Column, names: readonly string[]) => names.some((n) => n === c.key || n === c.alias);

/**
 * The columns a table shows under `--columns`: its defaults, plus the optional ones named, less
 * those named `-name`; a list naming a default column is exact (those named, in the table's order,
 * after the row's name).
 */
function shown(t: TableSection, o: WriteOptions, csv: boolean): boolean[] {
  const given = o.columns ?? [];
  const drop = given.filter((n) => n.startsWith('-')).map((n) => n.slice(1));
  const add = given.filter((n) => !n.startsWith('-'));
  const exact = t.columns.some((c) => !c.optional && named(c, add));
  // the row's name: the first column every format shows (CSV may lead with a model column too)
  const rowName = t.columns.findIndex((c) => c.only === undefined);
  return t.columns.map((c, k) => {
    if (c.only === (csv ? 'display' : 'csv')) return false;
    if (k === 0 || k === rowName) return true;
    if (named(c, drop)) return false;
    return exact ? named(c, add) : !c.optional || named(c, add);
  });
}

/** Does a tree's row show, cut flat at `depth`: a group at the cut stands for its members, which do not. */
export const shownAtDepth = (level: number, group: boolean, depth: number): boolean =>
  group ? level === depth - 1 : level < depth;

/** The rows a tree shows: flat, each group at the cut standing for its members; or every level down to it. */
function cut(t: TableSection, depth: number, asTree: boolean): number[] {
  const idx = t.rows.map((_, i) => i);
  const tree = t.tree;
  if (!tree) return idx;
  if (asTree) return idx.filter((i) => tree.level[i] < depth);
  return idx.filter((i) => shownAtDepth(tree.level[i], tree.group[i], depth));
}

/** `--sort` names a numeric column by its key or alias; the error lists those of this table. */
function sortColumn(t: TableSection, name: string): number {
  const sortable = t.columns.filter((c) => c.kind !== 'text' && c.only !== 'csv');
  const i = t.columns.findIndex((c) => c.kind !== 'text' && c.only !== 'csv' && (c.key === name || c.alias === name));
  if (i < 0)
    throw new UsageError(
      `--sort ${name}: the table has no such number column; choose one of ` +
        sortable.map((c) => c.alias ?? c.key).join(', '),
    );
  return i;
}

/** A tree of more layers than this is cut, without --depth, to the deepest level showing AUTO_ROWS at most. */
export const AUTO_FROM = 250;
export const AUTO_ROWS = 100;

/** The depth a very long tree is shown at when no --depth was given (torchinfo's habit): Infinity for others. */
export function autoDepth(t: TableSection): number {
  const tree = t.tree;
  if (!tree || tree.group.filter((g) => !g).length <= AUTO_FROM) return Number.POSITIVE_INFINITY;
  const deepest = tree.level.reduce((a, b) => Math.max(a, b), 0) + 1;
  for (let d = deepest; d > 1; d--)
    if (tree.level.filter((l, i) => shownAtDepth(l, tree.group[i], d)).length <= AUTO_ROWS) return d;
  return 1;
}

export function layout(t: TableSection, o: WriteOptions, how: { csv?: boolean; tree?: boolean } = {}): Laid {
  const keep = shown(t, o, how.csv ?? false);
  const pick = (r: Cell[]) => r.filter((_, i) => keep[i]);
  const asTree = (how.tree ?? false) && t.tree !== undefined && !(t.primary && (o.sort || o.top));
  const depth = o.autoDepth && t.primary && !o.sort && !o.top ? autoDepth(t) : o.depth;
  let idx = cut(t, depth, asTree);
  const all = idx.length;
  let more: string | undefined;
  if (depth < o.depth) {
    const layers = t.tree?.group.filter((g) => !g).length ?? 0;
    more =
      `... ${layers.toLocaleString('en-US')} layers, shown to depth ${depth}: --depth N shows N levels, ` +
      '--depth all every layer';
  }
  if (t.primary && o.sort !== undefined) {
    const k = sortColumn(t, o.sort);
    const key = (i: number) => sortValue(t.rows[i][k]) ?? Number.NEGATIVE_INFINITY;
    idx = [...idx].sort((a, b) => key(b) - key(a));
  }
  if (t.primary && o.top !== undefined && o.top < idx.length) {
    idx = idx.slice(0, o.top);
    const shown = o.sort ? `the ${idx.length} largest by ${o.sort}` : `the first ${idx.length}`;
    more = `... ${all - idx.length} more rows (${shown} shown)${t.total ? '; the total counts every row' : ''}`;
  }
  return {
    columns: t.columns.filter((_, i) => keep[i]),
    rows: idx.map((i) => pick(t.rows[i])),
    ...(asTree && t.tree ? { level: idx.map((i) => t.tree!.level[i]), group: idx.map((i) => t.tree!.group[i]) } : {}),
    ...(t.total ? { total: pick(t.total) } : {}),
    ...(more ? { more } : {}),
  };
}

/** The options a document cannot honour are errors, before anything is written. */
export function checkOptions(doc: Document, o: WriteOptions): void {
  const primary = doc.sections.find((s): s is TableSection => s.kind === 'table' && s.primary === true);
  for (const [flag, given] of [
    ['--sort', o.sort !== undefined],
    ['--top', o.top !== undefined],
    ['--columns', (o.columns ?? []).length > 0],
  ] as const)
    if (given && !primary) throw new UsageError(`${flag}: this output has no table of rows to apply it to`);
  if (primary && o.sort !== undefined) sortColumn(primary, o.sort);
  const columns = primary?.columns.filter((c, k) => k > 0 && c.only !== 'csv') ?? [];
  for (const name of o.columns ?? [])
    if (!columns.some((c) => named(c, [name.replace(/^-/, '')])))
      throw new UsageError(
        `--columns ${name}: the table has no such column; name one to add or keep, -name to drop: ` +
          columns.map((c) => c.alias ?? c.key).join(', '),
      );
}

/** The sections a document shows at these options (a by-stage table says nothing new at --depth 1). */
export function shownSections(doc: Document, o: WriteOptions): Section[] {
  const primary = doc.sections.find((s): s is TableSection => s.kind === 'table' && s.primary === true);
  const depth = o.autoDepth && primary && !o.sort && !o.top ? Math.min(o.depth, autoDepth(primary)) : o.depth;
  return doc.sections.filter((s) => !(s.kind === 'table' && (s.redundantAtDepth === depth || s.csvOnly)));
}
