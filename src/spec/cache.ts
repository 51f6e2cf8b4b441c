/**
 * Build-time: validate every built-in spec file, build every model in both views (so a broken
 * built-in fails the build, not a user's run), and write dist/builtins.json atomically.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../cost/analyze.ts';
import { buildGraph } from '../graph/build.ts';
import { deployGraph } from '../graph/deploy.ts';
import { type BuiltinCache, builtinSpecFiles, CACHE_VERSION, modelsOfSpec, packageRoot } from './load.ts';
import { parseSpecText } from './parse.ts';

export function writeBuiltinCache(): { files: number; models: number } {
  const root = packageRoot();
  const cache: BuiltinCache = { version: CACHE_VERSION, files: [] };
  let models = 0;
  const names = new Map<string, string>();
  for (const rel of builtinSpecFiles()) {
    const abs = join(root, rel);
    const text = readFileSync(abs, 'utf8');
    const spec = parseSpecText(text, rel);
    for (const m of modelsOfSpec(spec, rel)) {
      if (names.has(m.name)) throw new Error(`${rel}: model name '${m.name}' is also defined in ${names.get(m.name)}`);
      names.set(m.name, rel);
      const g = buildGraph(m);
      analyze(g);
      analyze(deployGraph(g));
      models++;
    }
    cache.files.push({ file: rel, text, spec });
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  const out = join(root, 'dist', 'builtins.json');
  writeFileSync(`${out}.tmp`, JSON.stringify(cache));
  renameSync(`${out}.tmp`, out);
  return { files: cache.files.length, models };
}
