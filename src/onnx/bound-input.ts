/** A graph input as the importer binds it (a type of the public API, apart from the protobuf-facing readers). */
import type { ElemType } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';

/** A graph input: its shape and element type, and its value where `--value` gave one. */
export interface BoundInput {
  name: string;
  shape: Shape;
  type: ElemType;
  value?: number[];
}
