/**
 * Where onnxruntime-node comes from. netcost does not list it as a dependency: on linux/x64 its
 * install script downloads CUDA libraries from outside the npm registry, which fails where only the
 * registry is reachable (npm 11 runs dependencies' install scripts, and the failure stops the
 * whole install) and otherwise fetches GPU libraries a CPU tool never uses. So the first command
 * that runs a model finds it, in this order:
 * 1. installed beside netcost (the user's own project, or netcost's development checkout): used as
 *    it is, whatever its version (a profile notes a version the engine rules were not checked on);
 * 2. in netcost's cache folder, fetched by an earlier run;
 * 3. else fetched there once, by the user's own npm (its registry, proxy and credentials), install
 *    scripts off, at the version netcost's engine rules were checked against (PINNED_ONNXRUNTIME).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NetcostError } from '../errors.ts';
import { cacheDir } from '../util/cache.ts';

/** The onnxruntime-node netcost fetches: the version its engine rules were checked against, kernel for kernel. */
export const PINNED_ONNXRUNTIME = '1.30.0';

type Ort = typeof import('onnxruntime-node');

/** The folder in netcost's cache holding the fetched runtime. */
export const runtimeDir = (): string => join(cacheDir(), `onnxruntime-node-${PINNED_ONNXRUNTIME}`);

const fromFolder = (dir: string): Ort => createRequire(join(dir, 'package.json'))('onnxruntime-node') as Ort;

const notFound = (e: unknown) => (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';

/**
 * onnxruntime-node, found or fetched as the module comment says, with its logger silenced: it would
 * print names and attributes from the model raw to the terminal (a `mode` holding escape sequences
 * would retitle the window), and its errors reach the user as exceptions, in netcost's words.
 */
export async function loadOnnxruntime(): Promise<Ort> {
  const ort = await find();
  ort.env.logLevel = 'fatal';
  return ort;
}

/** Sessions log at this severity and above (4, fatal): see loadOnnxruntime. */
export const ORT_LOG_SEVERITY = 4;

async function find(): Promise<Ort> {
  try {
    const m = (await import('onnxruntime-node')) as Ort & { default?: Ort };
    return m.default?.InferenceSession ? m.default : m;
  } catch (e) {
    if (!notFound(e)) throw e;
  }
  const dir = runtimeDir();
  if (!existsSync(join(dir, 'node_modules', 'onnxruntime-node', 'package.json'))) fetchRuntime(dir);
  return fromFolder(dir);
}

/** npm install of the pinned onnxruntime-node into `dir`, through a fresh folder renamed into place. */
function fetchRuntime(dir: string): void {
  const parent = join(dir, '..');
  mkdirSync(parent, { recursive: true });
  const stage = mkdtempSync(join(parent, '.fetch-'));
  process.stderr.write(
    `netcost: fetching onnxruntime-node ${PINNED_ONNXRUNTIME} from the npm registry (its install script off: no GPU ` +
      `libraries; about 290 MB unpacked, every platform's CPU build) into ${dir}, once\n`,
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--prefix', stage, '--ignore-scripts', '--no-audit', '--no-fund', '--no-save'];
  const r = spawnSync(npm, [...args, '--no-package-lock', `onnxruntime-node@${PINNED_ONNXRUNTIME}`], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0 || !existsSync(join(stage, 'node_modules', 'onnxruntime-node'))) {
    rmSync(stage, { recursive: true, force: true });
    const said = (r.error?.message ?? r.stderr ?? '').trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
    throw new NetcostError(
      `cannot fetch onnxruntime-node ${PINNED_ONNXRUNTIME}, which running a model needs ` +
        `(npm: ${said.slice(0, 200)}); ` +
        `install it beside netcost with: npm install onnxruntime-node@${PINNED_ONNXRUNTIME} --ignore-scripts`,
    );
  }
  try {
    renameSync(stage, dir);
  } catch {
    // another netcost fetched it meanwhile: keep theirs
    rmSync(stage, { recursive: true, force: true });
  }
}
