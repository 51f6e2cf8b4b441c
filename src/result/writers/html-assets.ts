/** The page's inline style and script: sortable tables, foldable groups, tooltips on chart marks. */

export const STYLE = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #555; --line: #ddd; --head: #f4f4f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
main { margin: 0; padding: 12px 16px; }
h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 24px 0 8px; }
p.meta { color: var(--muted); margin: 2px 0; overflow-wrap: anywhere; }
p, li { overflow-wrap: anywhere; }
p.note { color: var(--muted); margin: 4px 0; }
p.warning { background: #fff4e5; border-left: 3px solid #f58518; padding: 4px 8px; }
details.chart { margin: 12px 0; } details.chart summary { cursor: pointer; color: var(--muted); }
figure { margin: 8px 0; max-width: 100%; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.table-wrap { max-width: 100%; overflow-x: auto; border: 1px solid var(--line); }
/* wide enough for every column: the page scrolls, not the table, so its header stays in view */
@media (min-width: 1200px) { .table-wrap { overflow: visible; } }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 2px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: right; }
th { white-space: normal; vertical-align: bottom; min-width: 4em; }
th:first-child, td:first-child { text-align: left; position: sticky; left: 0; background: #fff; }
th { background: var(--head); cursor: pointer; user-select: none; position: sticky; top: 0; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
th.text, td.text { text-align: left; }
tr.group td { font-weight: 600; }
table.flat td:first-child { padding-left: 8px !important; }
button.fold { font: inherit; width: 1.6em; margin-right: 4px; border: 1px solid var(--line); background: #fff; }
button.fold { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
`;

/**
 * - Click a header: sort by its column (numbers by data-sort), again to reverse; a tree table
 *   sorted shows its layers flat, unindented, without the group rows.
 * - Click a group's button: fold or unfold the rows below it.
 */
export const SCRIPT = `
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
    // a sorted tree is a flat list of its rows: groups hidden, names unindented
    if (table.classList.contains('tree')) {
      table.classList.add('flat');
      for (const r of rows) r.hidden = r.classList.contains('group');
    }
    table.tBodies[0].append(...rows);
  }));
}
for (const button of document.querySelectorAll('button.fold')) {
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    const row = button.closest('tr');
    const level = Number(row.dataset.level);
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? '-' : '+';
    // unfold shows the next level only (a folded subgroup keeps its rows hidden); fold hides all below
    let hiddenBelow = Infinity;
    for (let r = row.nextElementSibling; r && Number(r.dataset.level) > level; r = r.nextElementSibling) {
      const l = Number(r.dataset.level);
      if (!open) { r.hidden = true; continue; }
      if (l > hiddenBelow) { r.hidden = true; continue; }
      hiddenBelow = Infinity;
      r.hidden = false;
      const b = r.querySelector('button.fold');
      if (b && b.getAttribute('aria-expanded') !== 'true') hiddenBelow = l;
    }
  });
}
`;
