/**
 * The browser tests' kit: Debian's chromium (driven by playwright-core), a page opened from file://
 * with every request but its own counted as a failure, and commands that write a page to a file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { chromiumPath } from '../scripts/chromium.mjs';
import { cli } from './helpers.ts';

export const dir = mkdtempSync(join(tmpdir(), 'netcost-pages-'));

/** Run a command that writes HTML or SVG to a file; returns the file. */
export function make(name: string, args: string[], expectCode = 0): string {
  const file = join(dir, name);
  const r = cli([...args, '-o', file], { timeoutMs: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(expectCode);
  return file;
}

/** The command's JSON result, inline in its page. */
export const json = (file: string) =>
  JSON.parse(
    (/<script type="application\/json" id="netcost-data">(.*?)<\/script>/s.exec(readFileSync(file, 'utf8')) ?? [])[1],
  );

/** The browser of a test file: launched before its tests, closed after. */
export function useBrowser(): () => Browser {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser;
}

/** Open a file with the network watched: every request but the file's own is a failure. */
export async function open(
  browser: Browser,
  file: string,
  width = 1280,
): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}
