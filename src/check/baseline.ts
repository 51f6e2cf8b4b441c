/**
 * Committed cost baselines: per model, the totals and the per-layer params, MAdds, FLOPs and MAC
 * of both views (and, optionally, latency relative to a reference model). Serialized with a fixed
 * key order and one layer per line, so a change shows as a readable git diff.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { CostReport } from '../cost/analyze.ts';
import { NetcostError } from '../errors.ts';
import { readUserFile } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { formatPath } from '../util/path.ts';

/** 2: the `spec` view is called `original`. Version 1 files are still read (and rewritten as 2 by --update). */
export const BASELINE_VERSION = 2;
export const METRICS = ['params', 'madds', 'flops', 'memoryAccess'] as const;
export type Metric = (typeof METRICS)[number];
export type Counts = Record<Metric, number>;
export const VIEWS = ['original', 'deploy'] as const;

export interface ViewBaseline {
  totals: Counts;
  /** in graph order */
  layers: ({ name: string } & Counts)[];
}

export interface ModelBaseline {
  model: string;
  file: string;
  input: number[];
  views: { original: ViewBaseline; deploy: ViewBaseline };
  /** latency relative to a reference model timed in the same run (check --measure --update) */
  latency?: { reference: string; ratio: number; threads: number };
}

/** a count as netcost writes it: a whole number >= 0 (a hand-edited -5 or 1.5 is no baseline) */
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const counts = z.strictObject({ params: count, madds: count, flops: count, memoryAccess: count });
const view = z.strictObject({ totals: counts, layers: z.array(z.strictObject({ name: z.string(), ...counts.shape })) });
const modelFields = {
  model: z.string(),
  file: z.string(),
  input: z.array(z.number().int().positive()),
  latency: z
    .strictObject({
      reference: z.string(),
      ratio: z.number().positive().max(1e9),
      threads: z.number().int().positive(),
    })
    .optional(),
};
const VIEWS_OF = {
  1: z.strictObject({ spec: view, deploy: view }).transform((v) => ({ original: v.spec, deploy: v.deploy })),
  2: z.strictObject({ original: view, deploy: view }),
};
type Version = keyof typeof VIEWS_OF;
/** A model's entry; in a per-model file it also carries the schema version (and nothing else). */
const modelSchema = (version: Version, inFile: boolean) =>
  z.strictObject({
    ...(inFile ? { schemaVersion: z.literal(version) } : {}),
    ...modelFields,
    views: VIEWS_OF[version],
  });

function parseBaseline(data: unknown, single: boolean) {
  const v = z.object({ schemaVersion: z.union([z.literal(1), z.literal(BASELINE_VERSION)]) }).safeParse(data);
  if (!v.success) return v;
  const version = v.data.schemaVersion as Version;
  return single
    ? z
        .strictObject({ schemaVersion: z.literal(version), models: z.array(modelSchema(version, false)) })
        .safeParse(data)
    : modelSchema(version, true).safeParse(data);
}

/** The four compared metrics of a layer or total, and nothing else. */
export const countsOf = (c: Counts): Counts => ({
  params: c.params,
  madds: c.madds,
  flops: c.flops,
  memoryAccess: c.memoryAccess,
});

export function viewBaseline(r: CostReport): ViewBaseline {
  return { totals: countsOf(r.totals), layers: r.layers.map((l) => ({ name: l.name, ...countsOf(l) })) };
}

export function modelBaseline(
  original: CostReport,
  deploy: CostReport,
  latency?: ModelBaseline['latency'],
): ModelBaseline {
  return {
    model: original.model,
    file: original.file,
    input: original.input,
    views: { original: viewBaseline(original), deploy: viewBaseline(deploy) },
    ...(latency ? { latency } : {}),
  };
}

const line = (o: unknown) => JSON.stringify(o);

/** Stable, diff-friendly JSON for one model (the per-model file format). */
export function serializeModel(b: ModelBaseline, indent = ''): string {
  const v = (x: ViewBaseline) =>
    [
      `{`,
      `${indent}      "totals": ${line(x.totals)},`,
      `${indent}      "layers": [`,
      x.layers.map((l) => `${indent}        ${line(l)}`).join(',\n'),
      `${indent}      ]`,
      `${indent}    }`,
    ].join('\n');
  return [
    `${indent}{`,
    ...(indent ? [] : [`  "schemaVersion": ${BASELINE_VERSION},`]),
    `${indent}  "model": ${line(b.model)},`,
    `${indent}  "file": ${line(b.file)},`,
    `${indent}  "input": ${line(b.input)},`,
    ...(b.latency
      ? [
          `${indent}  "latency": ` +
            `${line({ reference: b.latency.reference, ratio: b.latency.ratio, threads: b.latency.threads })},`,
        ]
      : []),
    `${indent}  "views": {`,
    `${indent}    "original": ${v(b.views.original)},`,
    `${indent}    "deploy": ${v(b.views.deploy)}`,
    `${indent}  }`,
    `${indent}}`,
  ].join('\n');
}

/** Single-file format: every model in one JSON file. */
export function serializeFile(models: ModelBaseline[]): string {
  return (
    `{\n  "schemaVersion": ${BASELINE_VERSION},\n  "models": ` +
    `[\n${models.map((m) => serializeModel(m, '    ')).join(',\n')}\n  ]\n}\n`
  );
}

/**
 * The file of a model's baseline in a folder. A model name is data, never a path: characters
 * outside letters, digits, `_`, `-` and inner dots are written as %XX (so distinct names get
 * distinct files), and the result is checked to stay inside the folder.
 */
export function baselineFile(dir: string, model: string): string {
  const safe = [...model]
    .map((ch, i) =>
      /[A-Za-z0-9_-]/.test(ch) || (ch === '.' && i > 0)
        ? ch
        : [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    )
    .join('');
  const file = join(dir, `${safe}.json`);
  if (!safe || dirname(resolve(file)) !== resolve(dir)) {
    throw new NetcostError(`model name '${model}' cannot name a baseline file in ${dir}`, 2);
  }
  return file;
}

/** A baseline location: a folder of `<model>.json` files, or one `.json` file holding all models. */
export interface BaselineStore {
  path: string;
  kind: 'dir' | 'file';
  models: Map<string, ModelBaseline>;
}

function invalid(file: string, e: z.ZodError | Error, fix: string): NetcostError {
  if (e instanceof z.ZodError) {
    const i = e.issues[0];
    const at = formatPath(i.path) || '(top level)';
    return new NetcostError(`${file}: not a valid netcost baseline: ${at}: ${i.message}; ${fix}`, 2);
  }
  return new NetcostError(`${file}: not a valid netcost baseline: ${e.message}; ${fix}`, 2);
}

const fixWith = (update: string) => `restore it from git, or regenerate it with \`${update}\``;

function parseJson(file: string, fix: string): unknown {
  const text = readUserFile(file, 'baseline', 1 << 30).toString('utf8'); // a regular file: never a FIFO
  return parseJsonText(
    text,
    (problem) => new NetcostError(`${file}: not a valid netcost baseline: ${problem}; ${fix}`, 2),
  );
}

/** Read a baseline location; a missing one holds no model yet. */
export function loadBaselines(path: string, update = 'netcost check --update'): BaselineStore {
  const kind = /\.json$/i.test(path) ? 'file' : 'dir';
  const found = new Map<string, ModelBaseline>();
  const fix = fixWith(update);
  // no baseline yet: every model is new, which check reports (and fails on) until --update records it
  if (!existsSync(path)) return { path, kind, models: found };
  if (kind === 'file') {
    const r = parseBaseline(parseJson(path, fix), true);
    if (!r.success) throw invalid(path, r.error, fix);
    for (const m of (r.data as { models: ModelBaseline[] }).models) found.set(m.model, m);
    return { path, kind, models: found };
  }
  if (!statSync(path).isDirectory())
    throw new NetcostError(`${path}: a baseline is a folder of <model>.json files or a single .json file`, 2);
  for (const f of readdirSync(path)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const file = join(path, f);
    const r = parseBaseline(parseJson(file, fix), false);
    if (!r.success) throw invalid(file, r.error, fix);
    const b = r.data as ModelBaseline & { schemaVersion: number };
    const expected = baselineFile(path, b.model);
    if (resolve(expected) !== resolve(file)) {
      throw new NetcostError(`${file}: holds model '${b.model}' but is named ${f}; name it ${basename(expected)}`, 2);
    }
    const { schemaVersion: _, ...m } = b;
    found.set(m.model, m);
  }
  return { path, kind, models: found };
}
