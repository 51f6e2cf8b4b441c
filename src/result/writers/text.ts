/**
 * `--format table` (and, with `asTree`, `--format tree`): the terminal's view. Each section under a
 * `title:` line; a tree table shows every level down to `--depth`, names indented as torchinfo does.
 */

import { alignOf, cellText, columnTitle } from '../cells.ts';
import type { Column, Document, Section } from '../document.ts';
import { layout, shownSections, type WriteOptions } from '../layout.ts';
import { textTable } from '../table.ts';

function sectionLines(s: Section, o: WriteOptions, asTree: boolean): string[] {
  const out = ['', ...(s.title ? [`${s.title}:`] : [])];
  if (s.kind === 'lines') {
    const prefix = s.style === 'warning' ? 'warning: ' : '';
    return [...out, ...s.lines.flatMap((l) => (prefix + l).split('\n').flatMap((x) => wrapped(x, o.width)))];
  }
  const t = layout(s, o, { tree: asTree });
  const indent = (text: string, i: number) => (t.level ? '  '.repeat(t.level[i]) + text : text);
  const rows = [...t.rows, ...(t.total ? [t.total] : [])].map((r, i) =>
    r.map((v, k) =>
      k === 0 && i < t.rows.length ? indent(cellText(v, t.columns[0], o.units), i) : cellText(v, t.columns[k], o.units),
    ),
  );
  const head = t.columns.map((c) => columnTitle(c, o.units));
  const fit = fitted(head, rows, t.columns, o.width);
  // what was left out belongs to the table; notes about it stand apart, so no note reads as a row
  const notes = s.notes?.length ? ['', ...s.notes] : [];
  return [...out, fit.table, ...(t.more ? [t.more] : []), ...fit.said.flatMap((l) => wrapped(l, o.width)), ...notes];
}

/**
 * A line cut at spaces to fit `width` (none: as it is), its continuations indented two spaces
 * beyond its own indent; a word longer than the width stays whole.
 */
export function wrapped(line: string, width: number | undefined): string[] {
  if (width === undefined || line.length <= width) return [line];
  const indent = ' '.repeat((/^ */.exec(line)?.[0].length ?? 0) + 2);
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > indent.length ? cut : rest.indexOf(' ', width);
    if (at < 0) break;
    out.push(rest.slice(0, at).trimEnd());
    rest = indent + rest.slice(at + 1).trimStart();
  }
  return [...out, rest];
}

/** The table, with its ranked columns hidden (rank 1 first) until it fits `width`, and a line naming them. */
function fitted(head: string[], rows: string[][], columns: Column[], width: number | undefined) {
  const align = columns.map(alignOf);
  // the table of these columns only
  const render = (ks: number[]) =>
    textTable(
      ks.map((k) => head[k]),
      rows.map((r) => ks.map((k) => r[k])),
      ks.map((k) => align[k]),
    );
  let keep = columns.map((_, k) => k);
  let table = render(keep);
  // a reduce, not Math.max(...): a table of 100,000 layers has as many lines
  const widest = (t: string) => t.split('\n').reduce((w, l) => Math.max(w, l.length), 0);
  const ranked = columns
    .map((c, k) => ({ k, rank: c.hideRank }))
    .filter((c): c is { k: number; rank: number } => c.rank !== undefined)
    .sort((a, b) => a.rank - b.rank);
  const hidden: string[] = [];
  for (const { k } of ranked) {
    if (width === undefined || widest(table) <= width) break;
    keep = keep.filter((x) => x !== k);
    hidden.push(head[k]);
    table = render(keep);
  }
  const said = hidden.length
    ? [`(hidden to fit ${width} columns: ${hidden.join(', ')}; a wider terminal, or a pipe, shows them)`]
    : [];
  // the row names and one column at least per block: a lone name column stays as it is
  if (width !== undefined && widest(table) > width && keep.length > 2)
    table = inBlocks(head, rows, keep, width, render);
  return { table, said };
}

/**
 * A table still wider than `width` once its ranked columns are hidden (one column per model):
 * printed in blocks of the columns that fit, each block under the row names again, as pandas
 * prints a wide frame.
 */
function inBlocks(
  head: string[],
  rows: string[][],
  keep: number[],
  width: number,
  render: (ks: number[]) => string,
): string {
  const [first, ...rest] = keep;
  const widthOf = (k: number) => Math.max(head[k].length, ...rows.map((r) => r[k].length)) + 2;
  const blocks: number[][] = [];
  let block: number[] = [];
  let used = widthOf(first);
  for (const k of rest) {
    if (block.length && used + widthOf(k) > width) {
      blocks.push(block);
      block = [];
      used = widthOf(first);
    }
    block.push(k);
    used += widthOf(k);
  }
  if (block.length) blocks.push(block);
  return blocks.map((b) => render([first, ...b])).join('\n\n');
}

/** The sections, the legend only when asked for (`--legend`), a line saying how to ask where there is one. */
export function writeText(doc: Document, o: WriteOptions, asTree = false): string {
  const sections = shownSections(doc, o);
  const shown = o.legend ? sections : sections.filter((s) => s.id !== 'legend');
  const hint =
    shown.length < sections.length ? ['', '(--legend: what each column counts and the rule of each op)'] : [];
  const head = doc.head.flatMap((l) => wrapped(l, o.width));
  const parts = [...head, ...shown.flatMap((s) => sectionLines(s, o, asTree)), ...hint];
  return `${parts.join('\n').replace(/^\n/, '')}\n`;
}

export const write = (doc: Document, o: WriteOptions): string => writeText(doc, o);
