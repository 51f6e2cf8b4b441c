/** Parsing and checking of option values shared by commands: one clear error per bad value. */
import { UsageError } from '../errors.ts';
import type { Dtype } from '../cost/analyze.ts';
import type { View } from '../graph/types.ts';
import { parseInput, type Nchw } from '../spec/load.ts';
import type { Format } from '../report/report.ts';

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} '${value}' is not one of ${allowed.join(', ')}`);
}

export const FORMATS = ['table', 'json', 'csv', 'md'] as const;
export const parseFormat = (v: string, allowed: readonly Format[] = FORMATS): Format => oneOf('--format', v, allowed);
export const parseView = (v: string): View => oneOf('--view', v, ['spec', 'deploy'] as const);
export const parseDtype = (v: string): Dtype => oneOf('--dtype', v, ['fp32', 'fp16', 'int8'] as const);
export const parseShape = (v: string | undefined): Nchw | undefined => (v === undefined ? undefined : parseInput(v, '--input'));

export function parsePositiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} '${v}' is not a whole number of 1 or more`);
  return n;
}
