/**
 * What a command says, apart from how it is shown: a document of sections (tables of typed columns,
 * lines of words), a few header lines, charts and the command's own data. Each command builds one
 * (src/report/*); each format is one writer over it (src/result/writers/*), which knows no command.
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * How a column's numbers read. `count`: MAdds-like counts, scaled by `--units`; `int`: a whole
 * number with separators (scaled by a fixed `--units` where the column is `scaled`: params);
 * `share`: a fraction shown as a percentage; `signed`: a signed fraction
 * (+12.3%); `ratio`: 1.23x; `fixed`: `digits` decimals; `bytes`: binary units; `pair` and
 * `sharePair`: two counts or two shares as `a / b`; `delta`: a signed change of a count (scaled as
 * counts are), or of a time with `digits` decimals.
 */
export type ValueKind =
  | 'text'
  | 'int'
  | 'count'
  | 'bytes'
  | 'share'
  | 'signed'
  | 'ratio'
  | 'fixed'
  | 'pair'
  | 'sharePair'
  | 'delta';

/** A cell: a number or text, two numbers for the pair kinds, null for an empty cell. */
export type Cell = string | number | null | readonly [number, number];

export interface Column {
  /** its name in CSV and for `--sort` / `--columns` */
  key: string;
  title: string;
  kind: ValueKind;
  /** decimals of `fixed`, `share` and `signed` (default 2, 1, 1) */
  digits?: number;
  /** the title takes the unit when `--units` fixes one: `MAdds (M)` */
  scaled?: boolean;
  /** another name `--sort` takes for it (`mac` for memoryAccess) */
  alias?: string;
  /** where it shows: everywhere (default), only in CSV, or never in CSV */
  only?: 'csv' | 'display';
  /** shown only when `--columns` names it */
  optional?: boolean;
  /** in a terminal narrower than the table, the text writer hides ranked columns: rank 1 first, then 2... */
  hideRank?: number;
}

/**
 * A table's rows as a tree (pre-order, a group before its members): each row's depth and whether
 * it is a group. Writers cut it at `--depth`: the flat formats show the groups at that depth in
 * place of their members; the tree format shows every level down to it.
 */
export interface Tree {
  level: number[];
  group: boolean[];
}

export interface TableSection {
  kind: 'table';
  id: string;
  title?: string;
  /** the heading of a page where the text shows none (the main table) */
  label?: string;
  columns: Column[];
  rows: Cell[][];
  /** a last row set apart: the totals, which `--top` never drops */
  total?: Cell[];
  tree?: Tree;
  /** the table `--sort`, `--top` and CSV apply to (one per document) */
  primary?: boolean;
  /** a table only CSV writes (the other formats show the same rows in parts) */
  csvOnly?: boolean;
  /** a table that says nothing new when rows are already cut at this depth */
  redundantAtDepth?: number;
  /** lines under the table */
  notes?: string[];
}

export interface LinesSection {
  kind: 'lines';
  id: string;
  title?: string;
  lines: string[];
  /** how the lines read: paragraphs, a list, emphasis (a verdict), or warnings */
  style?: 'plain' | 'list' | 'strong' | 'warning';
}

export type Section = TableSection | LinesSection;

/** A chart: its name (`--chart`), title, Vega-Lite spec, and the marks it draws (one per data row). */
export interface Chart {
  name: string;
  title: string;
  spec: TopLevelSpec;
  marks: number;
  mark: 'rect' | 'symbol';
}

export interface Document {
  /** `netcost report: shufflenet-v2-1.0x`: the page's title (the text format starts with `head`) */
  title: string;
  /** what was measured on what, before any section */
  head: string[];
  sections: Section[];
  /** the command's result as the library returns it: the JSON format writes it whole */
  data: unknown;
  /** the charts of html and svg, built only when drawn, at the rows' depth */
  charts?: (o: { depth: number }) => Chart[];
  /** why there is no chart, when there may be none (bench without --per-layer) */
  noChart?: string;
}

/** A column without repeating `kind: 'text'`. */
export const text = (key: string, title = key, extra: Partial<Column> = {}): Column => ({
  key,
  title,
  kind: 'text',
  ...extra,
});
export const num = (key: string, title: string, kind: ValueKind, extra: Partial<Column> = {}): Column => ({
  key,
  title,
  kind,
  ...extra,
});
export const lines = (id: string, ls: string[], style?: LinesSection['style'], title?: string): LinesSection => ({
  kind: 'lines',
  id,
  lines: ls,
  ...(style ? { style } : {}),
  ...(title ? { title } : {}),
});
