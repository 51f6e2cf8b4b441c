/** onnxruntime's own shapes of a model's tensors: the reference every importer test holds netcost's shapes to. */
import { Runner } from '../src/measure/runner.ts';
import type { ImportResult } from '../src/onnx/import.ts';
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
