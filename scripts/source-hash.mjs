// A hash of everything a build reads: the end-to-end tests rebuild when dist/ was built from
// other sources (they never run a stale build), and the build writes it to dist/source-hash.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
}

export function sourceHash() {
  const h = createHash('sha256');
  const inputs = [...files(join(root, 'src')), ...files(join(root, 'configs')), ...files(join(root, 'bin'))];
  for (const f of [...inputs, join(root, 'scripts', 'build.mjs'), join(root, 'package.json')]) {
    h.update(relative(root, f));
    h.update(readFileSync(f));
  }
  return h.digest('hex');
}
