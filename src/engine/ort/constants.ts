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

/** The nearest fp16 value (round to nearest even at 11 significant bits; normal range). */
const toFp16 = (v: number): number => {
  if (v === 0 || !Number.isFinite(v)) return v;
  const step = 2 ** (Math.floor(Math.log2(Math.abs(v))) - 10);
  return Math.round(v / step) * step;
};

/**
 * A constant of one element; with `value`, onnxruntime's IsInitializerWithExpectedValue: a scalar
 * (rank 0, or [1]) within 1e-8 + 1e-5·|value| of it (so 1.41421 passes for √2); an fp16 one is
 * held to the value as fp16 stores it (√2 is 1.4140625 there).
 */
export function isScalarConstant(g: EngineGraph, t: string | undefined, value?: number): boolean {
  const v = constantValues(g, t);
  if (v?.length !== 1) return false;
  if (value === undefined) return true;
  const info = g.tensors.get(t ?? '');
  const expected = info?.type === 'fp16' ? toFp16(value) : value;
  return (info?.shape?.length ?? 0) <= 1 && Math.abs(v[0] - expected) <= 1e-8 + 1e-5 * Math.abs(expected);
}
