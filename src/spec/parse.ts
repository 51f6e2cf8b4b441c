/**
 * Read and validate a spec file (YAML or JSON). Loaded lazily: yaml and zod cost tens of
 * milliseconds to import, and built-in models come from a validated cache instead.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, YAMLError } from 'yaml';
import type { z } from 'zod';
import { SpecError } from '../errors.ts';
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

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Parse spec text; `file` is used in messages only. */
export function parseSpecText(text: string, file: string): SpecFile {
  let data: unknown;
  if (/\.json$/i.test(file)) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new SpecError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
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
    data = doc.toJS();
  }
  const r = specFileSchema.safeParse(data);
  if (!r.success) {
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
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SpecError(
      `${file}: cannot read the spec file (${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)})`,
    );
  }
  return parseSpecText(text, file);
}
