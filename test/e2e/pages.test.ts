/**
 * HTML is the fullest view: for report, compare, bench, check and guidelines, every line, title and
 * table of `--format table` has its counterpart in `--format html` of the same command, read in
 * chromium; `--depth` changes the page; groups fold and unfold; every chart mark has a tooltip.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { benchDocument } from '../../src/report/bench.ts';
import { render } from '../../src/result/write.ts';
import { dir, make, open, useBrowser } from '../browser-kit.ts';
import { cli } from '../helpers.ts';
import { testProfile } from '../profiles.ts';

const browser = useBrowser();
const profileFile = join(dir, 'profile.json');
writeFileSync(profileFile, JSON.stringify(testProfile({ params: { overhead: 0.005, compute: 16 } })));

interface TextView {
  /** `Title:` lines that open a section */
  titles: string[];
  /** each table: its column titles and its number of rows (the totals row included) */
  tables: { head: string[]; rows: number }[];
  /** every other line, trimmed */
  lines: string[];
}

/** The table format read back: section titles, tables (a header over a dashed rule), and the lines of words. */
function readText(text: string): TextView {
  const all = text.split('\n');
  const view: TextView = { titles: [], tables: [], lines: [] };
  for (let i = 0; i < all.length; i++) {
    const line = all[i];
    if (/^-+( {2}-+)*$/.test(all[i + 1] ?? '')) {
      let rows = 0;
      for (i += 2; i < all.length && all[i] !== '' && !/^\.\.\. \d+ more rows/.test(all[i]); i++) rows++;
      view.tables.push({ head: line.trim().split(/ {2,}/), rows });
      i--;
    } else if ((i === 0 || all[i - 1] === '') && /^\S.*:$/.test(line)) view.titles.push(line.slice(0, -1));
    // the pointer to --legend speaks to the text format only: the page always has the legend
    else if (line.trim() && !line.startsWith('(--legend:')) view.lines.push(line.trim());
  }
  return view;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The page as a reader sees it: headings, tables (column titles, the rows shown: an unfolded group
 * is a heading over its rows, so a row stands for itself only when it is not one), its visible text.
 */
const readPage = (page: Page) =>
  page.evaluate(() => ({
    headings: [...document.querySelectorAll('h2')].map((h) => h.textContent ?? ''),
    tables: [...document.querySelectorAll('table')].map((t) => ({
      head: [...t.tHead!.rows[0].cells].map((c) => c.textContent ?? ''),
      rows: [...t.querySelectorAll('tbody tr, tfoot tr')].filter(
        (r) => !(r as HTMLElement).hidden && r.querySelector('button.fold[aria-expanded="true"]') === null,
      ).length,
    })),
    // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees (hidden rows left out)
    text: document.body.innerText,
  }));

const PROFILE = ['--profile', profileFile];
const CASES: [string, string[], number?][] = [
  // every level (the page opens at depth 2 unless told, as the browser test checks)
  ['report', ['report', 'shufflenet-v2-0.5x', '--depth', '9', ...PROFILE]],
  ['report --depth 2', ['report', 'shufflenet-v2-0.5x', '--depth', '2']],
  ['compare', ['compare', 'shufflenet-v1-g*-0.5x', ...PROFILE]],
  ['guidelines', ['guidelines', 'G1', 'G3', '--costs-only', ...PROFILE]],
  ['check', ['check', 'shufflenet-v2-0.5x', '--baseline', join(dir, 'none.json')], 1],
];

/** A page beside the text of the same result: every title a heading, every table there with its rows, every line. */
async function counterparts(name: string, text: string, file: string): Promise<void> {
  const t = readText(text);
  const { page } = await open(browser(), file);
  try {
    const p = await readPage(page);
    for (const title of t.titles) expect(p.headings, name).toContain(title);
    // in order: the by-stage table has the per-layer table's columns
    let from = 0;
    for (const table of t.tables) {
      const at = p.tables.findIndex((x, i) => i >= from && x.head.join('|') === table.head.join('|'));
      expect(at, `${name}: table ${table.head.join(' ')}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
      expect(p.tables[at]?.rows, `${name}: rows of ${table.head[0]}`).toBe(table.rows);
    }
    const visible = squash(p.text);
    for (const line of t.lines) expect(visible, `${name}: a line`).toContain(squash(line));
  } finally {
    await page.close();
  }
}

describe('every section of the text output has its counterpart in the page', () => {
  it.each(CASES)('%s', async (name, args, code = 0) => {
    const text = cli(args);
    expect(text.code, text.stderr).toBe(code);
    await counterparts(
      name,
      text.stdout,
      make(`${name.replace(/\W+/g, '-')}.html`, [...args, '--format', 'html'], code),
    );
  });

  it('bench: the two formats of one measurement (two runs would time differently)', async () => {
    const args = ['bench', 'shufflenet-v2-0.5x', '--input', '1x3x64x64', '--per-layer', '--runs', '3', '--warmup', '1'];
    const r = cli([...args, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = benchDocument(JSON.parse(r.stdout));
    const file = join(dir, 'bench.html');
    // every level in both (a page opens at depth 2 unless told)
    writeFileSync(file, await render(doc, 'html', { depth: 9 }));
    await counterparts('bench', await render(doc, 'table', { depth: 9 }), file);
  });
});

describe('the page follows --depth, folds, and names every mark', () => {
  /** rows shown that stand for themselves: every one but the unfolded groups (headings over their rows) */
  const rowsOf = (page: Page) =>
    page.$$eval(
      'table.tree tbody tr',
      (rs) =>
        rs.filter((r) => !(r as HTMLElement).hidden && r.querySelector('button.fold[aria-expanded="true"]') === null)
          .length,
    );

  it('--depth 1 shows the stages, a click on a stage unfolds its units and a second folds them', async () => {
    const file = make('depth1.html', ['report', 'shufflenet-v2-0.5x', '--depth', '1', '--format', 'html']);
    const all = make('depth-all.html', ['report', 'shufflenet-v2-0.5x', '--depth', '9', '--format', 'html']);
    const stages = cli(['report', 'shufflenet-v2-0.5x', '--depth', '1', '--format', 'json']);
    const layers = JSON.parse(stages.stdout).layers.length;
    const { page } = await open(browser(), file);
    const { page: full } = await open(browser(), all);
    try {
      const shown = await rowsOf(page);
      const depth1 = JSON.parse(stages.stdout).groups.filter((g: { depth: number }) => g.depth === 1).length;
      expect(shown).toBeLessThan(20);
      expect(await rowsOf(full)).toBe(layers);
      // stage2 of 0.5x: unfolded, its 4 units stand in its place
      const stage2 = page
        .locator('tr.group')
        .filter({ has: page.locator('td:first-child', { hasText: /^[+-]stage2$/ }) });
      await stage2.locator('button.fold').click();
      expect(await rowsOf(page)).toBe(shown - 1 + 4);
      await stage2.locator('button.fold').click();
      expect(await rowsOf(page)).toBe(shown);
      expect(depth1).toBeGreaterThan(2);
      // the per-layer chart draws what the rows show: fewer bars at depth 1
      const bars = (p: Page) => p.$$eval('figure[data-chart="layers"]', (f) => Number(f[0].getAttribute('data-marks')));
      expect(await bars(page)).toBe(2 * shown);
      expect(await bars(full)).toBe(2 * layers);
    } finally {
      await page.close();
      await full.close();
    }
  });

  it('every mark of every chart has a tooltip naming what it stands for', async () => {
    const file = make('tips.html', ['report', 'shufflenet-v2-0.5x', ...PROFILE, '--format', 'html']);
    const { page } = await open(browser(), file);
    try {
      const marks = await page.$$eval('figure g.role-mark > path', (ps) =>
        ps.map((p) => p.querySelector(':scope > title')?.textContent ?? ''),
      );
      expect(marks.length).toBeGreaterThan(100);
      expect(marks.filter((m) => m === '')).toEqual([]);
      expect(marks.some((m) => /layer: stage2\.unit1\.branch2\.pw1\.conv/.test(m))).toBe(true);
    } finally {
      await page.close();
    }
  });
});
