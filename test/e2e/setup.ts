/**
 * Global setup of the end-to-end tests: build dist/ unless it was built from the current sources,
 * and make sure the browser the picture tests drive is there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: as above
import { ensureChromium } from '../../scripts/chromium.mjs';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { root, sourceHash } from '../../scripts/source-hash.mjs';

export default function setup(): void {
  let built = '';
  try {
    built = readFileSync(join(root, 'dist', 'source-hash'), 'utf8');
  } catch {}
  if (built !== sourceHash())
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  ensureChromium();
}
