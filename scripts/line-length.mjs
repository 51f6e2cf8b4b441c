// Lint: no line of code longer than 120 characters (Biome's formatter wraps code but never splits
// a string; long prose strings are split by hand). Prints each offender as file:line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAX = 120;
const walk = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs|cjs)$/.test(f) ? [p] : [];
  });
const long = ['src', 'test', 'scripts', 'bin'].flatMap((d) =>
  walk(join(root, d)).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (line.length > MAX ? [`${relative(root, f)}:${i + 1}: ${line.length} characters`] : [])),
  ),
);
for (const l of long) console.error(l);
if (long.length) {
  console.error(`${long.length} lines longer than ${MAX} characters`);
  process.exit(1);
}
