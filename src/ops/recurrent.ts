/**
 * LSTM, GRU and RNN as ONNX defines them: per step and direction, the gates are a product of the
 * step's input with W and of the previous hidden state with R (G gates of H units: 4 for an LSTM,
 * 3 for a GRU, 1 for an RNN), plus biases, gate functions and the cell's element-wise update.
 * Counted with the default gate functions (sigmoid and tanh); a node's own `activations` are not
 * read. Initial states given as constants are not counted as read.
 */
import type { RecurrentAttrs, Shape } from '../graph/types.ts';
import { ACTIVATIONS } from './activation.ts';
import { type OpDef, ShapeError } from './op.ts';
import { UNARY } from './unary.ts';

export const GATES = { lstm: 4, gru: 3, rnn: 1 } as const;
const SIGMOID = ACTIVATIONS.sigmoid.flops;
const TANH = UNARY.tanh.flops;

/**
 * FLOPs per hidden unit per step and direction beyond the two products, with the biases apart:
 * adding the products, the gate functions and the update. LSTM: 4 adds, 3 sigmoids, 2 tanh,
 * c = f·c + i·g (3), h = o·tanh(c) (1). GRU: 2 adds for z and r, 2 sigmoids, n = tanh(Wx + r·(Rh))
 * (2 and a tanh), h = (1 - z)·n + z·h (4). RNN: 1 add and a tanh.
 */
const UPDATE = {
  lstm: 4 + 3 * SIGMOID + 2 * TANH + 4,
  gru: 2 + 2 * SIGMOID + 2 + TANH + 4,
  rnn: 1 + TANH,
} as const;
/** the peepholes: three multiply-adds per unit */
const PEEPHOLE_FLOPS = 6;

/** sequence, batch and input features of X in its layout */
function dims(x: Shape, a: RecurrentAttrs): { seq: number; batch: number; features: number } {
  const [s, b] = a.layout === 0 ? [x[0], x[1]] : [x[1], x[0]];
  return { seq: s, batch: b, features: x[2] };
}

export const recurrent: OpDef<RecurrentAttrs> = {
  rule:
    'params D·G·H·(I + H), + D·2·G·H for biases, + D·3·H for peepholes (G gates: LSTM 4, GRU 3, RNN 1; D ' +
    'directions; weights the graph computes are read as inputs instead); MAdds S·B·D·G·H·(I + H); FLOPs 2 ' +
    'per multiply-add, + per unit and step 2·G bias adds and ' +
    `the update (LSTM ${UPDATE.lstm}, GRU ${UPDATE.gru}, RNN ${UPDATE.rnn}; sigmoid ${SIGMOID}, tanh ${TANH})`,
  infer(inputs, a) {
    const x = inputs[0];
    if (x.length !== 3)
      throw new ShapeError(
        `X must be [sequence, batch, features]${a.layout ? ' (layout 1: batch first)' : ''}, got [${x.join(', ')}]`,
      );
    const { seq, batch } = dims(x, a);
    const state = a.layout === 0 ? [a.directions, batch, a.hidden] : [batch, a.directions, a.hidden];
    for (const [k, role] of a.states.entries()) {
      const s = inputs[k + 1];
      const want = role === 'lengths' ? [batch] : state;
      const what = role === 'lengths' ? 'sequence_lens' : `initial_${role}`;
      if (s.join() !== want.join())
        throw new ShapeError(`${what} is [${s.join(', ')}]; it must be [${want.join(', ')}]`);
    }
    const y = a.layout === 0 ? [seq, a.directions, batch, a.hidden] : [batch, seq, a.directions, a.hidden];
    return a.outputs.map((slot) => (slot === 0 ? y : state));
  },
  params: (a, [x]) => {
    const g = GATES[a.cell] * a.hidden;
    const part = { W: g * x[2], R: g * a.hidden, B: a.bias ? 2 * g : 0, P: a.peepholes ? 3 * a.hidden : 0 };
    const stored = (Object.keys(part) as (keyof typeof part)[]).filter((k) => !a.computed?.includes(k));
    return a.directions * stored.reduce((sum, k) => sum + part[k], 0);
  },
  madds: (a, [x]) => {
    const { seq, batch, features } = dims(x, a);
    return seq * batch * a.directions * GATES[a.cell] * a.hidden * (features + a.hidden);
  },
  flops: (a, inputs, outputs) => {
    const { seq, batch } = dims(inputs[0], a);
    const units = seq * batch * a.directions * a.hidden;
    const perUnit = UPDATE[a.cell] + (a.bias ? 2 * GATES[a.cell] : 0) + (a.peepholes ? PEEPHOLE_FLOPS : 0);
    return 2 * recurrent.madds(a, inputs, outputs) + units * perUnit;
  },
  category: () => 'linear',
  onnx({ name, attrs: a, inputs, outputs, inputShapes }, e) {
    const features = inputShapes[0][2];
    const g = GATES[a.cell] * a.hidden;
    const slot = (role: RecurrentAttrs['states'][number]) => {
      const k = a.states.indexOf(role);
      return k < 0 ? '' : inputs[k + 1];
    };
    const ins = [
      inputs[0],
      e.weight(`${name}.W`, [a.directions, g, features], features),
      e.weight(`${name}.R`, [a.directions, g, a.hidden], a.hidden),
      a.bias ? e.weight(`${name}.B`, [a.directions, 2 * g], a.hidden) : '',
      slot('lengths'),
      slot('h'),
      slot('c'),
      a.peepholes ? e.weight(`${name}.P`, [a.directions, 3 * a.hidden], a.hidden) : '',
    ];
    while (ins[ins.length - 1] === '') ins.pop();
    const outs = Array.from({ length: Math.max(...a.outputs) + 1 }, (_, k) => {
      const i = a.outputs.indexOf(k);
      return i < 0 ? '' : outputs[i];
    });
    const direction = a.directions === 2 ? 'bidirectional' : a.reverse ? 'reverse' : 'forward';
    e.node(a.cell.toUpperCase(), name, ins, outs, { hidden_size: a.hidden, direction, layout: a.layout });
  },
};
