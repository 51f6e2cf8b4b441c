/** Parsing and checking of option values shared by commands: one clear error per bad value. */

import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Dtype } from '../cost/analyze.ts';
import { UsageError } from '../errors.ts';
import type { View } from '../graph/types.ts';
import { fmtLimit, LIMITS } from '../limits.ts';
import type { CostRules } from '../onnx/rule-eval.ts';
import type { MachineProfile } from '../predict/machine.ts';
import { UNITS, type Units } from '../result/format.ts';
import type { WriteOptions } from '../result/layout.ts';
import { FORMATS, type Format } from '../result/write.ts';
import { type Nchw, parseInput } from '../spec/load.ts';
import { say } from '../util/text.ts';

export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} '${value}' is not one of ${allowed.join(', ')}`);
}

/** The output flags every reporting command shares, declared once in main.ts (outputOptions). */
export interface OutputFlags {
  format: string;
  output?: string;
  units?: string;
  depth?: string;
  sort?: string;
  top?: string;
  columns?: string[];
  chart?: string;
  legend?: boolean;
}

export interface Output {
  format: Format;
  file?: string;
  options: Partial<WriteOptions>;
}

/** The width to fit: an exported COLUMNS (a whole number from 20), else a terminal's; none for a pipe. */
function terminalWidth(): number | undefined {
  const env = process.env.COLUMNS;
  if (env !== undefined && /^\d+$/.test(env) && Number(env) >= 20) return Number(env);
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : undefined;
}

/** The output flags, checked: `--sort` and `--columns` names are checked against the document when it is written. */
export function parseOutput(o: OutputFlags): Output {
  const format = oneOf('--format', o.format, FORMATS);
  const width = o.output === undefined ? terminalWidth() : undefined;
  if (o.chart !== undefined && format !== 'svg')
    throw new UsageError(`--chart ${o.chart}: it picks the chart of --format svg; html draws them all`);
  return {
    format,
    ...(o.output !== undefined ? { file: o.output } : {}),
    options: {
      units: parseUnits(o.units ?? 'auto'),
      depth:
        o.depth === undefined || o.depth === 'all' ? Number.POSITIVE_INFINITY : parsePositiveInt('--depth', o.depth),
      // a very long per-layer tree is cut to the levels that fit, in the terminal's formats only
      ...(o.depth === undefined && (format === 'table' || format === 'tree') ? { autoDepth: true } : {}),
      ...(o.sort !== undefined ? { sort: o.sort } : {}),
      ...(o.top !== undefined ? { top: parsePositiveInt('--top', o.top) } : {}),
      ...(o.columns?.length ? { columns: o.columns.flatMap((c) => c.split(',')).filter(Boolean) } : {}),
      ...(o.chart !== undefined ? { chart: o.chart } : {}),
      ...(o.legend ? { legend: true } : {}),
      // a table written to a terminal fits its width (or the COLUMNS one exports); a file gets every column
      ...(width ? { width } : {}),
    },
  };
}

/** `--view`: `original` or `deploy`; `spec`, its name before schema version 2, still works. */
/** `--units`: k for K (SI's own spelling of kilo); m stays refused, being milli. */
export const parseUnits = (v: string): Units => oneOf('--units', v === 'k' ? 'K' : v === 'g' ? 'G' : v, UNITS);
export const parseView = (v: string): View =>
  oneOf('--view', v === 'spec' ? 'original' : v, ['original', 'deploy'] as const);
export const parseDtype = (v: string | undefined): Dtype =>
  v === undefined ? 'fp32' : oneOf('--dtype', v, ['fp32', 'fp16', 'int8'] as const);

/** `--dtype` sets every tensor's type of a spec; an ONNX file's tensors keep their own. */
export function checkDtypeFor(sources: { kind: string; name: string }[], given: string | undefined): void {
  const file = sources.find((s) => s.kind === 'onnx');
  if (given !== undefined && file) {
    throw new UsageError(
      `--dtype ${given}: ${file.name} is an ONNX file, whose tensors keep their own element types (the report ` +
        'gives each layer its precision); --dtype applies to specs',
    );
  }
}
export const parseShape = (v: string | undefined): Nchw | undefined =>
  v === undefined ? undefined : parseInput(v, '--input');

/** The flags that bind an ONNX file's inputs: `--input`, `--dim`, `--loop-trips`, `--value`. */
export interface InputFlags {
  input?: string[];
  dim?: string[];
  loopTrips?: string;
  value?: string[];
}

/** `name=value`, the value after the last '=' (a name may hold one: `--dim a=b=8` sizes 'a=b'). */
export const nameValue = (v: string): RegExpExecArray | null => /^(.+)=([^=]+)$/.exec(v);

/** Repeatable `--value name=v[,v...]`: an input's values, by its name. */
export function parseValueFlags(values: string[] | undefined): Record<string, number[]> {
  // names are data: a null-prototype object
  const out: Record<string, number[]> = Object.create(null);
  for (const v of values ?? []) {
    const m = nameValue(v);
    const nums = m?.[2]
      .split(',')
      .map((x) => (/^\s*-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(x) ? Number(x) : Number.NaN));
    if (!m || !nums || nums.some((x) => !Number.isFinite(x)))
      throw new UsageError(`--value: '${v}' is not name=number[,number...]; write, for example, --value sr=16000`);
    if (Object.hasOwn(out, m[1])) throw new UsageError(`--value: two values for '${m[1]}'`);
    out[m[1]] = nums;
  }
  return out;
}

/** Repeatable `--dim name=N`: a symbolic dimension's size, by its name. */
/** commander helper: collect a repeatable option into an array */
export const collect = (v: string, acc: string[]) => [...acc, v];

export function parsePositiveInt(flag: string, v: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  // decimal digits only: `0x10`, `1e3` and ` 8` are not counts
  const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} '${v}' is not a whole number from ${min} to ${fmtLimit(max)}`);
  }
  return n;
}

/** More threads than cores only adds contention: allowed, with a warning. */
function threadsFlag(v: string): number {
  const n = parsePositiveInt('--threads', v, 1, LIMITS.threads);
  const cores = availableParallelism();
  if (n > cores) say(`warning: --threads ${n} is more than this machine's ${cores} cores`);
  return n;
}

export const OPT_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type OptLevelFlag = (typeof OPT_LEVELS)[number];

/** The timing flags shared by bench, compare --measure, check --measure and guidelines. */
export interface RunFlags {
  runs?: string;
  warmup?: string;
  threads: string;
  optLevel?: string;
}
export interface RunOptions {
  runs: number;
  warmup: number;
  threads: number;
  optLevel: OptLevelFlag;
}

export function parseRunFlags(o: RunFlags, defaults: { runs: number; warmup: number }): RunOptions {
  return {
    runs: o.runs === undefined ? defaults.runs : parsePositiveInt('--runs', o.runs, 1, LIMITS.runs),
    warmup: o.warmup === undefined ? defaults.warmup : parsePositiveInt('--warmup', o.warmup, 0, LIMITS.warmup),
    threads: threadsFlag(o.threads),
    optLevel: oneOf('--opt-level', o.optLevel ?? 'all', OPT_LEVELS),
  };
}

/** `--rules FILE`: the user's cost rules, validated (the YAML parser and zod load only then). */
export async function parseRules(file: string | undefined): Promise<CostRules | undefined> {
  if (file === undefined) return undefined;
  const { loadRules } = await import('../onnx/rules.ts');
  return loadRules(file);
}

export interface PredictFlags {
  predict?: boolean;
  profile?: string[];
}
/** with the thread count to predict for: which default profile --predict reads */
type PredictAt = PredictFlags & { threads?: string };

export interface ProfileArg {
  profile: MachineProfile;
  file: string;
}

/**
 * `--predict` (the machine profile in the user's cache folder) or `--profile FILE` (implies
 * --predict; repeatable where the command compares machines): the profiles, validated, with their
 * files; empty when neither is given.
 */
export async function parseProfiles(o: PredictAt): Promise<ProfileArg[]> {
  const files = o.profile ?? [];
  if (!o.predict && files.length === 0) return [];
  const { defaultProfilePath, readProfile } = await import('../predict/store.ts');
  const threads = o.threads === undefined ? 1 : threadsFlag(o.threads);
  if (files.length === 0) return [{ profile: readProfile(undefined, threads), file: defaultProfilePath(threads) }];
  const seen = new Map<string, string>();
  for (const f of files) {
    const where = resolvePath(f);
    const before = seen.get(where);
    if (before !== undefined)
      throw new UsageError(`--profile ${f}: is ${before} again; give each machine profile once (one column each)`);
    seen.set(where, f);
  }
  return files.map((f) => ({ profile: readProfile(f), file: f }));
}

/** `--predict` or one `--profile FILE`: the profile, or undefined when neither is given. */
export async function parsePredict(o: PredictAt): Promise<ProfileArg | undefined> {
  if ((o.profile?.length ?? 0) > 1)
    throw new UsageError(`--profile: give one machine profile here (compare takes several, one column per machine)`);
  return (await parseProfiles(o))[0];
}
