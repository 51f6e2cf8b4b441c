/**
 * Hostile input, round four (issue 32): weights in external data. The file a tensor names must
 * exist, stay inside the model's folder wherever links lead, be a regular file and hold the bytes
 * its dims declare; a valid model reads, runs and annotates from any working folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers.ts';
import { expectClean } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { onnx } = onnxProto;
const run = (args: string[], cwd: string) => cli(args, { cwd, timeoutMs: 30_000 });

/** x[1,3,8,8] -> Conv(w[8,3,3,3]) -> Reshape(shape) -> y[1,288]: w and shape as external data. */
function conv(dims = [8, 3, 3, 3]): Uint8Array {
  return onnxModel({
    inputs: [{ name: 'x', dims: [1, 3, 8, 8] }],
    initializers: [
      { name: 'w', dims, raw: new Uint8Array(1) }, // its data goes external
      { name: 'shape', dims: [2], ints: [1, -1] },
    ],
    nodes: [
      { op: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'], attrs: { kernel_shape: [3, 3] } },
      { op: 'Reshape', name: 'flat', inputs: ['c', 'shape'], outputs: ['y'] },
    ],
    outputs: ['y'],
  });
}

/** The model with the named initializers' data moved to external entries (their raw_data dropped). */
function external(bytes: Uint8Array, entries: Record<string, Record<string, string>>): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  for (const t of m.graph?.initializer ?? []) {
    const e = entries[t.name ?? ''];
    if (!e) continue;
    t.rawData = new Uint8Array();
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = Object.entries(e).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
  }
  return onnx.ModelProto.encode(m).finish();
}

const floats = (n: number, f: (i: number) => number) =>
  new Uint8Array(Float32Array.from({ length: n }, (_, i) => f(i)).buffer);
const int64s = (v: number[]) => new Uint8Array(BigInt64Array.from(v.map(BigInt)).buffer);

/** A folder holding m.onnx with w (216 floats) and shape ([1, -1]) in one data file, as onnx.save writes them. */
function validModel(): { dir: string; model: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netcost-r4-external-'));
  const w = floats(216, (i) => (i % 7) / 7 - 0.5);
  writeFileSync(join(dir, 'm.data'), Buffer.concat([w, int64s([1, -1])]));
  const bytes = external(conv(), {
    w: { location: 'm.data', offset: '0', length: '864' },
    shape: { location: 'm.data', offset: '864', length: '16' },
  });
  writeFileSync(join(dir, 'm.onnx'), bytes);
  return { dir, model: join(dir, 'm.onnx') };
}

const params = (stdout: string) => (JSON.parse(stdout) as { totals: { params: number } }).totals.params;

describe('external data: a valid model', () => {
  const { dir, model } = validModel();
  const elsewhere = mkdtempSync(join(tmpdir(), 'netcost-r4-cwd-'));

  it('reads from any working folder: the Reshape takes its target from the data file', () => {
    const r = run(['report', model, '--format', 'json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(params(r.stdout)).toBe(216);
    const rows = (JSON.parse(r.stdout) as { layers: { name: string; outputShape: number[] }[] }).layers;
    expect(rows.find((l) => l.name === 'flat')?.outputShape).toEqual([1, 288]);
  });

  it('bench runs it from another working folder (onnxruntime is given the data inline)', () => {
    const r = run(['bench', model, '--runs', '3', '--warmup', '1', '--format', 'json'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).latency.medianMs).toBeGreaterThan(0);
  });

  it('annotate -o into another folder writes the data into the copy, which then reads on its own', () => {
    const out = join(elsewhere, 'copy', 'm.onnx');
    mkdirSync(join(elsewhere, 'copy'));
    const r = run(['annotate', model, '-o', out], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/its external data written into the copy/);
    expect(statSync(out).size).toBeGreaterThan(864 + 16);
    expect(params(run(['report', out, '--format', 'json'], tmpdir()).stdout)).toBe(216);
  });

  it('annotate -o in the model folder keeps the data where it is', () => {
    const out = join(dir, 'annotated.onnx');
    const r = run(['annotate', model, '-o', out], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/external data/);
    expect(statSync(out).size).toBeLessThan(readFileSync(model).length + 4096);
    expect(params(run(['report', out, '--format', 'json'], elsewhere).stdout)).toBe(216);
  });
});

describe('external data: refused with one line naming the tensor and the file', () => {
  const big = [2 ** 16, 2 ** 20];
  /** a folder with the model whose w is external as `entry`; `setup` makes files beside it */
  const refused = (entry: Record<string, string>, setup: (dir: string) => void = () => {}, dims = [8, 3, 3, 3]) => {
    const root = mkdtempSync(join(tmpdir(), 'netcost-r4-external-'));
    const dir = join(root, 'model');
    mkdirSync(dir);
    setup(dir);
    writeFileSync(join(dir, 'm.onnx'), external(conv(dims), { w: entry }));
    return run(['report', join(dir, 'm.onnx')], root);
  };

  it('a missing file, even for dims of 2^36 values', () => {
    expectClean(
      refused({ location: 'missing.bin' }, undefined, big),
      /tensor 'w' .*'missing\.bin', which does not exist/,
    );
  });
  it('no location', () => {
    expectClean(refused({ offset: '0' }), /tensor 'w' keeps its data in an external file but names none/);
  });
  it('an absolute path', () => {
    expectClean(
      refused({ location: '/etc/passwd' }),
      /at '\/etc\/passwd'; a location is a path relative to the model's folder/,
    );
  });
  it('a path out of the folder, and a link out of it', () => {
    const outside = (dir: string) => writeFileSync(join(dir, '..', 'w.bin'), new Uint8Array(864));
    expectClean(refused({ location: '../w.bin' }, outside), /'\.\.\/w\.bin', which lies outside the model's folder/);
    const link = (dir: string) => {
      outside(dir);
      symlinkSync(join(dir, '..', 'w.bin'), join(dir, 'link.bin'));
    };
    expectClean(refused({ location: 'link.bin' }, link), /'link\.bin', which lies outside the model's folder/);
  });
  it('a FIFO or a folder is no data file, and nothing blocks', () => {
    const fifo = (dir: string) => execFileSync('mkfifo', [join(dir, 'w.bin')]);
    expectClean(refused({ location: 'w.bin' }, fifo), /'w\.bin', which is not a regular file/);
    expectClean(
      refused({ location: 'sub' }, (dir) => mkdirSync(join(dir, 'sub'))),
      /'sub', which is not a regular file/,
    );
  });
  it('a file too short, a length that disagrees with the dims, an offset past the end', () => {
    const short = (dir: string) => writeFileSync(join(dir, 'w.bin'), new Uint8Array(100));
    expectClean(refused({ location: 'w.bin' }, short), /'w\.bin'\) that gives it 100 bytes where its dims need 864/);
    const exact = (dir: string) => writeFileSync(join(dir, 'w.bin'), new Uint8Array(864));
    expectClean(refused({ location: 'w.bin', length: '4' }, exact), /gives it 4 bytes where its dims need 864/);
    expectClean(
      refused({ location: 'w.bin', offset: '800', length: '864' }, exact),
      /at bytes 800-1664, past the file's 864 bytes/,
    );
    expectClean(refused({ location: 'w.bin', offset: '-1' }, exact), /offset or length is not a whole number/);
  });
});
