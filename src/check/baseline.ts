/**
 * Committed cost baselines: per model, the totals and the per-layer params, MAdds, FLOPs and MAC
 * of both views (and, optionally, latency relative to a reference model). Serialized with a fixed
 * key order and one layer per line, so a change shows as a readable git diff.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { CostReport } from '../cost/analyze.ts';
import { NetcostError } from '../errors.ts';
import { formatPath } from '../util/path.ts';

export const BASELINE_VERSION = 1;
export const METRICS = ['params', 'madds', 'flops', 'memoryAccess'] as const;
export type Metric = (typeof METRICS)[number];
export type Counts = Record<Metric, number>;
export const VIEWS = ['spec', 'deploy'] as const;

export interface ViewBaseline {
  totals: Counts;
  /** in graph order */
  layers: ({ name: string } & Counts)[];
}

export interface ModelBaseline {
  model: string;
  file: string;
  input: number[];
  views: { spec: ViewBaseline; deploy: ViewBaseline };
  /** latency relative to a reference model timed in the same run (check --measure --update) */
  latency?: { reference: string; ratio: number; threads: number };
}

const counts = z.strictObject({ params: z.number(), madds: z.number(), flops: z.number(), memoryAccess: z.number() });
const view = z.strictObject({
  totals: counts,
  layers: z.array(
    z.strictObject({
      name: z.string(),
      params: z.number(),
      madds: z.number(),
      flops: z.number(),
      memoryAccess: z.number(),
    }),
  ),
});
const modelSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_VERSION),
  model: z.string(),
  file: z.string(),
  input: z.array(z.number()),
  views: z.strictObject({ spec: view, deploy: view }),
  latency: z.strictObject({ reference: z.string(), ratio: z.number().positive(), threads: z.number() }).optional(),
});
const fileSchema = z.strictObject({
  schemaVersion: z.literal(BASELINE_VERSION),
  models: z.array(modelSchema.omit({ schemaVersion: true })),
});

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

export function modelBaseline(spec: CostReport, deploy: CostReport, latency?: ModelBaseline['latency']): ModelBaseline {
  return {
    model: spec.model,
    file: spec.file,
    input: spec.input,
    views: { spec: viewBaseline(spec), deploy: viewBaseline(deploy) },
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
          `${indent}  "latency": ${line({ reference: b.latency.reference, ratio: b.latency.ratio, threads: b.latency.threads })},`,
        ]
      : []),
    `${indent}  "views": {`,
    `${indent}    "spec": ${v(b.views.spec)},`,
    `${indent}    "deploy": ${v(b.views.deploy)}`,
    `${indent}  }`,
    `${indent}}`,
  ].join('\n');
}

/** Single-file format: every model in one JSON file. */
export function serializeFile(models: ModelBaseline[]): string {
  return `{\n  "schemaVersion": ${BASELINE_VERSION},\n  "models": [\n${models.map((m) => serializeModel(m, '    ')).join(',\n')}\n  ]\n}\n`;
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

const FIX = 'restore it from git, or regenerate it with `netcost check --update`';

function parseJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw invalid(file, e as Error, FIX);
  }
}

/** Read a baseline location; a missing one is an error unless `allowMissing` (for --update). */
export function loadBaselines(path: string, allowMissing: boolean): BaselineStore {
  const kind = /\.json$/i.test(path) ? 'file' : 'dir';
  const models = new Map<string, ModelBaseline>();
  if (!existsSync(path)) {
    if (allowMissing) return { path, kind, models };
    throw new NetcostError(
      `${path}: no baseline here; create one with \`netcost check --update${path === 'configs/baselines' ? '' : ` --baseline ${path}`}\``,
      2,
    );
  }
  if (kind === 'file') {
    const r = fileSchema.safeParse(parseJson(path));
    if (!r.success) throw invalid(path, r.error, FIX);
    for (const m of r.data.models) models.set(m.model, m);
    return { path, kind, models };
  }
  if (!statSync(path).isDirectory())
    throw new NetcostError(`${path}: a baseline is a folder of <model>.json files or a single .json file`, 2);
  for (const f of readdirSync(path)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const file = join(path, f);
    const r = modelSchema.safeParse(parseJson(file));
    if (!r.success) throw invalid(file, r.error, FIX);
    if (`${r.data.model}.json` !== f)
      throw new NetcostError(
        `${file}: holds model '${r.data.model}' but is named ${f}; name it ${r.data.model}.json`,
        2,
      );
    const { schemaVersion: _, ...m } = r.data;
    models.set(m.model, m);
  }
  return { path, kind, models };
}
