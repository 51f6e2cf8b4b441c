/**
 * `check`: current costs against committed baselines. Exact by default; per-metric tolerances
 * (percent) are opt-in. Added and removed models and layers are findings of their own.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze, SCHEMA_VERSION } from '../cost/analyze.ts';
import { UsageError } from '../errors.ts';
import { deployGraph } from '../graph/deploy.ts';
import type { Graph, View } from '../graph/types.ts';
import type { BenchTarget } from '../measure/bench.ts';
import type { CostRules } from '../onnx/rule-eval.ts';
import { type InputBinding, type Source, sourceGraph } from '../pipeline.ts';
import { ensureFolder, withLock, writeFileAtomic } from '../util/fs.ts';
import {
  type BaselineStore,
  baselineFile,
  type Counts,
  countsOf,
  loadBaselines,
  METRICS,
  type Metric,
  type ModelBaseline,
  modelBaseline,
  serializeFile,
  serializeModel,
  VIEWS,
} from './baseline.ts';

export type Finding =
  | {
      kind: 'changed';
      model: string;
      view: string;
      layer: string | null;
      metric: Metric;
      baseline: number;
      current: number;
    }
  | { kind: 'layer-added'; model: string; view: string; layer: string; current: Counts }
  | { kind: 'layer-removed'; model: string; view: string; layer: string; baseline: Counts }
  | { kind: 'model-added'; model: string }
  | { kind: 'model-removed'; model: string }
  | { kind: 'input-changed'; model: string; baseline: number[]; current: number[] }
  | { kind: 'latency'; model: string; reference: string; baseline: number; current: number; tolerance: number };

/**
 * What fails a check: `increase` (the default) a cost that grew beyond its tolerance, a layer or
 * model added, an input shape changed; a cost that fell, a layer or model removed, is an
 * improvement, reported with the command to record it. `any`: every finding fails.
 */
export type FailOn = 'increase' | 'any';

/** Whether a finding fails a check that fails on increases only. */
export function isIncrease(f: Finding): boolean {
  switch (f.kind) {
    case 'changed':
    case 'latency':
      return f.current > f.baseline;
    case 'layer-removed':
    case 'model-removed':
      return false;
    default:
      return true;
  }
}

/** Percent tolerances by metric (and `latency`). */
export type Tolerances = Partial<Record<Metric | 'latency', number>>;
export const DEFAULT_LATENCY_TOLERANCE = 10;

export function parseTolerances(values: string[]): Tolerances {
  const t: Tolerances = {};
  for (const v of values) {
    const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)%?$/.exec(v.trim());
    const known = [...METRICS, 'latency'] as string[];
    if (!m || !known.includes(m[1]))
      throw new UsageError(
        `--tolerance '${v}': write metric=percent, metric one of ${known.join(', ')} (for example madds=1)`,
      );
    t[m[1] as Metric | 'latency'] = Number(m[2]);
  }
  return t;
}

const within = (base: number, cur: number, pct = 0) => Math.abs(cur - base) <= (Math.abs(base) * pct) / 100;

/** Findings for one model present in both the baseline and the tree. */
export function diffModel(
  base: ModelBaseline,
  cur: ModelBaseline,
  tol: Tolerances,
  views: readonly View[] = VIEWS,
): Finding[] {
  const out: Finding[] = [];
  const model = cur.model;
  if (base.input.join('x') !== cur.input.join('x'))
    out.push({ kind: 'input-changed', model, baseline: base.input, current: cur.input });
  for (const view of views) {
    const b = base.views[view];
    const c = cur.views[view];
    for (const metric of METRICS) {
      if (!within(b.totals[metric], c.totals[metric], tol[metric]))
        out.push({
          kind: 'changed',
          model,
          view,
          layer: null,
          metric,
          baseline: b.totals[metric],
          current: c.totals[metric],
        });
    }
    const bl = new Map(b.layers.map((l) => [l.name, l]));
    const cl = new Set(c.layers.map((l) => l.name));
    for (const l of c.layers) {
      const x = bl.get(l.name);
      if (!x) {
        out.push({ kind: 'layer-added', model, view, layer: l.name, current: countsOf(l) });
        continue;
      }
      for (const metric of METRICS) {
        if (!within(x[metric], l[metric], tol[metric]))
          out.push({ kind: 'changed', model, view, layer: l.name, metric, baseline: x[metric], current: l[metric] });
      }
    }
    for (const l of b.layers) {
      if (!cl.has(l.name)) out.push({ kind: 'layer-removed', model, view, layer: l.name, baseline: countsOf(l) });
    }
  }
  return out;
}

export interface CheckOptions {
  /** baseline folder or .json file */
  baseline: string;
  /** what fails the check (default `increase`) */
  failOn?: FailOn;
  update?: boolean;
  tolerances?: Tolerances;
  /** true when the models were named on the command line (not all built-ins) */
  explicit: boolean;
  /** latency relative to `reference`, measured in the same run */
  measure?: {
    reference: Source;
    runs: number;
    warmup: number;
    threads: number;
    onProgress?: (d: number, t: number, p: string) => void;
  };
  /** shapes for ONNX inputs with symbolic dimensions, named dimensions, Loop trips */
  binding?: InputBinding;
  /** the command that records the current numbers, for fix hints (the user's own, with --update) */
  updateCommand?: string;
  /** the views compared (default: both) */
  views?: readonly View[];
  /** the user's cost rules for ONNX ops netcost does not know */
  rules?: CostRules;
}

export interface CheckResult {
  schemaVersion: number;
  baseline: string;
  models: string[];
  findings: Finding[];
  /** files written by --update */
  updated: string[];
  tolerances: Tolerances;
  latencyReference?: string;
  /** the command that records the current numbers */
  updateCommand: string;
  failOn: FailOn;
  ok: boolean;
}

/**
 * Check sources (specs or ONNX files) against the baseline. An ONNX file is baselined as it is
 * (its own view) and in the deploy view netcost derives from it.
 */
export async function check(sources: Source[], opts: CheckOptions): Promise<CheckResult> {
  if (!opts.update) return checkUnlocked(sources, opts);
  // an update reads, merges and writes the baseline: one at a time, or a second run's models are lost
  ensureFolder(dirname(resolve(opts.baseline)));
  return withLock(opts.baseline, () => checkUnlocked(sources, opts));
}

/** Where a model comes from: one spec model or one ONNX file (the same source named twice is one model). */
const sourceId = (s: Source) => (s.kind === 'spec' ? `${s.spec.file}#${s.spec.name}` : resolve(s.file));
const origin = (s: Source) => (s.kind === 'spec' ? s.spec.file : s.file);

async function checkUnlocked(sources: Source[], opts: CheckOptions): Promise<CheckResult> {
  const tol = opts.tolerances ?? {};
  const current = new Map<string, ModelBaseline>();
  const graphs = new Map<string, { graph: Graph; source: Source }>();
  for (const src of sources) {
    const g = await sourceGraph(src, { ...opts.binding, rules: opts.rules });
    const seen = graphs.get(g.model);
    if (seen && sourceId(seen.source) === sourceId(src)) continue;
    if (seen) {
      throw new UsageError(
        `two models are named '${g.model}' (from ${origin(seen.source)} and ${origin(src)}); ` +
          "one baseline cannot hold both: rename one (a spec's name, or the .onnx file)",
      );
    }
    current.set(g.model, modelBaseline(analyze(g), analyze(g.view === 'deploy' ? g : deployGraph(g))));
    graphs.set(g.model, { graph: g, source: src });
  }

  // after the sources: a name clash is the first thing to say, before any baseline problem
  const store: BaselineStore = loadBaselines(opts.baseline, opts.updateCommand);
  let referenceName: string | undefined;
  if (opts.measure) {
    const { benchMany } = await import('../measure/bench.ts');
    const refGraph = await sourceGraph(opts.measure.reference, { ...opts.binding, rules: opts.rules });
    referenceName = refGraph.model;
    const target = (g: Graph, s: Source): BenchTarget =>
      s.kind === 'onnx'
        ? { kind: 'onnx', file: s.file, bytes: s.bytes, ...opts.binding, rules: opts.rules }
        : { kind: 'graph', graph: g };
    const rest = [...graphs.values()].filter((x) => x.graph.model !== refGraph.model);
    const { results } = await benchMany(
      [target(refGraph, opts.measure.reference), ...rest.map((x) => target(x.graph, x.source))],
      {
        runs: opts.measure.runs,
        warmup: opts.measure.warmup,
        threads: opts.measure.threads,
        onProgress: opts.measure.onProgress,
      },
    );
    const refMs = results[0].latency.medianMs;
    for (const r of results) {
      const cur = current.get(r.model);
      if (cur)
        cur.latency = {
          reference: refGraph.model,
          ratio: Number((r.latency.medianMs / refMs).toFixed(4)),
          threads: opts.measure.threads,
        };
    }
  }

  const findings: Finding[] = [];
  for (const [name, cur] of current) {
    const base = store.models.get(name);
    if (!base) {
      findings.push({ kind: 'model-added', model: name });
      continue;
    }
    findings.push(...diffModel(base, cur, tol, opts.views));
    if (opts.measure && cur.latency) {
      const t = tol.latency ?? DEFAULT_LATENCY_TOLERANCE;
      if (!base.latency || base.latency.reference !== cur.latency.reference) {
        if (!opts.update) {
          const was = base.latency?.reference;
          const against = was ? ` (it was recorded against '${was}'; pass --reference ${was})` : '';
          throw new UsageError(
            `${opts.baseline}: no latency relative to '${cur.latency.reference}' recorded for ${name}${against}; ` +
              'record it with `netcost check --measure --update`',
          );
        }
      } else if (!within(base.latency.ratio, cur.latency.ratio, t)) {
        findings.push({
          kind: 'latency',
          model: name,
          reference: cur.latency.reference,
          baseline: base.latency.ratio,
          current: cur.latency.ratio,
          tolerance: t,
        });
      }
    } else if (base.latency && !cur.latency) {
      cur.latency = base.latency; // keep a recorded latency when not measuring now
    }
  }
  if (!opts.explicit)
    for (const name of store.models.keys())
      if (!current.has(name)) findings.push({ kind: 'model-removed', model: name });

  const updated: string[] = [];
  if (opts.update) updated.push(...writeBaselines(store, current, opts.explicit));
  return {
    schemaVersion: SCHEMA_VERSION,
    baseline: opts.baseline,
    models: [...current.keys()],
    findings,
    updated,
    tolerances: tol,
    ...(referenceName ? { latencyReference: referenceName } : {}),
    updateCommand: opts.updateCommand ?? 'netcost check --update',
    failOn: opts.failOn ?? 'increase',
    ok: opts.update === true || !findings.some((f) => opts.failOn === 'any' || isIncrease(f)),
  };
}

/** Write what changed (atomically, file by file); drop removed models when checking everything. */
function writeBaselines(store: BaselineStore, current: Map<string, ModelBaseline>, explicit: boolean): string[] {
  const written: string[] = [];
  if (store.kind === 'file') {
    const merged = new Map(explicit ? store.models : []);
    for (const [k, v] of current) merged.set(k, v);
    ensureFolder(dirname(store.path));
    writeFileAtomic(store.path, serializeFile([...merged.values()]), { replacesInput: true });
    return [store.path];
  }
  ensureFolder(store.path);
  const removed = explicit ? [] : [...store.models.keys()].filter((name) => !current.has(name));
  const total = current.size + removed.length;
  try {
    for (const [name, b] of current) {
      const file = baselineFile(store.path, name);
      const text = `${serializeModel(b)}\n`;
      if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
      writeFileAtomic(file, text, { replacesInput: true });
      written.push(file);
    }
    for (const name of removed) {
      const file = baselineFile(store.path, name);
      rmSync(file, { force: true });
      written.push(file);
    }
  } catch (e) {
    const done = written.length ? `wrote ${written.join(', ')} before that` : 'wrote no file before that';
    throw new UsageError(`${(e as Error).message} (${done}; ${total - written.length} files not updated)`, {
      cause: e,
    });
  }
  return written;
}
