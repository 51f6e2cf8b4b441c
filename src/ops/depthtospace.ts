/**
 * DepthToSpace (the pixel shuffle of super-resolution) and its inverse SpaceToDepth: blocks of
 * channels become blocks of pixels. ONNX defines them as a reshape, a transpose and a reshape;
 * DepthToSpace's DCR mode takes the block index from the outer channels, CRD from the inner ones.
 */
import type { DepthToSpaceAttrs } from '../graph/types.ts';
import { expectRank, type OpDef, ShapeError } from './op.ts';
import { remap } from './tensor.ts';

export const depthtospace: OpDef<DepthToSpaceAttrs> = {
  rule: 'no arithmetic; reads and writes every element',
  infer(inputs, a) {
    const [n, c, h, w] = expectRank(inputs, 4, a.inverse ? 'SpaceToDepth' : 'DepthToSpace');
    const b = a.blocksize;
    if (!(Number.isInteger(b) && b >= 1)) throw new ShapeError(`blocksize ${b} must be a positive integer`);
    if (a.inverse) {
      if (h % b !== 0 || w % b !== 0)
        throw new ShapeError(`height ${h} and width ${w} must be multiples of blocksize ${b}; pad or resize the input`);
      return [[n, c * b * b, h / b, w / b]];
    }
    if (c % (b * b) !== 0)
      throw new ShapeError(`channels ${c} must be a multiple of blocksize² (${b * b}); change blocksize or channels`);
    return [[n, c / (b * b), h * b, w * b]];
  },
  params: () => 0,
  madds: () => 0,
  flops: () => 0,
  category: () => 'data-movement',
  onnx: ({ name, attrs: a, inputs, outputs }, e) =>
    a.inverse
      ? e.node('SpaceToDepth', name, inputs, outputs, { blocksize: a.blocksize })
      : e.node('DepthToSpace', name, inputs, outputs, { blocksize: a.blocksize, mode: a.mode }),
  sameData: () => true,
  evaluate([x], a, [out]) {
    const b = a.blocksize;
    if (a.inverse) {
      const c = x.shape[1];
      // output channel (i·b + j)·C + c reads pixel (h·b + i, w·b + j) of channel c
      return [
        remap(x.value(), out, ([n, oc, h, w]) => {
          const [block, ch] = [Math.floor(oc / c), oc % c];
          return [n, ch, h * b + Math.floor(block / b), w * b + (block % b)];
        }),
      ];
    }
    const depth = out[1];
    return [
      remap(x.value(), out, ([n, c, y, xx]) => {
        const [i, j] = [y % b, xx % b];
        const ch = a.mode === 'CRD' ? c * b * b + i * b + j : (i * b + j) * depth + c;
        return [n, ch, Math.floor(y / b), Math.floor(xx / b)];
      }),
    ];
  },
};
