/** Helpers shared by the elementwise ops. */
import type { Shape } from '../graph/types.ts';
import { ShapeError } from './op.ts';

export { numel, type OpDef } from './op.ts';

export function expectAnyRank(inputs: Shape[], what: string): Shape {
  if (inputs.length !== 1) throw new ShapeError(`${what} takes one input, got ${inputs.length}`);
  return [...inputs[0]];
}
