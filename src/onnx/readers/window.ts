/** Window geometry of Conv, ConvTranspose and pooling nodes of any spatial rank: strides, dilations, pads, auto_pad. */
import type { Shape, Spatial } from '../../graph/types.ts';
import { fmtLimit, LIMITS } from '../../limits.ts';
import { ShapeError } from '../../ops/op.ts';
import type { Attrs } from '../proto.ts';

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** An ints attribute with one value per spatial axis, or `d` on every axis when absent. */
export function perAxis(a: Attrs, name: string, rank: number, d: number): Spatial {
  const v = a.ints(name);
  if (v === undefined || v.length === 0) return new Array<number>(rank).fill(d);
  if (v.length !== rank) {
    throw new ShapeError(`${name} [${v.join(', ')}] has ${v.length} values; this ${rank}-D window needs ${rank}`);
  }
  return v;
}

/** The kernel of a window: `kernel_shape` when given, which must agree with the weight's, if any. */
export function kernelOf(a: Attrs, weight: Shape | undefined, what: string): Spatial {
  const given = a.ints('kernel_shape');
  const fromWeight = weight?.slice(2);
  if (given && fromWeight && given.join() !== fromWeight.join()) {
    throw new ShapeError(
      `kernel_shape [${given.join(', ')}] disagrees with the weight's kernel [${fromWeight.join(', ')}]; ` +
        'fix kernel_shape or drop it',
    );
  }
  const k = given ?? fromWeight;
  if (!k || k.length === 0) throw new ShapeError(`${what} needs kernel_shape`);
  return k;
}

export function windowAttrs(
  a: Attrs,
  x: Shape,
  kernel: Spatial,
  opts: { dilations?: boolean; transposed?: boolean } = {},
): { stride: Spatial; padding: Spatial; padEnd?: Spatial; dilation: Spatial } {
  const rank = kernel.length;
  if (x.length !== rank + 2) {
    throw new ShapeError(
      `the input has shape [${x.join(', ')}]; a ${rank}-D window (kernel ${kernel.join('x')}) needs rank ${rank + 2}`,
    );
  }
  const stride = perAxis(a, 'strides', rank, 1);
  const dilation = opts.dilations === false ? new Array<number>(rank).fill(1) : perAxis(a, 'dilations', rank, 1);
  const auto = a.str('auto_pad', 'NOTSET');
  if (!AUTO_PADS.includes(auto)) {
    throw new ShapeError(`auto_pad '${auto}' is not one of ${AUTO_PADS.join(', ')}`);
  }
  let pads = a.ints('pads') ?? new Array<number>(2 * rank).fill(0);
  if ((auto === 'SAME_UPPER' || auto === 'SAME_LOWER') && !opts.transposed) {
    const total = kernel.map((k, i) => {
      const out = Math.ceil(x[2 + i] / stride[i]);
      return Math.max(0, (out - 1) * stride[i] + dilation[i] * (k - 1) + 1 - x[2 + i]);
    });
    const lo = total.map((t) => (auto === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2)));
    pads = [...lo, ...total.map((t, i) => t - lo[i])];
  } else if (auto === 'VALID') pads = new Array<number>(2 * rank).fill(0);
  if (pads.length !== 2 * rank) {
    throw new ShapeError(`pads [${pads.join(', ')}] have ${pads.length} values; a ${rank}-D window needs ${2 * rank}`);
  }
  const bad = (what: string, v: number[], min: number) => {
    if (v.some((n) => !Number.isInteger(n) || n < min || n > LIMITS.dimension)) {
      throw new ShapeError(
        `${what} [${v.join(', ')}]: each must be a whole number from ${min} to ${fmtLimit(LIMITS.dimension)}`,
      );
    }
  };
  bad('kernel', kernel, 1);
  bad('strides', stride, 1);
  bad('dilations', dilation, 1);
  bad('pads', pads, 0);
  const padding = pads.slice(0, rank);
  const end = pads.slice(rank);
  return { stride, dilation, padding, ...(end.join() !== padding.join() ? { padEnd: end } : {}) };
}
