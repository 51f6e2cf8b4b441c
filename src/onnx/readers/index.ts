/** The readers of every ONNX op netcost knows, by domain and op type. */

import { ShapeError } from '../../ops/op.ts';
import { ATTENTION, ONNX_ATTENTION } from './attention.ts';
import { CONTRIB } from './contrib.ts';
import { DENSE } from './dense.ts';
import { ELEMENTWISE } from './elementwise.ts';
import { LLM_CONTRIB, LLM_ONNX } from './llm.ts';
import { LOGIC, SELECT } from './logic.ts';
import { MOVEMENT } from './movement.ts';
import { NORMALIZATION } from './normalization.ts';
import { PLACEMENT } from './placement.ts';
import { POOL } from './pool.ts';
import { QUANTIZED } from './quantized.ts';
import { RANDOM } from './random.ts';
import type { Reader, ReaderEntries, VersionedReader } from './reader.ts';
import { RECURRENT } from './recurrent.ts';
import { SHAPE } from './shape.ts';
import { SIGNAL } from './signal.ts';
import { TEXT } from './text.ts';

const registry = (entries: ReaderEntries): ReadonlyMap<string, readonly VersionedReader[]> =>
  new Map(entries.map(([op, rs]) => [op, [...rs].sort((a, b) => a.since - b.since)]));

/** The default domain ('' or 'ai.onnx') and onnxruntime's contrib domain. */
const DOMAINS: ReadonlyMap<string, ReadonlyMap<string, readonly VersionedReader[]>> = new Map([
  [
    '',
    registry([
      ...DENSE,
      ...POOL,
      ...ELEMENTWISE,
      ...LOGIC,
      ...SELECT,
      ...SHAPE,
      ...MOVEMENT,
      ...NORMALIZATION,
      ...QUANTIZED,
      ...RECURRENT,
      ...LLM_ONNX,
      ...SIGNAL,
      ...PLACEMENT,
      ...ONNX_ATTENTION,
      ...RANDOM,
      ...TEXT,
    ]),
  ],
  ['com.microsoft', registry([...ATTENTION, ...CONTRIB, ...LLM_CONTRIB])],
]);

const domainKey = (d: string) => (d === 'ai.onnx' ? '' : d);

/**
 * From this opset on, an op's first reader starts at the opset that introduced it (Expand 8 ...
 * Gelu 20, RMSNormalization 23); older ops' first readers are lenient with ancient opsets.
 */
const EXACT_SINCE = 8;

/**
 * The reader for an op at its domain's opset: the newest at or below it (the oldest for older
 * models), or, for an op the default domain does not have at that opset (Gelu at opset 17), a
 * reader that refuses the node with the opset it needs.
 */
export function readerFor(domain: string, opType: string, opset: number): Reader | undefined {
  const rs = DOMAINS.get(domainKey(domain))?.get(opType);
  if (!rs) return undefined;
  const first = rs[0].since;
  if (domainKey(domain) === '' && opset < first && first >= EXACT_SINCE)
    return () => {
      const alt = DOMAINS.get('com.microsoft')?.has(opType) ? ` or put the node in domain 'com.microsoft'` : '';
      throw new ShapeError(
        `${opType} is in ONNX from opset ${first}, and the model imports opset ${opset}; import opset ${first}${alt}`,
      );
    };
  return (rs.findLast((r) => r.since <= opset) ?? rs[0]).read;
}

/** Every op netcost reads, by domain ('' the default), with the first opset of its oldest reader. */
export function supportedOps(): { domain: string; op: string; since: number }[] {
  return [...DOMAINS].flatMap(([domain, ops]) =>
    [...ops].map(([op, rs]) => ({ domain, op, since: rs[0].since })).sort((a, b) => a.op.localeCompare(b.op)),
  );
}

/** Does netcost read this op? */
export const knowsOp = (domain: string, opType: string): boolean =>
  DOMAINS.get(domainKey(domain))?.has(opType) === true;
