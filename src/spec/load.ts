/**
 * From what the user typed (a built-in model name, a glob, a spec file, `file.yaml#variant`) to
 * ModelSpecs. Built-in models live in configs/*.yaml; `npm run build` validates them into
 * dist/builtins.json, which is used while it holds the very text of the files on disk, so a
 * report of a built-in model loads neither the YAML parser nor zod.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelNotFoundError, SpecError, UsageError } from '../errors.ts';
import { fmtLimit, LIMITS } from '../limits.ts';
import { closest } from '../util/closest.ts';
import { ExprError, evalValue } from './expr.ts';
import type { InputSpec, ModelSpec, SpecFile } from './types.ts';

export type Nchw = [number, number, number, number];
export const DEFAULT_INPUT: Nchw = [1, 3, 224, 224];

/** `AxBx...` to whole positive dimensions, or undefined when it is not such a shape. */
export function parseDims(text: string): number[] | undefined {
  const dims = text.trim().toLowerCase().split('x').map(Number);
  return dims.every((d) => Number.isInteger(d) && d > 0 && d <= LIMITS.dimension) ? dims : undefined;
}

/** `1x3x224x224`, or [N, C, H, W] with expressions over `vars`, to a shape; `what` names the source in errors. */
export function parseInput(value: InputSpec, what: string, vars: Record<string, number> = {}): Nchw {
  if (Array.isArray(value)) {
    return value.map((d, i) => {
      let v: number;
      try {
        v = evalValue(d, vars);
      } catch (e) {
        if (e instanceof ExprError) throw new SpecError(`${what}[${i}]: ${e.message}`);
        throw e;
      }
      if (!Number.isInteger(v) || v < 1 || v > LIMITS.dimension) {
        const range = `from 1 to ${fmtLimit(LIMITS.dimension)}`;
        throw new SpecError(`${what}[${i}]: ${JSON.stringify(d)} is ${v}; a dimension must be a whole number ${range}`);
      }
      return v;
    }) as Nchw;
  }
  const parts = parseDims(value);
  if (parts?.length === 4) return parts as Nchw;
  throw new UsageError(`${what}: '${value}' is not a shape; write NxCxHxW, for example 1x3x224x224`);
}

/** The ModelSpecs a spec file defines: one per variant, or one named after the file. */
export function modelsOfSpec(spec: SpecFile, file: string): ModelSpec[] {
  const base = { file, spec };
  if (!spec.variants || spec.variants.length === 0) {
    const name = spec.name ?? basename(file).replace(/\.(ya?ml|json)$/i, '');
    const vars = { ...spec.vars };
    return [
      {
        ...base,
        name,
        description: spec.description,
        vars,
        input: parseInput(spec.input ?? DEFAULT_INPUT, `${file}: input`, vars),
      },
    ];
  }
  return spec.variants.map((v) => {
    const vars = { ...spec.vars, ...v.vars };
    return {
      ...base,
      name: v.name,
      description: v.description ?? spec.description,
      vars,
      input: parseInput(
        v.input ?? spec.input ?? DEFAULT_INPUT,
        `${file}: ${v.input ? `variant ${v.name}: ` : ''}input`,
        vars,
      ),
    };
  });
}

/** The package root (where package.json and configs/ are), from this module's location. */
let root: string | undefined;
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'configs'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('netcost: cannot find the package root (package.json beside configs/)');
    dir = up;
  }
}

/** A built-in spec file as validated at build time, keyed on its content (not its mtime). */
interface CacheEntry {
  file: string;
  text: string;
  spec: SpecFile;
}
export interface BuiltinCache {
  version: number;
  files: CacheEntry[];
}
export const CACHE_VERSION = 2;

/** The built-in spec files: configs/*.{yaml,yml,json}, relative to the package root. */
export function builtinSpecFiles(): string[] {
  const dir = join(packageRoot(), 'configs');
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => `configs/${f}`);
}

let builtins: ModelSpec[] | undefined;

/** Every built-in model, in file order then variant order. */
export async function builtinModels(): Promise<ModelSpec[]> {
  if (builtins) return builtins;
  const rootDir = packageRoot();
  let cache: BuiltinCache | undefined;
  try {
    cache = JSON.parse(readFileSync(join(rootDir, 'dist', 'builtins.json'), 'utf8')) as BuiltinCache;
    if (cache.version !== CACHE_VERSION) cache = undefined;
  } catch {
    cache = undefined;
  }
  const out: ModelSpec[] = [];
  const seen = new Map<string, string>();
  for (const rel of builtinSpecFiles()) {
    const text = readFileSync(join(rootDir, rel), 'utf8');
    const hit = cache?.files.find((f) => f.file === rel);
    const spec = hit && hit.text === text ? hit.spec : (await import('./parse.ts')).parseSpecText(text, rel);
    for (const m of modelsOfSpec(spec, rel)) {
      const prev = seen.get(m.name);
      if (prev)
        throw new SpecError(`${rel}: model name '${m.name}' is also defined in ${prev}; built-in names must be unique`);
      seen.set(m.name, rel);
      out.push(m);
    }
  }
  builtins = out;
  return out;
}

const GLOB = /[*?[\]{}]/;
const SPEC_FILE = /\.(ya?ml|json)$/i;

const MAX_MODEL_ARG = 1024;
const BUILTIN = 'builtin:';

/**
 * `builtin:guidelines/g2` is the package's `configs/guidelines/g2.yaml`, wherever netcost is
 * installed: the spec files it ships are addressable from a user's project without a path.
 */
function builtinSpecPath(arg: string): string {
  const rel = arg.slice(BUILTIN.length);
  const root = join(packageRoot(), 'configs');
  const file = resolve(root, SPEC_FILE.test(rel) ? rel : `${rel}.yaml`);
  if (!/^[\w./-]+$/.test(rel) || relative(root, file).startsWith('..') || !existsSync(file)) {
    const shipped = readdirSync(join(root, 'guidelines'))
      .map((f) => `builtin:guidelines/${f.replace(SPEC_FILE, '')}`)
      .concat(readdirSync(join(root, 'examples')).map((f) => `builtin:examples/${f.replace(SPEC_FILE, '')}`));
    throw new ModelNotFoundError(arg, `${arg}: netcost ships no such spec; it ships ${shipped.join(', ')}`);
  }
  return relative(process.cwd(), file) || file;
}

/**
 * Resolve command-line model arguments, in order: a spec file path (optionally `#variant`),
 * a glob over built-in names (`'shufflenet-v1-g*-1.0x'`), or a built-in name.
 */
export async function resolveModels(args: string[]): Promise<ModelSpec[]> {
  const out: ModelSpec[] = [];
  for (const arg of args) {
    if (arg.length > MAX_MODEL_ARG) {
      throw new UsageError(
        `a model argument of ${arg.length} characters; names, paths and globs are at most ${MAX_MODEL_ARG}`,
      );
    }
    const [given, variant] = arg.split('#') as [string, string | undefined];
    const path = given.startsWith(BUILTIN) ? builtinSpecPath(given) : given;
    if (/\.onnx$/i.test(path)) {
      throw new ModelNotFoundError(
        arg,
        `${path} is an ONNX file, not a netcost model spec: read it with resolveSource() and sourceGraph(), ` +
          'as netcost report, compare, bench, check and annotate do',
      );
    }
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(
        `${path} is a folder; give a spec file (.yaml, .json), an .onnx file or a built-in model name`,
      );
    }
    if (SPEC_FILE.test(path) || (existsSync(path) && statSync(path).isFile())) {
      if (!existsSync(path)) throw new ModelNotFoundError(arg, `${path}: no such spec file`);
      const { readSpecFile } = await import('./parse.ts');
      const file = relative(process.cwd(), resolve(path)) || path;
      const models = modelsOfSpec(readSpecFile(path), file);
      if (variant === undefined) {
        out.push(...models);
      } else {
        const m = models.find((x) => x.name === variant);
        if (!m)
          throw new ModelNotFoundError(
            arg,
            `${path}: no variant '${variant}'; it defines ${models.map((x) => x.name).join(', ')}`,
          );
        out.push(m);
      }
      continue;
    }
    const all = await builtinModels();
    if (GLOB.test(arg)) {
      const { default: picomatch } = await import('picomatch');
      const isMatch = picomatch(arg);
      const hits = all.filter((m) => isMatch(m.name));
      if (hits.length === 0)
        throw new ModelNotFoundError(arg, `no built-in model matches '${arg}'; run 'netcost list' to see them`);
      out.push(...hits);
      continue;
    }
    const m = all.find((x) => x.name === arg);
    if (!m) {
      const near = closest(
        arg,
        all.map((x) => x.name),
      );
      const also =
        "a model is a built-in name ('netcost list' shows them), a spec file (.yaml, .json) or an .onnx file";
      throw new ModelNotFoundError(
        arg,
        near.length
          ? `unknown model '${arg}'; did you mean ${near.map((n) => `'${n}'`).join(', ')}? (${also})`
          : `unknown model '${arg}', and no built-in name is close to it; ${also}`,
      );
    }
    out.push(m);
  }
  return out;
}

/** Resolve exactly one model. */
export async function resolveModel(arg: string): Promise<ModelSpec> {
  const models = await resolveModels([arg]);
  if (models.length !== 1)
    throw new UsageError(
      oneModelMessage(
        arg,
        models.map((m) => m.name),
      ),
    );
  return models[0];
}

export const oneModelMessage = (arg: string, names: string[]) =>
  `'${arg}' names ${names.length} models (${names.slice(0, 6).join(', ')}${names.length > 6 ? ', ...' : ''}); name ` +
  `one, or use file.yaml#variant`;

/** The same model with another input shape. */
export function withInput(m: ModelSpec, input: Nchw | undefined): ModelSpec {
  return input ? { ...m, input } : m;
}
