/** The readers of every ONNX op netcost knows, by domain and op type. */
import { ATTENTION } from './attention.ts';
import { CONTRIB } from './contrib.ts';
import { DENSE } from './dense.ts';
import { ELEMENTWISE } from './elementwise.ts';
import { LOGIC } from './logic.ts';
import { MOVEMENT } from './movement.ts';
import { NORMALIZATION } from './normalization.ts';
import { POOL } from './pool.ts';
import { QUANTIZED } from './quantized.ts';
import type { Reader, ReaderEntries, VersionedReader } from './reader.ts';
import { SHAPE } from './shape.ts';

const registry = (entries: ReaderEntries): ReadonlyMap<string, readonly VersionedReader[]> =>
  new Map(entries.map(([op, rs]) => [op, [...rs].sort((a, b) => a.since - b.since)]));

/** The default domain ('' or 'ai.onnx') and onnxruntime's contrib domain. */
const DOMAINS: ReadonlyMap<string, ReadonlyMap<string, readonly VersionedReader[]>> = new Map([
  ['', registry([...DENSE, ...POOL, ...ELEMENTWISE, ...LOGIC, ...SHAPE, ...MOVEMENT, ...NORMALIZATION, ...QUANTIZED])],
  ['com.microsoft', registry([...ATTENTION, ...CONTRIB])],
]);

const domainKey = (d: string) => (d === 'ai.onnx' ? '' : d);

/** The reader for an op at its domain's opset: the newest at or below it (the oldest for older models). */
export function readerFor(domain: string, opType: string, opset: number): Reader | undefined {
  const rs = DOMAINS.get(domainKey(domain))?.get(opType);
  if (!rs) return undefined;
  return (rs.findLast((r) => r.since <= opset) ?? rs[0]).read;
}

/** Does netcost read this op? */
export const knowsOp = (domain: string, opType: string): boolean =>
  DOMAINS.get(domainKey(domain))?.has(opType) === true;
