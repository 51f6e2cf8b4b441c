/** Scatter ops: ScatterND and ScatterElements (with their reductions). */
import type { ScatterAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, expectInputs, type NodeView, operands, type ReaderEntries } from './reader.ts';

const REDUCTIONS: ScatterAttrs['reduction'][] = ['none', 'add', 'mul', 'max', 'min'];

const scatter =
  (elements: boolean) =>
  (n: NodeView): Built => {
    expectInputs(n, 3);
    const reduction = n.attrs.str('reduction', 'none') as ScatterAttrs['reduction'];
    if (!REDUCTIONS.includes(reduction))
      throw new ShapeError(`reduction '${reduction}' is not one of ${REDUCTIONS.join(', ')}`);
    const attrs: ScatterAttrs = { elements, reduction, ...(elements ? { axis: n.attrs.int('axis', 0) } : {}) };
    // every input is read (a constant mask scattered into is data, not a weight)
    return built('scatter', attrs, n.folding ? operands(n) : [0, 1, 2]);
  };

export const LOGIC: ReaderEntries = [
  ['ScatterND', [{ since: 11, read: scatter(false) }]],
  ['ScatterElements', [{ since: 11, read: scatter(true) }]],
];
