/** onnxruntime's own shapes of a model's tensors: the reference every importer test holds netcost's shapes to. */

import { expect } from 'vitest';
import { analyze, type LayerCost } from '../src/cost/analyze.ts';
import { Runner } from '../src/measure/runner.ts';
import { type ImportResult, importOnnx } from '../src/onnx/import.ts';
import { withAllOutputs } from './onnx-models.ts';

/** Run the model once with every node output exposed; each tensor's shape by name. */
export async function ortShapes(bytes: Uint8Array, inputs: ImportResult['inputs']): Promise<Map<string, number[]>> {
  const run = await Runner.open(withAllOutputs(bytes), inputs, { threads: 1, optLevel: 'disabled' }, 'test');
  try {
    const out = await run.outputs();
    return new Map(Object.entries(out).map(([k, t]) => [k, [...t.dims]]));
  } finally {
    await run.close();
  }
}

/** Tensors whose shape netcost gives differently from onnxruntime (none when all agree), and how many were compared. */
export async function shapeMismatches(
  bytes: Uint8Array,
  r: ImportResult,
): Promise<{ checked: number; wrong: string[] }> {
  const shapes = await ortShapes(bytes, r.inputs);
  const wrong: string[] = [];
  for (const [name, dims] of shapes) {
    const mine = r.shapeOf(name);
    if (mine?.join() !== dims.join()) wrong.push(`${name}: netcost [${mine ?? '?'}], onnxruntime [${dims}]`);
  }
  return { checked: shapes.size, wrong };
}

/**
 * A model read as a user would (its inputs' values when given), held to no warnings and to
 * onnxruntime's shapes of every tensor; its layers' costs by name.
 */
export async function costedAgainstOrt(
  bytes: Uint8Array,
  values?: Record<string, number[]>,
): Promise<{ r: ImportResult; by: Map<string, LayerCost> }> {
  const r = importOnnx(bytes, { file: 'm.onnx', ...(values ? { values } : {}) });
  expect(r.warnings).toEqual([]);
  expect((await shapeMismatches(bytes, r)).wrong).toEqual([]);
  return { r, by: new Map(analyze(r.graph).layers.map((l) => [l.name, l])) };
}
