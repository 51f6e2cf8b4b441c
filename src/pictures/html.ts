/**
 * One self-contained HTML page: the charts as inline SVG, the tables (sortable by any column with a
 * few lines of inline script), the command's JSON result inline, styles inline. It opens from
 * file:// and makes no network request of any kind.
 */
export interface Cell {
  text: string;
  /** the number a column sorts by (text sorts by itself) */
  sort?: number;
}
export interface Table {
  title: string;
  head: string[];
  rows: Cell[][];
}
export interface RenderedChart {
  name: string;
  title: string;
  svg: string;
  marks: number;
  mark: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** JSON inside a script element: `<` escaped so no name can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const STYLE = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #555; --line: #ddd; --head: #f4f4f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
main { max-width: 1180px; margin: 0 auto; padding: 16px; }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 24px 0 8px; }
p.meta { color: var(--muted); margin: 2px 0; overflow-wrap: anywhere; }
figure { margin: 16px 0; max-width: 100%; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.table-wrap { max-width: 100%; overflow-x: auto; border: 1px solid var(--line); }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: right; }
th:first-child, td:first-child { text-align: left; position: sticky; left: 0; background: #fff; }
th { background: var(--head); cursor: pointer; user-select: none; position: sticky; top: 0; }
th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
`;

/** Click a header: sort by its column (numbers by data-sort), again to reverse. */
const SORT = `
for (const table of document.querySelectorAll('table.sortable')) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, col) => th.addEventListener('click', () => {
    const dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    heads.forEach((h) => h.removeAttribute('aria-sort'));
    th.setAttribute('aria-sort', dir);
    const key = (tr) => {
      const c = tr.cells[col];
      return c.dataset.sort !== undefined ? Number(c.dataset.sort) : c.textContent;
    };
    const rows = [...table.tBodies[0].rows].sort((a, b) => {
      const x = key(a), y = key(b);
      const d = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return dir === 'ascending' ? d : -d;
    });
    table.tBodies[0].append(...rows);
  }));
}
`;

function tableHtml(t: Table, i: number): string {
  const head = t.head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const cell = (c: Cell) =>
    `<td${c.sort !== undefined && Number.isFinite(c.sort) ? ` data-sort="${c.sort}"` : ''}>${esc(c.text)}</td>`;
  const body = t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('\n');
  return (
    `<h2 id="table-${i}">${esc(t.title)}</h2>\n<div class="table-wrap"><table class="sortable">` +
    `<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

export function page(o: {
  title: string;
  meta: string[];
  charts: RenderedChart[];
  tables: Table[];
  data: unknown;
}): string {
  const charts = o.charts
    .map(
      (c) =>
        `<figure data-chart="${esc(c.name)}" data-marks="${c.marks}" data-mark="${esc(c.mark)}">` +
        `<figcaption class="sr-only">${esc(c.title)}</figcaption>${c.svg}</figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
  content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(o.title)}</title>
<style>${STYLE}.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }</style>
</head>
<body>
<main>
<h1>${esc(o.title)}</h1>
${o.meta.map((m) => `<p class="meta">${esc(m)}</p>`).join('\n')}
${charts}
${o.tables.map(tableHtml).join('\n')}
</main>
<script type="application/json" id="netcost-data">${scriptJson(o.data)}</script>
<script>${SORT}</script>
</body>
</html>
`;
}
