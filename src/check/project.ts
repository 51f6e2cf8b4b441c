/**
 * A user's project config for `netcost check`, found with lilconfig from the current folder up:
 * `netcost.config.json`, `netcost.config.yaml` (or `.yml`), or a `netcost` key in package.json.
 * Paths in it are relative to the file that holds it.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { lilconfig } from 'lilconfig';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { NetcostError, UsageError } from '../errors.ts';
import { writeFileAtomic } from '../util/fs.ts';
import { formatPath } from '../util/path.ts';
import { METRICS, VIEWS } from './baseline.ts';

export const CONFIG_FILE = 'netcost.config.json';
export const DEFAULT_BASELINE = 'netcost-baselines';

const configSchema = z.strictObject({
  $schema: z.string().optional(),
  models: z.array(z.string().min(1)).min(1),
  /** input shapes: `NxCxHxW` for every model's only input, or name -> shape for named ONNX inputs */
  input: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  baseline: z.string().min(1).optional(),
  tolerances: z.partialRecord(z.enum([...METRICS, 'latency']), z.number().min(0)).optional(),
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
const isPath = (m: string) => /[\\/]|\.(ya?ml|json|onnx)(#.*)?$/i.test(m);

export async function findConfig(from = process.cwd()): Promise<ProjectConfig | undefined> {
  const yaml = (_: string, text: string) => parseYaml(text, { maxAliasCount: 100 });
  let found: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  try {
    found = await lilconfig('netcost', {
      searchPlaces: ['package.json', CONFIG_FILE, 'netcost.config.yaml', 'netcost.config.yml'],
      loaders: { '.yaml': yaml, '.yml': yaml },
    }).search(from);
  } catch (e) {
    throw new NetcostError(`netcost config: ${(e as Error).message.split('\n')[0]}`, 2);
  }
  if (!found) return undefined;
  const file = relative(process.cwd(), found.filepath) || found.filepath;
  const r = configSchema.safeParse(found.config ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    throw new NetcostError(`${file}: ${formatPath(i.path) || '(top level)'}: ${i.message}`, 2);
  }
  const dir = dirname(found.filepath);
  const c = r.data;
  return {
    ...c,
    file,
    models: c.models.map((m) => (isPath(m) ? fromConfig(dir, m) : m)),
    baseline: fromConfig(dir, c.baseline ?? DEFAULT_BASELINE),
    ...(c.rules ? { rules: fromConfig(dir, c.rules) } : {}),
  };
}

/** `netcost check --init <models...>`: a config naming these models, in the current folder. */
export function initConfig(models: string[]): string {
  if (models.length === 0) {
    throw new UsageError('--init needs the models to check: netcost check --init my-net.yaml model.onnx');
  }
  const file = resolve(CONFIG_FILE);
  if (existsSync(file))
    throw new UsageError(`${CONFIG_FILE} exists already; edit it, or remove it and run --init again`);
  const config: ProjectConfigFile = { models, baseline: DEFAULT_BASELINE };
  writeFileAtomic(file, `${JSON.stringify(config, null, 2)}\n`);
  return CONFIG_FILE;
}
