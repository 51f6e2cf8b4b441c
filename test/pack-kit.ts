/**
 * netcost as a user installs it: `npm pack` of the checkout as npm makes it (prepack runs
 * clean-package, which drops scripts and dev keys from package.json), installed into a fresh
 * project. The pack is made in a copy of the package's files: the e2e set-up built dist/, so the
 * build `prepare` would run is skipped, and the checkout's package.json is never rewritten under
 * the other tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.ts';

/**
 * The environment a user installs and runs in: no ONNXRUNTIME_NODE_INSTALL (netcost must install
 * without it), and a cache folder of its own, so that the first command to run a model fetches
 * onnxruntime-node there as it would for a new user (measure/runtime.ts).
 */
const { ONNXRUNTIME_NODE_INSTALL: _, ...userEnv } = process.env;
export const installEnv = {
  ...userEnv,
  XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'netcost-user-cache-')),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
};

function pack(into: string): string {
  const stage = mkdtempSync(join(tmpdir(), 'netcost-stage-'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of [...pkg.files, 'package.json']) cpSync(join(ROOT, f), join(stage, f), { recursive: true });
  execFileSync('node', [join(ROOT, 'node_modules/clean-package/bin/main.js')], { cwd: stage });
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', into], {
    cwd: stage,
    encoding: 'utf8',
  });
  return out.trim().split('\n').at(-1) as string;
}

/** A fresh npm project in `project` with the packed netcost (and `extra` packages) installed; npm's output. */
export function installPacked(project: string, extra: string[] = []): string {
  const tarball = pack(project);
  const sh = (script: string) => spawnSync('bash', ['-c', script], { cwd: project, env: installEnv, encoding: 'utf8' });
  sh('npm init -y >/dev/null');
  const r = sh(`npm install --prefer-offline ./${tarball} ${extra.join(' ')} 2>&1`);
  if (r.status !== 0) throw new Error(r.stdout);
  return r.stdout;
}
