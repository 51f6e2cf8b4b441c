/**
 * `--format html`: the fullest view, one self-contained page. Every section the text shows, in its
 * order, each a `<section data-section>`; every chart as inline SVG whose marks carry a tooltip
 * (a `<title>`); tree tables as collapsible groups opened down to `--depth`; tables sortable by a
 * click; the command's JSON inline. It opens from file:// and makes no request of any kind.
 */

import { alignOf, cellText, columnTitle, sortValue } from '../cells.ts';
import type { Cell, Chart, Document, Section } from '../document.ts';
import { layout, shownSections, type WriteOptions } from '../layout.ts';
import { SCRIPT, STYLE } from './html-assets.ts';
import { toSvg } from './render-svg.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
/** JSON inside a script element: `<` escaped so no name can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** A chart taller than this starts folded: its heading opens it. */
const TALL_PX = 1200;
/** Without --depth a tree opens this deep (stages and their units), as torchinfo shows a model. */
const OPEN_DEPTH = 2;

function tableHtml(s: Section & { kind: 'table' }, o: WriteOptions): string {
  // a tree keeps every level in the page, those below --depth folded; sorted or cut to --top, the rows are flat
  const whole = s.tree !== undefined && !(s.primary && (o.sort !== undefined || o.top !== undefined));
  const t = layout(s, whole ? { ...o, depth: Number.POSITIVE_INFINITY } : o, { tree: true });
  // text columns read left-aligned, numbers right-aligned
  const cls = (k: number) => (alignOf(t.columns[k]) === 'l' ? ' class="text"' : '');
  const head = t.columns.map((c, k) => `<th scope="col"${cls(k)}>${esc(columnTitle(c, o.units))}</th>`).join('');
  const cell = (v: Cell, k: number) => {
    const n = sortValue(v);
    const sort = n !== undefined && Number.isFinite(n) ? ` data-sort="${n}"` : '';
    return `<td${cls(k)}${sort}>${esc(cellText(v, t.columns[k], o.units))}</td>`;
  };
  const open = Number.isFinite(o.depth) ? o.depth : OPEN_DEPTH;
  const row = (r: Cell[], i: number) => {
    if (!t.level) return `<tr>${r.map(cell).join('')}</tr>`;
    const level = t.level[i];
    const group = t.group?.[i] ?? false;
    // open down to --depth: a group at the cut starts folded, rows below it hidden
    const folded = group && level >= open - 1;
    const hidden = level >= open;
    const toggle = group
      ? `<button class="fold" aria-expanded="${!folded}" title="fold or unfold this group">` +
        `${folded ? '+' : '-'}</button>`
      : '';
    const name = esc(cellText(r[0], t.columns[0], o.units));
    const first = `<td style="padding-left:${8 + 14 * level}px">${toggle}${name}</td>`;
    const rest = r.slice(1).map((v, k) => cell(v, k + 1));
    const attrs = `data-level="${level}"${group ? ' class="group"' : ''}${hidden ? ' hidden' : ''}`;
    return `<tr ${attrs}>${first}${rest.join('')}</tr>`;
  };
  const total = t.total ? `<tfoot><tr>${t.total.map(cell).join('')}</tr></tfoot>` : '';
  const below = t.level?.filter((l) => l >= open).length ?? 0;
  const opened = below
    ? [`${below} rows below depth ${open} start folded: + opens a group, --depth N opens the page to N`]
    : [];
  const notes = [...(t.more ? [t.more] : []), ...opened, ...(s.notes ?? [])].map(
    (n) => `<p class="note">${esc(n)}</p>`,
  );
  return (
    `<div class="table-wrap"><table class="sortable${t.level ? ' tree' : ''}"><thead><tr>${head}</tr></thead>` +
    `<tbody>\n${t.rows.map(row).join('\n')}\n</tbody>${total}</table></div>${notes.join('')}`
  );
}

function sectionHtml(s: Section, o: WriteOptions): string {
  const title = s.title ?? (s.kind === 'table' ? s.label : undefined);
  const h = title ? `<h2>${esc(title)}</h2>` : '';
  let body: string;
  if (s.kind === 'table') body = tableHtml(s, o);
  else if (s.style === 'list') body = `<ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
  else if (s.style === 'warning')
    body = s.lines.map((l) => `<p class="warning"><strong>warning:</strong> ${esc(l)}</p>`).join('\n');
  else if (s.style === 'strong')
    body = s.lines.map((l) => `<p class="verdict"><strong>${esc(l)}</strong></p>`).join('');
  else body = s.lines.map((l) => `<p>${esc(l)}</p>`).join('\n');
  return `<section data-section="${esc(s.id)}" data-kind="${s.kind}">${h}\n${body}</section>`;
}

async function chartHtml(c: Chart): Promise<string> {
  const svg = await toSvg(c.spec);
  const height = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
  return (
    `<details class="chart"${height > TALL_PX ? '' : ' open'}><summary>${esc(c.title)}` +
    `${height > TALL_PX ? ` (${Math.round(height)} px tall: open to see it)` : ''}</summary>` +
    `<figure data-chart="${esc(c.name)}" data-marks="${c.marks}" data-mark="${esc(c.mark)}">${svg}</figure></details>`
  );
}

export async function write(doc: Document, o: WriteOptions): Promise<string> {
  const charts: string[] = [];
  for (const c of doc.charts?.(o) ?? []) charts.push(await chartHtml(c));
  const shown = shownSections(doc, o);
  const primary = shown.find((s) => s.kind === 'table' && s.primary);
  // a per-layer tree: the totals, notes and warnings first, then the charts, then the tables in
  // their order, the legend last; otherwise the main table first, then the charts, then the rest
  const tree = primary?.kind === 'table' && primary.tree !== undefined;
  const ordered = tree
    ? [
        ...shown.filter((s) => s.kind === 'lines' && s.id !== 'legend'),
        ...shown.filter((s) => s.kind === 'table'),
        ...shown.filter((s) => s.id === 'legend'),
      ]
    : shown;
  const lead = tree ? ordered.findIndex((s) => s.kind === 'table') : 1;
  const sections = ordered.map((s) => sectionHtml(s, o));
  const [first, rest] = [sections.slice(0, lead), sections.slice(lead)];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(doc.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(doc.title)}</h1>
${doc.head.map((m) => `<p class="meta">${esc(m)}</p>`).join('\n')}
${first.join('\n')}
${charts.length ? `<section data-section="charts"><h2>Charts</h2>\n${charts.join('\n')}</section>` : ''}
${rest.join('\n')}
</main>
<script type="application/json" id="netcost-data">${scriptJson(doc.data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
