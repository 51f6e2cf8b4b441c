/**
 * The ops the importer reads, for README's table (npm run docs) and the library: a module of its
 * own so that the public types never reach the reader registry's (onnx-proto's) types.
 */
import { READ_ITSELF } from './graph-reader.ts';
import { byReason, NOT_READ } from './not-read.ts';
import { supportedOps as registry } from './readers/index.ts';

/** Every op netcost reads, by domain ('' the default), with the first opset of its oldest reader. */
export const supportedOps = (): { domain: string; op: string; since: number }[] => registry();

/** The README's table of the ops netcost reads (a unit test holds README to it). */
export function opCoverageMarkdown(): string {
  const ops = supportedOps();
  const row = (domain: string, title: string) => {
    const list = ops.filter((o) => o.domain === domain);
    return `| ${title} | ${list.length} | ${list.map((o) => o.op).join(', ')} |`;
  };
  return [
    '| domain | ops | read (each with its shape rule, counts and words in the legend) |',
    '| --- | --- | --- |',
    row('', 'ONNX (default)'),
    `| ONNX (default), read by the graph reader | ${READ_ITSELF.size} | ${[...READ_ITSELF].sort().join(', ')} |`,
    row('com.microsoft', "onnxruntime's contrib"),
    '',
    '| default-domain ops without a rule | why |',
    '| --- | --- |',
    ...byReason(NOT_READ.keys()).map(([why, ops]) => `| ${ops.join(', ')} | ${why} |`),
  ].join('\n');
}
