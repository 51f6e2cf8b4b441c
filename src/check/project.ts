/**
 * A user's project config for `netcost check`, found from the current folder up to the home folder:
 * `netcost.config.json`, `netcost.config.yaml` (or `.yml`), or a `netcost` key in package.json.
 * Two of them in one folder are an error (which one counts would be a guess). Each is read as every
 * user file is (a regular file, size-capped) and its errors quote positions, never contents.
 * Paths in it are relative to the file that holds it.
 */
import { existsSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { closest } from '../util/closest.ts';
import { readUserFile, writeFileAtomic } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { formatPath } from '../util/path.ts';
import { say } from '../util/text.ts';
import { parseYamlText } from '../util/yaml.ts';
import { METRICS, VIEWS } from './baseline.ts';

export const CONFIG_FILE = 'netcost.config.json';
export const DEFAULT_BASELINE = 'netcost-baselines';
const PLACES = ['package.json', CONFIG_FILE, 'netcost.config.yaml', 'netcost.config.yml'];
const MAX_CONFIG_BYTES = 4 << 20;
/** entries of `models` (each may be a glob) and the length of one */
const MAX_MODELS = 1000;
const MAX_ENTRY = 1024;

const tolerance = z.number().min(0).max(1e6).optional();
const configSchema = z.strictObject({
  $schema: z.string().optional(),
  models: z.array(z.string().min(1).max(MAX_ENTRY)).min(1).max(MAX_MODELS),
  /** input shapes: `NxCxHxW` for every model's only input, or name -> shape for named ONNX inputs */
  // name -> shape as pairs: input names are data (a record would drop an input named __proto__)
  input: z
    .preprocess(
      (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v),
      z.union([z.string(), z.array(z.tuple([z.string(), z.string()]))]),
    )
    .optional(),
  /** symbolic dimensions by name (`--dim`): name -> size */
  dims: z
    .preprocess(
      (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v),
      z.array(z.tuple([z.string(), z.number().int().min(1)])),
    )
    .optional(),
  /** values of inputs that steer the graph (`--value`): name -> a number or a list of them */
  values: z
    .preprocess(
      (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : v),
      z.array(z.tuple([z.string(), z.union([z.number(), z.array(z.number()).min(1).max(1024)])])),
    )
    .optional(),
  baseline: z.string().min(1).optional(),
  tolerances: z.strictObject(Object.fromEntries([...METRICS, 'latency'].map((m) => [m, tolerance]))).optional(),
  views: z.array(z.enum(VIEWS)).min(1).optional(),
  rules: z.string().min(1).optional(),
});
export type ProjectConfigFile = z.infer<typeof configSchema>;

export interface ProjectConfig extends ProjectConfigFile {
  /** the file the config was read from */
  file: string;
  baseline: string;
}

/** A path of the config, as the current folder sees it (built-in names and globs stay as they are). */
const fromConfig = (dir: string, p: string) => {
  const abs = isAbsolute(p) ? p : join(dir, p);
  return relative(process.cwd(), abs) || '.';
};
const isPath = (m: string) => !m.startsWith('builtin:') && /[\\/]|\.(ya?ml|json|onnx)(#.*)?$/i.test(m);

/**
 * The config files of one folder: its netcost.config.* files, and package.json when it has a
 * `netcost` key (a package.json that does not parse is some other project's problem, not a config).
 * A config owned by another user than this one or root is ignored with a warning, as git ignores
 * a repository another user owns (safe.directory): it could point `check --update` anywhere.
 */
function configsIn(dir: string, warn: (message: string) => void): { file: string; config: unknown }[] {
  const out: { file: string; config: unknown }[] = [];
  for (const place of PLACES) {
    const path = join(dir, place);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    const shown = relative(process.cwd(), path) || path;
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid && st.uid !== 0) {
      warn(
        `ignoring ${shown}: it belongs to another user (uid ${st.uid}); netcost reads a config only you or root own`,
      );
      continue;
    }
    const text = readUserFile(shown, 'netcost config', MAX_CONFIG_BYTES).toString('utf8');
    if (place === 'package.json') {
      let config: unknown;
      try {
        config = parseJsonConfig(shown, text);
      } catch {
        continue;
      }
      if (config !== null && typeof config === 'object' && Object.hasOwn(config, 'netcost'))
        out.push({ file: `${shown} (key "netcost")`, config: (config as { netcost: unknown }).netcost });
    } else
      out.push({
        file: shown,
        config: place.endsWith('.json') ? parseJsonConfig(shown, text) : parseYamlConfig(shown, text),
      });
  }
  return out;
}

const parseJsonConfig = (file: string, text: string) =>
  parseJsonText(text, (problem) => new UsageError(`${file}: ${problem}; fix the JSON there`));

const parseYamlConfig = (file: string, text: string) =>
  parseYamlText(text, (problem) => new UsageError(`${file}: ${problem}; fix the YAML there`));

/** The config that applies in `from`: the nearest folder's, up to the home folder or the root. */
export async function findConfig(from = process.cwd(), warn = say): Promise<ProjectConfig | undefined> {
  const home = homedir();
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const found = configsIn(dir, warn);
    if (found.length > 1) {
      throw new UsageError(
        `two netcost configs in one folder: ${found.map((f) => f.file).join(' and ')}; keep one of them`,
      );
    }
    if (found.length === 1) return validated(found[0].file, found[0].config, dir);
    if (dir === home || dirname(dir) === dir) return undefined;
  }
}

function validated(file: string, raw: unknown, dir: string): ProjectConfig {
  const r = configSchema.safeParse(raw ?? {});
  if (!r.success) throw new UsageError(`${file}: ${configProblem(r.error.issues[0])}`);
  const c = r.data;
  return {
    ...c,
    file,
    models: c.models.map((m) => (isPath(m) ? fromConfig(dir, m) : m)),
    baseline: fromConfig(dir, c.baseline ?? DEFAULT_BASELINE),
    ...(c.rules ? { rules: fromConfig(dir, c.rules) } : {}),
  };
}

/** One zod issue as the user's fix: a misspelled key gets the nearest known one. */
function configProblem(i: z.core.$ZodIssue): string {
  const at = formatPath(i.path);
  if (i.code === 'unrecognized_keys') {
    const known = i.path.length === 0 ? Object.keys(configSchema.shape) : [...METRICS, 'latency'];
    const key = i.keys[0];
    const near = closest(key, known, 1);
    return (
      `${at ? `${at}: ` : ''}unknown key ${JSON.stringify(key)}; ` +
      (near.length ? `did you mean '${near[0]}'?` : `the keys are ${known.join(', ')}`)
    );
  }
  return `${at || '(top level)'}: ${i.message}`;
}

/** `netcost check --init <models...>`: a config naming these models, in the current folder. */
export function initConfig(models: string[]): string {
  if (models.length === 0) {
    throw new UsageError('--init needs the models to check: netcost check --init my-net.yaml model.onnx');
  }
  const file = resolve(CONFIG_FILE);
  const here = configsIn(process.cwd(), say);
  if (here.length) {
    throw new UsageError(
      `${here[0].file} is this folder's netcost config already; edit it, or remove it and run --init again`,
    );
  }
  if (existsSync(file)) throw new UsageError(`${CONFIG_FILE} exists already; remove it and run --init again`);
  const config: ProjectConfigFile = { models, baseline: DEFAULT_BASELINE };
  writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return CONFIG_FILE;
}
