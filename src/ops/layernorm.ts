/**
 * Layer normalization over the trailing axes from `axis` (LayerNormalization, the pattern torch
 * exports at opsets below 17, onnxruntime's SkipLayerNormalization and its RMS form).
 *
 * FLOPs are the decomposed pattern's own count, so a fused node and its decomposed export cost the
 * same: per element mean, subtract, square, variance, normalise, scale, shift (7; RMS: square,
 * mean, normalise, scale: 4), plus 2 per normalised row (add epsilon, square root), plus 1 per
 * element for a residual (skip) and 1 for its bias.
 */
import type { NormAttrs, Shape } from '../graph/types.ts';
import { normAxis } from './concat.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** Elements of one normalised row: the product of the axes from `axis` on (or of `axes`; a group's channels). */
export const rowSize = (x: Shape, a: NormAttrs): number =>
  a.groups
    ? (x[1] / a.groups) * numel(x.slice(2))
    : a.axes
      ? numel(a.axes.map((k) => x[normAxis(k, x.length)]))
      : numel(x.slice(normAxis(a.axis, x.length)));

/** Values of each of the scale and shift: per channel, per group, or per element of a normalised row. */
const perParam = (a: NormAttrs, x: Shape): number =>
  a.perChannel ? x[1] : a.perGroup && a.groups ? a.groups : rowSize(x, a);

function perElement(a: NormAttrs): number {
  const core = a.rms ? 3 : 5;
  return core + (a.scale ? 1 : 0) + (a.shift ? 1 : 0) + (a.skip ? 1 : 0) + (a.skipBias ? 1 : 0);
}

export const layernorm: OpDef<NormAttrs> = {
  rule:
    'params the scale and shift (one per element of a normalised row each; a residual bias too; read as ' +
    'inputs instead when the graph computes them; InstanceNormalization: one of each per channel, rows the ' +
    'spatial axes; GroupNormalization: rows a group of channels with the axes after them, one scale and ' +
    'shift per group at opset 18, per channel from 21; MeanVarianceNormalization: no scale or shift, rows ' +
    'its axes); FLOPs per ' +
    'element: mean, subtract, square, variance, normalise, scale, shift (7; RMS form: square, mean, normalise, ' +
    'scale: 4), +2 per normalised row (epsilon, square root), +1 per element for a residual add and +1 for its bias ' +
    "(the decomposed pattern's own count: a fused node costs the same)",
  infer(inputs, a) {
    const want = (a.skip ? 2 : 1) + (a.computed ?? 0);
    if (inputs.length !== want) throw new ShapeError(`layernorm takes ${want} input(s), got ${inputs.length}`);
    const [x] = inputs;
    if (x.length < 1) throw new ShapeError('layernorm needs an input of rank 1 or more');
    const axis = normAxis(a.axis, x.length);
    if (a.skip && inputs[1].join() !== x.join()) {
      throw new ShapeError(`the residual [${inputs[1].join(', ')}] differs from the input [${x.join(', ')}]`);
    }
    // optional outputs: the mean and inverse standard deviation per row, and (skip) the sum
    const over = a.axes ? new Set(a.axes.map((k) => normAxis(k, x.length))) : undefined;
    const stat = a.groups ? [x[0], a.groups] : x.map((d, i) => ((over ? !over.has(i) : i < axis) ? d : 1));
    return [[...x], stat, [...stat], ...(a.skip ? [[...x]] : [])];
  },
  params: (a, [x]) =>
    perParam(a, x) * ((a.scale ? 1 : 0) + (a.shift ? 1 : 0) + (a.skipBias ? 1 : 0) - (a.computed ?? 0)),
  madds: () => 0,
  flops: (a, [x]) => perElement(a) * numel(x) + 2 * (numel(x) / rowSize(x, a)),
  category: () => 'elementwise',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const row = inputShapes[0].slice(normAxis(a.axis, inputShapes[0].length));
    const ins = [inputs[0], e.floats(`${name}.scale`, row, () => 1)];
    if (a.shift) ins.push(e.floats(`${name}.bias`, row, () => 0));
    e.node('LayerNormalization', name, ins, outputs, { axis: a.axis, epsilon: { f: 1e-5 } });
  },
};
