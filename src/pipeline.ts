/**
 * The one-way pipeline as single calls: model spec (or ONNX file) -> graph -> (deploy view) -> costs.
 */

import { resolve } from 'node:path';
import { analyze, type CostReport, type Dtype } from './cost/analyze.ts';
import { UsageError } from './errors.ts';
import { buildGraph } from './graph/build.ts';
import { deployGraph } from './graph/deploy.ts';
import type { Graph, View } from './graph/types.ts';
import type { ImportResult } from './onnx/import.ts';
import type { CostRules } from './onnx/rule-eval.ts';
import { type Nchw, oneModelMessage, resolveModels, withInput } from './spec/load.ts';
import type { ModelSpec } from './spec/types.ts';
import { readUserFile } from './util/fs.ts';

export interface CostOptions {
  view?: View;
  dtype?: Dtype;
  /** override the spec's input shape */
  input?: Nchw;
}

export function graphOf(model: ModelSpec, opts: Pick<CostOptions, 'view' | 'input'> = {}): Graph {
  const g = buildGraph(withInput(model, opts.input));
  return opts.view === 'deploy' ? deployGraph(g) : g;
}

export function costReport(model: ModelSpec, opts: CostOptions = {}): CostReport {
  return analyze(graphOf(model, opts), opts.dtype ?? 'fp32');
}

/** What a model argument names: a netcost spec (built-in or file) or an ONNX file. */
export type Source =
  | { kind: 'spec'; name: string; spec: ModelSpec }
  | { kind: 'onnx'; name: string; file: string; bytes: Uint8Array };

/** Input shapes by input name; '*' is a shape given without a name (a model's only input). */
export type InputShapes = Record<string, number[]>;

/** How an ONNX file's inputs and symbolic sizes are bound (`--input`, `--dim`, `--loop-trips`). */
export interface InputBinding {
  inputs?: InputShapes;
  /** symbolic dimensions by name, wherever they appear */
  dims?: Record<string, number>;
  /** trips of a Loop whose trip count is known only at run time */
  loopTrips?: number;
  /** values of inputs that steer the graph (`--value sr=16000`): read as constants, fed as given when timed */
  values?: Record<string, number[]>;
}

export interface SourceOptions extends InputBinding {
  view?: View;
  /** ONNX: unknown ops are errors */
  strict?: boolean;
  /** ONNX: the user's cost rules (`--rules`) */
  rules?: CostRules;
  /** ONNX: where import warnings go */
  onWarning?: (message: string) => void;
}

const ONNX_FILE = /\.onnx$/i;

/**
 * What timing or predicting a source runs: an ONNX file as it is (its bytes, read with the binding
 * and the rules), a spec as its graph (exported on the fly).
 */
export type RunTarget =
  | { kind: 'graph'; graph: Graph }
  | ({
      kind: 'onnx';
      file: string;
      bytes: Uint8Array;
      strict?: boolean;
      rules?: CostRules;
      /** netcost's import of the file with this binding, when the caller made one (not read again) */
      imported?: ImportResult;
    } & InputBinding);

export function runTarget(
  s: Source,
  graph: Graph,
  read: InputBinding & { strict?: boolean; rules?: CostRules; imported?: ImportResult },
): RunTarget {
  return s.kind === 'onnx' ? { kind: 'onnx', file: s.file, bytes: s.bytes, ...read } : { kind: 'graph', graph };
}

/** Resolve model arguments: `.onnx` files, then everything `resolveModels` understands. */
export async function resolveSources(args: string[]): Promise<Source[]> {
  // a model named twice (a glob overlapping a name, a file listed again) is one model
  const found = new Map<string, Source>();
  for (const arg of new Set(args)) {
    if (ONNX_FILE.test(arg)) {
      const key = `onnx:${resolve(arg)}`;
      // protobuf caps a model at 2 GiB
      if (!found.has(key))
        found.set(key, { kind: 'onnx', name: arg, file: arg, bytes: readUserFile(arg, 'ONNX file', 2 ** 31 - 1) });
    } else {
      for (const spec of await resolveModels([arg])) {
        const key = `spec:${spec.file}#${spec.name}`;
        if (!found.has(key)) found.set(key, { kind: 'spec', name: spec.name, spec });
      }
    }
  }
  return [...found.values()];
}

/** Resolve an argument that must name exactly one model. */
export async function resolveSource(arg: string): Promise<Source> {
  const sources = await resolveSources([arg]);
  if (sources.length !== 1)
    throw new UsageError(
      oneModelMessage(
        arg,
        sources.map((s) => s.name),
      ),
    );
  return sources[0];
}

/**
 * The graph of a source in the asked view. An ONNX file's original view is its graph as written (a
 * file netcost exported in the deploy view stays in it); `deploy` folds and fuses as for specs.
 */
export async function sourceGraph(src: Source, opts: SourceOptions = {}): Promise<Graph> {
  return (await sourceRead(src, opts)).graph;
}

/** The graph of a source in the asked view, with netcost's import of an ONNX file (read once, used again). */
export async function sourceRead(
  src: Source,
  opts: SourceOptions = {},
): Promise<{ graph: Graph; imported?: ImportResult }> {
  const named = Object.keys(opts.inputs ?? {}).filter((k) => k !== '*');
  if (src.kind === 'spec') {
    const dim = Object.keys(opts.dims ?? {})[0];
    if (dim !== undefined)
      throw new UsageError(
        `--dim ${dim}=... (dims.${dim}): ${src.name} is a spec, and named dimensions apply to ONNX files; a ` +
          "spec's input is --input NxCxHxW (inputs['*'])",
      );
    const value = Object.keys(opts.values ?? {})[0];
    if (value !== undefined)
      throw new UsageError(
        `--value ${value}=... (values.${value}): ${src.name} is a spec, and input values apply to ONNX files`,
      );
    if (opts.loopTrips !== undefined)
      throw new UsageError(
        `--loop-trips ${opts.loopTrips} (loopTrips): ${src.name} is a spec, and trip counts apply to the Loops of ` +
          "ONNX files; a spec's repeated layers say their count with `repeat:`",
      );
    if (named.length)
      throw new UsageError(
        `--input ${named[0]}=... (inputs.${named[0]}): ${src.name} is a spec, and named inputs apply to ONNX ` +
          "files; a spec has one input: --input NxCxHxW (inputs['*'])",
      );
    const given = opts.inputs?.['*'];
    if (given && given.length !== 4)
      throw new UsageError(`--input: '${given.join('x')}' is not a shape; write NxCxHxW, for example 1x3x224x224`);
    return { graph: graphOf(src.spec, { view: opts.view, input: opts.inputs?.['*'] as Nchw | undefined }) };
  }
  const { importOnnx } = await import('./onnx/import.ts');
  const { inputs, dims, loopTrips, strict, rules, values } = opts;
  const r = importOnnx(src.bytes, { file: src.file, inputs, dims, loopTrips, strict, rules, values });
  for (const w of r.warnings) opts.onWarning?.(`${src.file}: ${w}`);
  return { graph: opts.view === 'deploy' && r.graph.view !== 'deploy' ? deployGraph(r.graph) : r.graph, imported: r };
}
