// ONNX's own conformance models (the backend node tests: one-op models with their inputs and
// expected outputs, Debian's libonnx-testdata) read by netcost. Each model is read with its inputs'
// shapes, then, if netcost asks, the values of its small inputs (what a user gives with --value);
// it is clean when it reads, no node is left without a rule (counted as 0), and every graph output
// has the shape of the expected output. The rest are grouped by op and by why.
//
//   npm run node-tests [-- --dir DIR] [--only PATTERN] [--list] [--min PERCENT]
//
// DIR defaults to /usr/include/onnx/backend/test/data/node (apt-get install libonnx-testdata);
// the script says how to get it when it is missing. --min fails (exit 1) below that share clean.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const args = process.argv.slice(2);
const flag = (name, d) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : d;
};
const dir = flag('--dir', '/usr/include/onnx/backend/test/data/node');
const only = new RegExp(flag('--only', '.'));
const min = Number(flag('--min', '0'));
if (!existsSync(dir)) {
  console.error(`node-tests: no ${dir}; install it with: apt-get install libonnx-testdata (or give --dir)`);
  process.exit(2);
}
const lib = await import(new URL('../dist/index.js', import.meta.url).href);

const INTEGER = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);
/**
 * A test's recorded tensor: its dims, and its values when it is small: an integer or boolean
 * tensor of at most 1,024 values, or a float one of at most 16 (Resize's scales).
 */
function readTensor(file) {
  const t = onnx.TensorProto.decode(readFileSync(file));
  const dims = (t.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.dataType === 1 && count <= 16) {
    const raw = t.rawData?.length ? t.rawData : undefined;
    const values = raw ? [...new Float32Array(Uint8Array.from(raw).buffer)] : [...(t.floatData ?? [])];
    return { name: t.name, dims, values };
  }
  if (!INTEGER.has(t.dataType) || count > 1024) return { name: t.name, dims };
  const raw = t.rawData?.length ? t.rawData : undefined;
  const width = { 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 12: 4, 13: 8 }[t.dataType];
  const view = raw && new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const at = (k) =>
    width === 8
      ? Number(view.getBigInt64(8 * k, true))
      : width === 4
        ? view.getInt32(4 * k, true)
        : width === 2
          ? view.getInt16(2 * k, true)
          : t.dataType === 3
            ? view.getInt8(k)
            : view.getUint8(k);
  const values = raw
    ? Array.from({ length: count }, (_, k) => at(k))
    : [...(t.int64Data ?? []), ...(t.int32Data ?? []), ...(t.uint64Data ?? [])].map(Number);
  return { name: t.name, dims, values };
}

/** One test: clean, or why not (the first reason). */
function run(name) {
  const bytes = readFileSync(join(dir, name, 'model.onnx'));
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  const initializers = new Set((g.initializer ?? []).map((t) => t.name));
  const declared = (g.input ?? []).filter((i) => !initializers.has(i.name));
  const data = join(dir, name, 'test_data_set_0');
  const read = (prefix, k) => {
    const f = join(data, `${prefix}_${k}.pb`);
    return existsSync(f) ? readTensor(f) : undefined;
  };
  const inputs = Object.create(null);
  const values = Object.create(null);
  const intValues = Object.create(null);
  for (const [k, i] of declared.entries()) {
    if (!i.type?.tensorType) return { why: 'a sequence, map or optional input' };
    let t;
    try {
      t = read('input', k);
    } catch {
      return { why: 'its recorded input is not a tensor' };
    }
    if (!t) continue;
    inputs[i.name] = t.dims;
    if (t.values) values[i.name] = t.values;
    if (t.values && i.type.tensorType.elemType !== 1) intValues[i.name] = t.values;
  }
  // as a user would: the shapes first, then the values of the integer inputs if netcost asks for
  // them, then those of the small float inputs too (Resize's scales)
  let r;
  let error;
  for (const given of [{}, intValues, values]) {
    try {
      r = lib.importOnnx(bytes, { file: name, inputs, values: given });
      break;
    } catch (e) {
      error = e;
    }
  }
  if (!r) return { why: `refused: ${String(error.message).replace(`${name}: `, '').slice(0, 160)}` };
  if (r.unknownOps.size) return { why: `no rule: ${[...r.unknownOps.keys()].join(', ')}` };
  for (const [k, o] of (g.output ?? []).entries()) {
    if (!o.type?.tensorType) continue;
    let expected;
    try {
      expected = read('output', k)?.dims;
    } catch {
      continue;
    }
    const got = r.shapeOf(o.name);
    // an op whose data decides its output's size is read at its upper bound: at least the expected
    const bound = /^test_(nonzero|nonmaxsuppression|unique|compress)/.test(name);
    const fits = bound
      ? got?.length === expected?.length && got.every((d, i) => d >= expected[i])
      : got?.join('x') === expected?.join('x');
    if (expected && got && !fits) return { why: `output ${o.name}: [${got}] where onnx expects [${expected}]` };
  }
  return { clean: true };
}

const names = readdirSync(dir)
  .filter((n) => only.test(n))
  .sort();
const results = names.map((n) => ({ name: n, op: n.replace(/^test_/, '').split('_')[0], ...run(n) }));
const clean = results.filter((r) => r.clean).length;
const byWhy = new Map();
for (const r of results.filter((x) => !x.clean)) {
  const key = r.why
    .replace(/'[^']*'/g, "'…'")
    .replace(/\[[^\]]*\]/g, '[…]')
    .slice(0, 90);
  byWhy.set(key, [...(byWhy.get(key) ?? []), r.name]);
}
console.log(`node tests: ${clean} of ${results.length} clean (${((100 * clean) / results.length).toFixed(1)}%)`);
for (const [why, list] of [...byWhy].sort((a, b) => b[1].length - a[1].length)) {
  const cases = args.includes('--list')
    ? `\n        ${list.join(' ')}`
    : `  (${list.slice(0, 3).join(' ')}${list.length > 3 ? ' ...' : ''})`;
  console.log(`  ${list.length.toString().padStart(4)}  ${why}${cases}`);
}
if (min && (100 * clean) / results.length < min) process.exitCode = 1;
