/**
 * Pictures in a real browser (Debian's chromium, driven by playwright-core): every command's HTML
 * loads from file:// with no console error and no request, each chart draws one mark per data row,
 * tables sort on a click, screenshots are not blank, nothing overflows at 1280 or 400 px; SVG output
 * parses and has its marks. NETCOST_SCREENSHOTS=1 also writes the README's screenshots.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dir, json, make, open as openIn, useBrowser } from '../browser-kit.ts';
import { cli, ROOT } from '../helpers.ts';
import { onnxModel } from '../onnx-models.ts';
import { testProfile } from '../profiles.ts';

/** a hand-written machine profile, every kernel class */
const profile = testProfile({ params: { overhead: 0.005, compute: 16 } });
const profileFile = join(dir, 'profile.json');
writeFileSync(profileFile, JSON.stringify(profile));

const browser = useBrowser();
const open = (file: string, width = 1280) => openIn(browser(), file, width);

/** Marks each chart draws, by the mark type its figure declares. */
const marksDrawn = (page: Page) =>
  page.$$eval('figure[data-chart]', (figs) =>
    figs.map((f) => ({
      chart: f.getAttribute('data-chart'),
      declared: Number(f.getAttribute('data-marks')),
      drawn: f.querySelectorAll(`g.mark-${f.getAttribute('data-mark')}.role-mark > path`).length,
    })),
  );

const overflows = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

/** The first chart shown open (a tall one starts folded) is drawn: its screenshot is far from a blank one. */
async function notBlank(page: Page): Promise<void> {
  const shot = await page.locator('details[open] figure').first().screenshot();
  const blank = await browser().newPage({ viewport: { width: 400, height: 300 } });
  await blank.setContent('<body style="margin:0;background:#fff"></body>');
  const empty = await blank.screenshot();
  await blank.close();
  expect(shot.length).toBeGreaterThan(4 * empty.length);
}

describe('HTML pages in a real browser', () => {
  // the pages' data is the commands' JSON, read loosely here
  // biome-ignore lint/suspicious/noExplicitAny: JSON of five different result types
  type Json = any;
  const pages: { name: string; file: () => string; expected: (data: Json) => Record<string, number> }[] = [
    {
      name: 'report (with a machine profile)',
      file: () => make('report.html', ['report', 'shufflenet-v2-0.5x', '--profile', profileFile, '--format', 'html']),
      expected: (d) => ({
        layers: 3 * d.layers.length,
        roofline: d.layers.filter((l: Json) => l.flops > 0 && l.memoryAccessBytes > 0 && l.predictedMs > 0).length,
        operators: 2 * d.summary.byOp.length,
      }),
    },
    {
      name: 'compare (predicted latency)',
      file: () =>
        make('compare.html', ['compare', 'shufflenet-v1-g*-0.5x', '--profile', profileFile, '--format', 'html']),
      expected: (d) => ({ latency: 2 * d.models.length, ratios: 4 * d.models.length }),
    },
    {
      name: 'bench --per-layer',
      file: () =>
        make('bench.html', [
          'bench',
          'shufflenet-v2-0.5x',
          '--input',
          '1x3x64x64',
          '--per-layer',
          '--runs',
          '3',
          '--warmup',
          '1',
          '--format',
          'html',
        ]),
      expected: (d) => ({ layers: 3 * d.perLayer.layers.length, categories: 3 * d.perLayer.categories.length }),
    },
    {
      name: 'guidelines (costs and predictions)',
      file: () =>
        make('guidelines.html', [
          'guidelines',
          'G1',
          'G2',
          '--costs-only',
          '--profile',
          profileFile,
          '--format',
          'html',
        ]),
      expected: (d) => ({ guidelines: 2 * d.results.reduce((a: number, g: Json) => a + g.rows.length, 0) }),
    },
    {
      name: 'check (a changed model)',
      file: () => {
        const spec = join(dir, 'm.yaml');
        const base = join(dir, 'baselines');
        const yaml = (g: number) =>
          `name: m\ninput: [1, 16, 8, 8]\nlayers:\n  - { op: conv, name: pw, out: 16, kernel: 1, groups: ${g} }\n`;
        writeFileSync(spec, yaml(2));
        expect(cli(['check', spec, '--baseline', base, '--update']).code).toBe(0);
        // fewer groups: the costs grow, which fails (exit 1)
        writeFileSync(spec, yaml(1));
        return make('check.html', ['check', spec, '--baseline', base, '--format', 'html'], 1);
      },
      expected: (d) => ({ changes: d.findings.filter((f: Json) => f.kind === 'changed' && f.baseline !== 0).length }),
    },
  ];

  it.each(pages)('$name: loads offline, one mark per data row, sortable, not blank, no overflow', async (p) => {
    const file = p.file();
    const data = json(file);
    const { page, errors, requests } = await open(file);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const marks = await marksDrawn(page);
      const expected = p.expected(data);
      expect(Object.fromEntries(marks.map((m) => [m.chart, m.drawn]))).toEqual(expected);
      for (const m of marks) expect(m.declared).toBe(m.drawn);
      expect(Object.values(expected).every((n) => n > 0)).toBe(true);
      expect(await overflows(page)).toBe(false);
      await notBlank(page);
      if (process.env.NETCOST_SCREENSHOTS && p.name.startsWith('report')) {
        await page.evaluate(() => window.scrollTo(0, 0));
        const out = join(ROOT, 'test', 'screenshots');
        mkdirSync(out, { recursive: true });
        await page.screenshot({ path: join(out, 'report.png') });
        await page.locator('figure[data-chart="roofline"]').screenshot({ path: join(out, 'roofline.png') });
      }

      // sort the first table by its first numeric column: ascending, then descending
      const table = page.locator('table.sortable').first();
      const numeric = await table
        .locator('tbody tr:first-child td')
        .evaluateAll((tds) => tds.map((td) => td.hasAttribute('data-sort')));
      const col = numeric.indexOf(true);
      const column = () =>
        table
          .locator(`tbody tr td:nth-child(${col + 1})`)
          .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-sort'))));
      await table.locator(`thead th:nth-child(${col + 1})`).click();
      const up = await column();
      expect(up).toEqual([...up].sort((a, b) => a - b));
      await table.locator(`thead th:nth-child(${col + 1})`).click();
      const down = await column();
      expect(down).toEqual([...up].sort((a, b) => b - a));

      await page.setViewportSize({ width: 400, height: 900 });
      expect(await overflows(page)).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('the report page reads top down: totals, charts, then the tree open to depth 2, full width', async () => {
    const file = make('layout.html', ['report', 'shufflenet-v2-1.0x', '--profile', profileFile, '--format', 'html']);
    const { page } = await open(file);
    try {
      const order = await page.$$eval('main > section', (ss) => ss.map((s) => (s as HTMLElement).dataset.section));
      expect(order.slice(0, 3)).toEqual(['summary', 'charts', 'layers']);
      expect(order.at(-1)).toBe('legend');
      // at 1,280 px every table fits the page, so no table scrolls on its own and its header sticks to the window
      const fit = await page.$$eval('table', (ts) =>
        ts.map((t) => t.getBoundingClientRect().right <= window.innerWidth),
      );
      expect(fit.every(Boolean)).toBe(true);
      expect(await page.$eval('.table-wrap', (w) => getComputedStyle(w).overflowX)).toBe('visible');
      expect(await page.$eval('th', (th) => getComputedStyle(th).position)).toBe('sticky');
      // stages and their units shown, the layers inside units folded, and a line saying so
      const levels = await page.$$eval('section[data-section="layers"] tbody tr:not([hidden])', (rs) =>
        rs.map((r) => Number(r.getAttribute('data-level'))),
      );
      expect(Math.max(...levels)).toBe(1);
      expect(await page.textContent('section[data-section="layers"]')).toMatch(/rows below depth 2 start folded/);
    } finally {
      await page.close();
    }
  });

  it('names from an ONNX file are data: a hostile node name neither runs nor loads anything', async () => {
    const evil = '</script><img src="https://example.com/x.png" onerror="console.error(1)"><script>';
    const onnx = join(dir, 'evil.onnx');
    writeFileSync(
      onnx,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
        outputs: ['y'],
        nodes: [{ op: 'Relu', name: evil, inputs: ['x'], outputs: ['y'] }],
      }),
    );
    const file = make('evil.html', ['report', onnx, '--format', 'html']);
    const { page, errors, requests } = await open(file);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.$$eval('img', (i) => i.length)).toBe(0);
      const name = json(file).layers[0].name;
      expect(name).toMatch(/^<\/script><img/);
      expect(await page.$eval('table.sortable tbody td', (td) => td.textContent)).toBe(name);
    } finally {
      await page.close();
    }
  });

  it('vega loads only for pictures: a text report never requires it', () => {
    // a preload that lists every module the CLI requires
    const log = join(dir, 'modules.log');
    const hook = join(dir, 'hook.cjs');
    writeFileSync(
      hook,
      [
        "const M = require('node:module'); const fs = require('node:fs'); const load = M._load;",
        `M._load = function (r, ...a) { fs.appendFileSync(${JSON.stringify(log)}, r + '\\n');`,
        'return load.call(this, r, ...a); };',
      ].join('\n'),
    );
    const run = (args: string[]) => {
      writeFileSync(log, '');
      const r = cli(args, { env: { NODE_OPTIONS: `--require ${hook}` } });
      expect(r.code).toBe(0);
      return readFileSync(log, 'utf8');
    };
    expect(run(['report', 'shufflenet-v2-0.5x'])).not.toMatch(/vega/);
    expect(run(['report', 'shufflenet-v2-0.5x', '--format', 'svg'])).toMatch(/vendor\/vega-lite\.cjs/);
  });

  it('svg: one chart per invocation, chosen with --chart; it parses and has its marks', async () => {
    const file = make('layers.svg', ['report', 'shufflenet-v2-0.5x', '--format', 'svg', '--chart', 'operators']);
    const copy = join(dir, 'copy.svg');
    copyFileSync(file, copy);
    const { page, errors, requests } = await open(copy);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.tagName)).toBe('svg');
      const report = JSON.parse(cli(['report', 'shufflenet-v2-0.5x', '--format', 'json']).stdout);
      expect(await page.$$eval('g.mark-rect.role-mark > path', (p) => p.length)).toBe(2 * report.summary.byOp.length);
    } finally {
      await page.close();
    }
    const bad = cli(['report', 'shufflenet-v2-0.5x', '--format', 'svg', '--chart', 'pie']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--chart pie: this output draws layers, roofline, operators; choose one/);
    const noLayers = cli(['bench', 'shufflenet-v2-0.5x', '--runs', '3', '--warmup', '1', '--format', 'svg']);
    expect(noLayers.code).toBe(2);
    expect(noLayers.stderr).toMatch(/bench draws per-layer time: add --per-layer/);
  });
});
