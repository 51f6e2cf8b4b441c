/**
 * Read and validate a spec file (YAML or JSON). Loaded lazily: yaml and zod cost tens of
 * milliseconds to import, and built-in models come from a validated cache instead.
 */
import { parseDocument, YAMLError } from 'yaml';
import type { z } from 'zod';
import { SpecError } from '../errors.ts';
import { closest } from '../util/closest.ts';
import { readUserFile } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { formatPath } from '../util/path.ts';
import { ENTRY_OPS, specFileSchema } from './schema.ts';
import type { SpecFile } from './types.ts';

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const at = formatPath(issue.path) || '(top level)';
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `${at}: unknown op ${JSON.stringify(valueAt(data, issue.path))}; expected one of ${ENTRY_OPS.join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys')
    return (
      `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}; ` +
      `check the spelling (netcost schema lists every field)`
    );
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined)
    return `${at}: missing; expected ${issue.expected}`;
  return `${at}: ${issue.message}`;
}

/**
 * A required key missing beside an unknown one close to it (`kernal: 3` where `kernel` is needed):
 * one mistake, said as one, instead of a missing field and an unknown one.
 */
function misspelling(issues: z.core.$ZodIssue[], data: unknown): string | undefined {
  for (const u of issues) {
    if (u.code !== 'unrecognized_keys') continue;
    const missing = issues
      .filter((i) => i.path.length === u.path.length + 1 && u.path.every((k, n) => i.path[n] === k))
      .map((i) => i.path.at(-1))
      .filter((k): k is string => typeof k === 'string' && valueAt(data, [...u.path, k]) === undefined);
    for (const key of u.keys) {
      const [near] = closest(key, missing, 1);
      if (near) return `${formatPath(u.path) || '(top level)'}: '${key}' is not a field; did you mean '${near}'?`;
    }
  }
  return undefined;
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Parse spec text; `file` is used in messages only. */
export function parseSpecText(text: string, file: string): SpecFile {
  let data: unknown;
  if (/\.json$/i.test(file)) {
    data = parseJsonText(text, (problem) => new SpecError(`${file}: ${problem}; fix the JSON there`));
  } else {
    const doc = parseDocument(text, { prettyErrors: true });
    const err = doc.errors[0];
    if (err) {
      const pos = err instanceof YAMLError && err.linePos ? `:${err.linePos[0].line}:${err.linePos[0].col}` : '';
      throw new SpecError(
        `${file}${pos}: malformed YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}; ` +
          `fix the YAML syntax there`,
      );
    }
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new SpecError(`${file}: YAML aliases expand too far (${(e as Error).message}); write the values out`);
    }
  }
  if (data === null || data === undefined || (typeof data === 'string' && data.trim() === '')) {
    throw new SpecError(
      `${file}: the file is empty; a spec needs at least 'layers:' (netcost schema shows the format)`,
    );
  }
  checkNesting(data, file);
  const r = specFileSchema.safeParse(data);
  if (!r.success) {
    const misspelled = misspelling(r.error.issues, data);
    if (misspelled) throw new SpecError(`${file}: ${misspelled}`);
    const [first] = r.error.issues;
    const more =
      r.error.issues.length > 1
        ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})`
        : '';
    throw new SpecError(`${file}: ${describeIssue(first, data)}${more}`);
  }
  return r.data;
}

export function readSpecFile(file: string): SpecFile {
  return parseSpecText(readUserFile(file, 'spec file', MAX_SPEC_BYTES).toString('utf8'), file);
}

const MAX_SPEC_BYTES = 16 << 20;
/** Deeper than any real spec; deep enough input would overflow the validator's stack. */
const MAX_NESTING = 64;

/** Refuse nesting deeper than MAX_NESTING and self-referencing values (a YAML alias inside itself). */
function checkNesting(data: unknown, file: string): void {
  const stack: { v: unknown; depth: number; path: string; ancestors: Set<unknown> }[] = [
    { v: data, depth: 0, path: '', ancestors: new Set() },
  ];
  while (stack.length) {
    const { v, depth, path, ancestors } = stack.pop() as (typeof stack)[number];
    if (v === null || typeof v !== 'object') continue;
    const at = !path ? '(top level)' : path.length > 80 ? `${path.slice(0, 80)}...` : path;
    if (ancestors.has(v)) throw new SpecError(`${file}: ${at} contains itself (a YAML alias inside its own anchor)`);
    if (depth > MAX_NESTING) throw new SpecError(`${file}: ${at} nests deeper than ${MAX_NESTING} levels`);
    const inner = new Set(ancestors).add(v);
    for (const [k, x] of Object.entries(v)) {
      stack.push({
        v: x,
        depth: depth + 1,
        path: Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
        ancestors: inner,
      });
    }
  }
}
