/**
 * Linear quantization: QuantizeLinear (y = saturate(round(x / scale) + zero point)),
 * DequantizeLinear (y = (x − zero point) · scale) and DynamicQuantizeLinear (its scale and zero
 * point from the tensor's own range). Scales and zero points are per tensor, or per channel along
 * `axis`.
 */
import type { QuantizeAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError, type Tensor } from './op.ts';
import { generate, strides } from './tensor.ts';

const FLOPS = { quantize: 4, dequantize: 2, dynamic: 6 } as const;

/** The range an integer type saturates to. */
const RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int4: [-8, 7],
  uint4: [0, 15],
  int32: [-(2 ** 31), 2 ** 31 - 1],
};

function checkScale(x: Shape, s: Shape, axis: number, what: string): void {
  const n = numel(s);
  if (n === 1) return;
  const ax = normAxis(axis, x.length);
  if (s.length !== 1 || s[0] !== x[ax]) {
    throw new ShapeError(
      `the ${what} [${s.join(', ')}] is neither one value nor one per element of axis ${ax} (${x[ax]})`,
    );
  }
}

/** round half to even, as ONNX rounds */
const roundEven = (v: number) => (v - Math.floor(v) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v));

export const quantize: OpDef<QuantizeAttrs> = {
  rule:
    'FLOPs per element: quantize 4 (divide by the scale, round, add the zero point, saturate), dequantize 2 ' +
    '(subtract the zero point, multiply by the scale), dynamic quantize 6 (the range, then quantize); reads its ' +
    'scales and zero points (not params)',
  infer(inputs, a) {
    const [x, ...rest] = inputs;
    for (const [k, s] of [...rest, ...a.scaleShapes].entries())
      checkScale(x, s, a.axis, k === 0 ? 'scale' : 'zero point');
    return a.fn === 'dynamic' ? [[...x], [], []] : [[...x]];
  },
  params: () => 0,
  weightsRead: (a) => a.scaleShapes.reduce((s, t) => s + numel(t), 0),
  madds: () => 0,
  flops: (a, [x]) => FLOPS[a.fn] * numel(x),
  category: () => 'elementwise',
  sameData: (a) => a.fn !== 'dynamic',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    e.node(
      { quantize: 'QuantizeLinear', dequantize: 'DequantizeLinear', dynamic: 'DynamicQuantizeLinear' }[a.fn],
      name,
      inputs,
      outputs,
      { axis: a.axis },
    ),
  evaluate(inputs, a, [out]) {
    if (a.fn === 'dynamic') throw new ShapeError('netcost does not compute DynamicQuantizeLinear of a constant');
    const [x, scale, zero] = inputs.map((t) => t.value());
    const per = (t: Tensor | undefined) => {
      if (!t || numel(t.dims) === 1) return () => t?.data[0] ?? 0;
      const ax = normAxis(a.axis, out.length);
      const st = strides(out)[ax];
      return (flat: number) => t.data[Math.floor(flat / st) % out[ax]];
    };
    const s = per(scale);
    const z = per(zero);
    if (a.fn === 'dequantize') return [generate(out, 'float', (i) => (x.data[i] - z(i)) * s(i))];
    const [lo, hi] = RANGES[a.to ?? 'uint8'] ?? RANGES.uint8;
    return [generate(out, 'int', (i) => Math.min(hi, Math.max(lo, roundEven(x.data[i] / s(i)) + z(i))))];
  },
};
