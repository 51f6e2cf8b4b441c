/**
 * Audio and signal ops (ONNX opset 17): the window functions, DFT, STFT and MelWeightMatrix.
 * A transform's FLOPs are what onnxruntime computes: a radix-2 FFT when the length is a power of 2
 * (5·n·log2 n per complex transform, the standard count), the direct sum otherwise (8·n per
 * output bin: a complex multiply-add per input sample).
 */
import type { SignalAttrs } from '../graph/types.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

/** FLOPs per window element: the angle, one cosine per term, a multiply and add per term. */
const WINDOW_FLOPS = { hann: 4, hamming: 4, blackman: 8 } as const;

const isPowerOf2 = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** FLOPs of one complex transform of `n` samples giving `bins` outputs. */
export const transformFlops = (n: number, bins: number): number =>
  isPowerOf2(n) ? 5 * n * Math.log2(n) : 8 * n * bins;

const binsOf = (n: number, onesided: boolean) => (onesided ? Math.floor(n / 2) + 1 : n);

function dftShape(x: number[], a: Extract<SignalAttrs, { fn: 'dft' }>): number[] {
  if (x.length < 3 || (x[x.length - 1] !== 1 && x[x.length - 1] !== 2))
    throw new ShapeError(`DFT's input must be [..., samples, 1 or 2], got [${x.join(', ')}]`);
  const axis = a.axis < 0 ? a.axis + x.length : a.axis;
  if (axis < 0 || axis >= x.length - 1) throw new ShapeError(`axis ${a.axis} is outside the signal's axes`);
  const n = a.length ?? x[axis];
  const out = [...x];
  out[axis] = binsOf(n, a.onesided);
  out[out.length - 1] = 2;
  return out;
}

function stftShape(x: number[], a: Extract<SignalAttrs, { fn: 'stft' }>): number[] {
  if (x.length !== 3) throw new ShapeError(`STFT's signal must be [batch, samples, 1 or 2], got [${x.join(', ')}]`);
  if (a.frame > x[1] || a.step < 1) throw new ShapeError(`frames of ${a.frame} every ${a.step} do not fit ${x[1]}`);
  return [x[0], Math.floor((x[1] - a.frame) / a.step) + 1, binsOf(a.frame, a.onesided), 2];
}

export const signal: OpDef<SignalAttrs> = {
  rule:
    'window functions: FLOPs per element 4 (Hann, Hamming: angle, cosine, multiply, add) or 8 (Blackman, two ' +
    'cosines); DFT: per transform 5·n·log2 n FLOPs for a power-of-2 length (the FFT), else 8·n per output bin ' +
    '(the direct sum), transforms = the other axes; STFT: per frame the window multiplied in, then the DFT of ' +
    'the frame; MelWeightMatrix: 4 FLOPs per weight (no params: a computed table)',
  infer(inputs, a) {
    switch (a.fn) {
      case 'window':
        return [[a.size]];
      case 'mel':
        return [[Math.floor(a.dft / 2) + 1, a.bins]];
      case 'dft':
        return [dftShape(inputs[0], a)];
      case 'stft':
        return [stftShape(inputs[0], a)];
    }
  },
  params: () => 0,
  madds: () => 0,
  flops(a, [x], [y]) {
    switch (a.fn) {
      case 'window':
        return WINDOW_FLOPS[a.kind] * a.size;
      case 'mel':
        return 4 * numel(y);
      case 'dft': {
        const axis = a.axis < 0 ? a.axis + x.length : a.axis;
        const n = a.length ?? x[axis];
        const bins = y[axis];
        return (numel(y) / (bins * 2)) * transformFlops(n, bins);
      }
      case 'stft': {
        const [batch, frames, bins] = y;
        return batch * frames * ((a.window ? a.frame : 0) + transformFlops(a.frame, bins));
      }
    }
  },
  category: () => 'elementwise',
  onnx: () => {
    throw new ShapeError('signal ops are read from ONNX files; netcost does not write them');
  },
};
