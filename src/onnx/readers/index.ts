/** The readers of every ONNX op netcost knows, by op type (default domain). */
import { DENSE } from './dense.ts';
import { ELEMENTWISE } from './elementwise.ts';
import { MOVEMENT } from './movement.ts';
import { POOL } from './pool.ts';
import type { Reader, VersionedReader } from './reader.ts';
import { SHAPE } from './shape.ts';

const READERS: ReadonlyMap<string, readonly VersionedReader[]> = new Map(
  [...DENSE, ...POOL, ...ELEMENTWISE, ...SHAPE, ...MOVEMENT].map(([op, rs]) => [
    op,
    [...rs].sort((a, b) => a.since - b.since),
  ]),
);

/** The reader for an op at the model's opset: the newest at or below it (the oldest for older models). */
export function readerFor(opType: string, opset: number): Reader | undefined {
  const rs = READERS.get(opType);
  if (!rs) return undefined;
  return (rs.findLast((r) => r.since <= opset) ?? rs[0]).read;
}

/** Does netcost read this op (in the default domain)? */
export const knowsOp = (domain: string, opType: string): boolean =>
  (domain === '' || domain === 'ai.onnx') && READERS.has(opType);
