/** LSTM, GRU and RNN: weights W, R (and B, P), stored or computed; X and any initial state given as inputs. */
import type { RecurrentAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import { GATES } from '../../ops/recurrent.ts';
import { type Built, built, input, type NodeView, type ReaderEntries, shapeOf } from './reader.ts';

const DIRECTIONS = { forward: 1, reverse: 1, bidirectional: 2 } as const;
/** the optional state inputs, by slot */
const STATES = [
  [4, 'lengths'],
  [5, 'h'],
  [6, 'c'],
] as const;

/** A weight slot that must hold exactly `want` (a constant, or computed by the graph). */
function weight(n: NodeView, k: number, what: string, want: number[]): void {
  const w = input(n, k, what);
  if (w.shape.join() !== want.join())
    throw new ShapeError(`${what} is [${w.shape.join(', ')}]; with the node's sizes it must be [${want.join(', ')}]`);
}

/** The weight slots, by role. */
const WEIGHTS = [
  [1, 'W'],
  [2, 'R'],
  [3, 'B'],
  [7, 'P'],
] as const;

const recurrent =
  (cell: RecurrentAttrs['cell']) =>
  (n: NodeView): Built => {
    const what = cell.toUpperCase();
    const direction = n.attrs.str('direction', 'forward');
    if (!Object.hasOwn(DIRECTIONS, direction))
      throw new ShapeError(`direction '${direction}' is not forward, reverse or bidirectional`);
    const directions = DIRECTIONS[direction as keyof typeof DIRECTIONS];
    const r = input(n, 2, 'R');
    const hidden = n.attrs.int('hidden_size', r.shape[2] ?? 0);
    if (!(Number.isInteger(hidden) && hidden >= 1))
      throw new ShapeError(`hidden_size ${hidden} must be a positive integer`);
    const x = shapeOf(n);
    if (x.length !== 3) throw new ShapeError(`X is [${x.join(', ')}]; ${what} takes [sequence, batch, features]`);
    const features = x[2];
    const g = GATES[cell] * hidden;
    weight(n, 1, 'W', [directions, g, features]);
    weight(n, 2, 'R', [directions, g, hidden]);
    const bias = n.inputs[3] !== undefined;
    if (bias) weight(n, 3, 'B', [directions, 2 * g]);
    const peepholes = cell === 'lstm' && n.inputs[7] !== undefined;
    if (peepholes) weight(n, 7, 'P', [directions, 3 * hidden]);
    if (cell !== 'lstm' && (n.inputs[6] || n.inputs[7]))
      throw new ShapeError(`${what} has no initial_c or peephole input (inputs 7 and 8); only an LSTM has a cell`);
    const given = STATES.filter(([k]) => n.inputs[k] && !n.inputs[k]?.isConst);
    if (cell !== 'lstm' && n.outputSlots.includes(2))
      throw new ShapeError(`${what} gives Y and Y_h only; the node names a third output (Y_c is an LSTM's)`);
    const layout = n.attrs.int('layout', 0);
    if (layout !== 0 && layout !== 1) throw new ShapeError(`layout ${layout} is not 0 or 1`);
    const attrs: RecurrentAttrs = {
      cell,
      hidden,
      directions,
      reverse: direction === 'reverse',
      layout,
      bias,
      peepholes,
      states: given.map(([, role]) => role),
      outputs: n.outputSlots,
    };
    // weights the graph computes are read as the layer's last inputs, not params
    const computed = WEIGHTS.filter(([k]) => n.inputs[k] && !n.inputs[k]?.isConst);
    if (computed.length) attrs.computed = computed.map(([, role]) => role);
    const params = WEIGHTS.filter(([k]) => n.inputs[k]?.isConst).map(([k]) => k as number);
    return built('recurrent', attrs, [0, ...given.map(([k]) => k), ...computed.map(([k]) => k)], params);
  };

export const RECURRENT: ReaderEntries = [
  ['LSTM', [{ since: 1, read: recurrent('lstm') }]],
  ['GRU', [{ since: 1, read: recurrent('gru') }]],
  ['RNN', [{ since: 1, read: recurrent('rnn') }]],
];
