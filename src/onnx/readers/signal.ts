/**
 * Audio and signal ops of ONNX opset 17: HannWindow, HammingWindow, BlackmanWindow, DFT (its axis
 * an input from opset 20), STFT and MelWeightMatrix. Their sizes are scalar inputs: constants, or
 * values given with --value.
 */
import type { SignalAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, constant, input, type NodeView, type ReaderEntries } from './reader.ts';

/** A scalar input's value, which must be known (a constant, or given with --value). */
function scalar(n: NodeView, k: number, what: string): number {
  const x = input(n, k, what);
  if (!x.isConst) throw new ShapeError(`${what} (input ${k + 1}) must be known: give it with --value`);
  const v = constant(n, k, what).data[0];
  if (!Number.isFinite(v)) throw new ShapeError(`${what} must be a number, got ${v}`);
  return v;
}

const whole = (v: number, what: string, min = 1): number => {
  if (!Number.isInteger(v) || v < min) throw new ShapeError(`${what} ${v} must be a whole number from ${min}`);
  return v;
};

const window =
  (kind: 'hann' | 'hamming' | 'blackman') =>
  (n: NodeView): Built => {
    const size = whole(scalar(n, 0, 'size'), 'size');
    const attrs: SignalAttrs = { fn: 'window', kind, size };
    return built('signal', attrs, [], [], [n.attrs.int('output_datatype', 1) === 1 ? 'fp32' : undefined]);
  };

/** DFT(input, dft_length, axis): the axis an attribute (opset 17) or an input (opset 20). */
const dft =
  (axisInput: boolean) =>
  (n: NodeView): Built => {
    const length = n.inputs[1] ? whole(scalar(n, 1, 'dft_length'), 'dft_length') : undefined;
    const axis = axisInput ? (n.inputs[2] ? scalar(n, 2, 'axis') : -2) : n.attrs.int('axis', 1);
    const attrs: SignalAttrs = {
      fn: 'dft',
      axis,
      ...(length !== undefined ? { length } : {}),
      onesided: n.attrs.int('onesided', 0) === 1,
    };
    return built('signal', attrs, [0]);
  };

/** STFT(signal, frame_step, window, frame_length): frames of the window's length unless frame_length says. */
function stft(n: NodeView): Built {
  const step = whole(scalar(n, 1, 'frame_step'), 'frame_step');
  const windowLength = n.inputs[2]?.shape[0];
  const frame = n.inputs[3] ? whole(scalar(n, 3, 'frame_length'), 'frame_length') : windowLength;
  if (frame === undefined) throw new ShapeError('STFT needs a window or a frame_length');
  const attrs: SignalAttrs = {
    fn: 'stft',
    frame,
    step,
    onesided: n.attrs.int('onesided', 1) === 1,
    window: !!n.inputs[2],
  };
  return built('signal', attrs, n.inputs[2] && !n.inputs[2].isConst ? [0, 2] : [0]);
}

/** MelWeightMatrix(num_mel_bins, dft_length, sample_rate, lower_edge_hertz, upper_edge_hertz). */
function melWeights(n: NodeView): Built {
  const bins = whole(scalar(n, 0, 'num_mel_bins'), 'num_mel_bins');
  const dftLength = whole(scalar(n, 1, 'dft_length'), 'dft_length');
  const attrs: SignalAttrs = { fn: 'mel', bins, dft: dftLength };
  return built('signal', attrs, [], [], [n.attrs.int('output_datatype', 1) === 1 ? 'fp32' : undefined]);
}

export const SIGNAL: ReaderEntries = [
  ['HannWindow', [{ since: 17, read: window('hann') }]],
  ['HammingWindow', [{ since: 17, read: window('hamming') }]],
  ['BlackmanWindow', [{ since: 17, read: window('blackman') }]],
  [
    'DFT',
    [
      { since: 17, read: dft(false) },
      { since: 20, read: dft(true) },
    ],
  ],
  ['STFT', [{ since: 17, read: stft }]],
  ['MelWeightMatrix', [{ since: 17, read: melWeights }]],
];
