/** RandomNormal and RandomUniform (the shape an attribute) and Multinomial (samples per row of logits). */
import { elemTypeOf } from '../../graph/dtype.ts';
import { ShapeError } from '../../ops/op.ts';
import { type Built, built, type NodeView, type ReaderEntries } from './reader.ts';

function drawn(dist: 'normal' | 'uniform') {
  return (n: NodeView): Built => {
    const shape = n.attrs.ints('shape');
    if (!shape) throw new ShapeError(`Random${dist === 'normal' ? 'Normal' : 'Uniform'} needs a shape attribute`);
    return built('random', { dist, shape }, [], [], [elemTypeOf(n.attrs.int('dtype', 1))]);
  };
}

function multinomial(n: NodeView): Built {
  const samples = n.attrs.int('sample_size', 1);
  if (!Number.isInteger(samples) || samples < 1)
    throw new ShapeError(`sample_size ${samples} must be a whole number from 1`);
  return built('random', { dist: 'multinomial', shape: [], samples }, [0], [], [elemTypeOf(n.attrs.int('dtype', 6))]);
}

export const RANDOM: ReaderEntries = [
  ['RandomNormal', [{ since: 1, read: drawn('normal') }]],
  ['RandomUniform', [{ since: 1, read: drawn('uniform') }]],
  ['Multinomial', [{ since: 7, read: multinomial }]],
];
