/** 2-D window geometry of Conv and pooling nodes: strides, dilations, pads, auto_pad. */
import type { Pair, Shape } from '../../graph/types.ts';
import { fmtLimit, LIMITS } from '../../limits.ts';
import { ShapeError } from '../../ops/op.ts';
import type { Attrs } from '../proto.ts';

export const pair = (v: number[] | undefined, d: number): Pair => (v && v.length >= 2 ? [v[0], v[1]] : [d, d]);

export function windowAttrs(
  a: Attrs,
  x: Shape,
  kernel: Pair,
): { stride: Pair; padding: Pair; padEnd?: Pair; dilation: Pair } {
  const stride = pair(a.ints('strides'), 1);
  const dilation = pair(a.ints('dilations'), 1);
  const auto = a.str('auto_pad', 'NOTSET');
  let pads = a.ints('pads') ?? [0, 0, 0, 0];
  if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    const total = [0, 1].map((i) => {
      const out = Math.ceil(x[2 + i] / stride[i]);
      return Math.max(0, (out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - x[2 + i]);
    });
    const lo = total.map((t) => (auto === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [lo[0], lo[1], total[0] - lo[0], total[1] - lo[1]];
  } else if (auto === 'VALID') pads = [0, 0, 0, 0];
  if (pads.length !== 4) throw new ShapeError(`pads [${pads.join(', ')}] are not 2-D`);
  const bad = (what: string, v: number[], min: number) => {
    if (v.some((x) => !Number.isInteger(x) || x < min || x > LIMITS.dimension)) {
      throw new ShapeError(
        `${what} [${v.join(', ')}]: each must be a whole number from ${min} to ${fmtLimit(LIMITS.dimension)}`,
      );
    }
  };
  bad('kernel', kernel, 1);
  bad('strides', stride, 1);
  bad('dilations', dilation, 1);
  bad('pads', pads, 0);
  const padding: Pair = [pads[0], pads[1]];
  const end: Pair = [pads[2], pads[3]];
  return { stride, dilation, padding, ...(end[0] !== padding[0] || end[1] !== padding[1] ? { padEnd: end } : {}) };
}
