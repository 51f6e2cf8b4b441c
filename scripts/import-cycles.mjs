// Import cycles among src/ modules, type-only imports included (Biome's noImportCycles misses
// those; madge and dependency-cruiser declare TypeScript 5 as a peer and will not install beside
// TypeScript 7). Every `import ... from './x.ts'` and `export ... from './x.ts'` is an edge; the
// strongly connected components of more than one module (or a module importing itself) are cycles.
// It also holds the output layers apart: nothing in result/ imports from report/.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname, 'src');
const files = readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, f));
const edges = new Map(
  files.map((f) => {
    const text = readFileSync(f, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((m) =>
      resolve(dirname(f), m[1]),
    );
    return [f, [...new Set(targets)]];
  }),
);

// Tarjan's strongly connected components
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(v) {
  const s = { index, low: index, onStack: true };
  index++;
  state.set(v, s);
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!edges.has(w)) continue;
    const t = state.get(w);
    if (!t) {
      visit(w);
      s.low = Math.min(s.low, state.get(w).low);
    } else if (t.onStack) s.low = Math.min(s.low, t.index);
  }
  if (s.low !== s.index) return;
  const component = [];
  let w;
  do {
    w = stack.pop();
    state.get(w).onStack = false;
    component.push(w);
  } while (w !== v);
  if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component);
}
for (const f of files) if (!state.has(f)) visit(f);

// the output layers: documents are built in report/ and written by result/, which never reaches back
const LAYERS = [['result', 'report']];
const upward = [];
for (const [f, targets] of edges) {
  const from = relative(root, f).split('/')[0];
  for (const t of targets)
    for (const [low, high] of LAYERS)
      if (from === low && relative(root, t).split('/')[0] === high)
        upward.push(`${relative(root, f)} -> ${relative(root, t)}`);
}
for (const u of upward) console.error(`upward import (result/ must not import report/): ${u}`);

for (const c of cycles) console.error(`import cycle: ${c.map((f) => relative(root, f)).join(' <-> ')}`);
if (cycles.length || upward.length) process.exitCode = 1;
else
  console.log(`import cycles: none among ${files.length} modules of src/; no upward import from result/ into report/`);
