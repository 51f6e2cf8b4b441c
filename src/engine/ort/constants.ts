/** What engine rules read of constant tensors: small values, such as a scale or an axis list. */
import { type EngineGraph, isConstant } from '../graph.ts';

/** Elements beyond which a constant's values are not read (rules only look at scalars and axes). */
const SMALL = 64;

/** The values of a small constant tensor, or undefined. */
export function constantValues(g: EngineGraph, t: string | undefined): number[] | undefined {
  const info = t === undefined ? undefined : g.tensors.get(t);
  if (!info || !isConstant(g, t) || !info.shape || info.shape.reduce((a, b) => a * b, 1) > SMALL) return undefined;
  return info.values?.();
}

/**
 * A constant of one element; with `value`, onnxruntime's IsInitializerWithExpectedValue: a scalar
 * (rank 0, or [1]) within 1e-8 + 1e-5·|value| of it (so 1.41421 passes for √2).
 */
export function isScalarConstant(g: EngineGraph, t: string | undefined, value?: number): boolean {
  const v = constantValues(g, t);
  if (v?.length !== 1) return false;
  if (value === undefined) return true;
  const rank = g.tensors.get(t ?? '')?.shape?.length ?? 0;
  return rank <= 1 && Math.abs(v[0] - value) <= 1e-8 + 1e-5 * Math.abs(value);
}
