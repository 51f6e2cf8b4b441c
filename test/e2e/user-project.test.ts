/**
 * netcost as a user meets it: the packed package installed into a fresh project of its own, a
 * spec and a config written there, baselines recorded, a group count changed, the example GitHub
 * workflow's commands run, and the README's library example compiled with `tsc --strict`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers.ts';
import { installEnv, installPacked } from '../pack-kit.ts';

const project = mkdtempSync(join(tmpdir(), 'netcost-user-'));
const sh = (script: string) => spawnSync('bash', ['-c', script], { cwd: project, env: installEnv, encoding: 'utf8' });
const netcost = (args: string) => sh(`npx --no-install netcost ${args}`);
const spec = (groups: number) => `name: tiny
input: [1, 16, 16, 16]
layers:
  - { op: conv, name: stem, out: 16, kernel: 3, padding: 1, bn: true, act: relu }
  - { op: conv, name: pw, out: 32, kernel: 1, groups: ${groups}, bn: true, act: relu }
  - { op: gap }
`;

let installLog = '';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

beforeAll(() => {
  // netcost alone, as `npm install netcost` installs it; then what a TypeScript user of the library adds
  installLog = installPacked(project);
  const typescript = JSON.parse(readFileSync(join(ROOT, 'node_modules/typescript/package.json'), 'utf8')).version;
  const peers = Object.entries(pkg.peerDependencies as Record<string, string>).map(([k, v]) => `${k}@${v}`);
  const r = sh(`npm install --prefer-offline typescript@${typescript} @types/node ${peers.join(' ')} 2>&1`);
  if (r.status !== 0) throw new Error(r.stdout);
}, 600_000);

describe('netcost in a project of its own', () => {
  it('installs with a plain npm install, no variable set: netcost alone, no onnxruntime-node', () => {
    expect(installEnv).not.toHaveProperty('ONNXRUNTIME_NODE_INSTALL');
    expect(installLog).toMatch(/added 1 package/);
    expect(existsSync(join(project, 'node_modules/onnxruntime-node'))).toBe(false);
  });

  it('runs a model after it: the first run fetches the pinned onnxruntime-node once, CPU only; calibrate works', () => {
    const first = netcost('bench shufflenet-v2-0.5x --input 1x3x64x64 --runs 5 --warmup 1');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /^netcost: fetching onnxruntime-node 1\.30\.0 from the npm registry \(its install script off/,
    );
    expect(first.stdout).toMatch(/onnxruntime 1\.30\.0, graph optimisation 'all'/);
    const runtime = join(installEnv.XDG_CACHE_HOME, 'netcost/onnxruntime-node-1.30.0/node_modules/onnxruntime-node');
    // its postinstall never ran: no CUDA or TensorRT provider beside the CPU build
    expect(readdirSync(join(runtime, 'bin/napi-v6/linux/x64')).sort()).toEqual([
      'libonnxruntime.so.1',
      'onnxruntime_binding.node',
    ]);
    const again = netcost('bench shufflenet-v2-0.5x --input 1x3x64x64 --runs 5 --warmup 1');
    expect(again.stderr).not.toMatch(/fetching/);
    // where npm cannot fetch it: one line naming the fix, exit 2, nothing half-fetched left behind
    const cache = mkdtempSync(join(tmpdir(), 'netcost-nocache-'));
    const offline = sh(
      `XDG_CACHE_HOME=${cache} npm_config_cache=${cache}/npm npm_config_offline=true ` +
        'npx --no-install netcost bench shufflenet-v2-0.5x --input 1x3x64x64 --runs 1 --warmup 0',
    );
    expect(offline.status).toBe(2);
    const line = offline.stderr.trim().split('\n').at(-1);
    expect(line).toMatch(/^netcost: cannot fetch onnxruntime-node 1\.30\.0, which running a model needs \(npm: .*\); /);
    expect(line).toMatch(/; install it beside netcost with: npm install onnxruntime-node@1\.30\.0 --ignore-scripts$/);
    expect(readdirSync(join(cache, 'netcost'))).toEqual([]);
    const calibrated = netcost('calibrate --quick');
    expect(calibrated.status, calibrated.stderr).toBe(0);
    expect(existsSync(join(installEnv.XDG_CACHE_HOME, 'netcost/machine-profile.json'))).toBe(true);
  }, 300_000);

  it("installs with no warning about netcost's own scripts: the packed package.json has none", () => {
    expect(installLog).toContain('added');
    expect(installLog).not.toMatch(/netcost@/);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/netcost/package.json'), 'utf8'));
    expect(installed.scripts).toBeUndefined();
    expect(installed.bin).toEqual({ netcost: 'bin/netcost.cjs' });
  });

  it('without a config or models, check says how to start', () => {
    const r = netcost('check');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no models to check and no netcost config here; start one with `npx netcost check --init/);
  });

  it("the spec files netcost ships are addressable without a path: --help's examples run as printed", () => {
    const help = netcost('--help').stdout;
    for (const example of ['compare builtin:guidelines/g2', 'report builtin:examples/resnext-unit']) {
      expect(help).toContain(`$ netcost ${example}`);
      const r = netcost(example);
      expect(r.status, r.stderr).toBe(0);
    }
    // the ResNeXt unit's pointwise convolutions take 93.4% of its multiply-adds (ShuffleNet V1, section 3.1)
    expect(netcost('report builtin:examples/resnext-unit').stdout).toMatch(/pointwise-conv .* 93\.4%/);
    expect(netcost('report builtin:../package').stderr).toMatch(
      /netcost ships no such spec; it ships builtin:guidelines\/g1/,
    );
  });

  it('init, record, fewer groups: exit 1 with the grown rows; the hint, pasted, records it', () => {
    writeFileSync(join(project, 'tiny.yaml'), spec(4));
    expect(netcost('check --init tiny.yaml').status).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'netcost.config.json'), 'utf8')).models).toEqual(['tiny.yaml']);
    const fresh = netcost('check');
    expect(fresh.status).toBe(1);
    expect(fresh.stdout).toMatch(
      /No baseline yet for tiny in netcost-baselines; record it with npx netcost check --update\./,
    );
    expect(netcost('check --update').status).toBe(0);
    expect(readdirSync(join(project, 'netcost-baselines'))).toEqual(['tiny.json']);
    expect(existsSync(join(ROOT, 'configs/baselines/tiny.json'))).toBe(false);
    expect(netcost('check').status).toBe(0);

    // fewer groups: the costs grow, which fails (a decrease would pass as an improvement)
    writeFileSync(join(project, 'tiny.yaml'), spec(2));
    const changed = netcost('check');
    expect(changed.status).toBe(1);
    // pw: 16 -> 32 channels, 1x1, 16x16: 16·32/g·256 MAdds
    expect(changed.stdout).toMatch(/tiny\s+original\s+pw\.conv\s+madds\s+32,768\s+65,536\s+\+100\.00%/);
    // netcost is this project's package, not on PATH: the hint runs it with npx, and runs pasted as printed
    const hint = /run (npx netcost check [^\n]*--update) and commit/.exec(changed.stdout)?.[1];
    expect(hint).toBe('npx netcost check --update');
    expect(sh(hint ?? 'false').status).toBe(0);
    expect(netcost('check').status).toBe(0);
  });

  it("the example GitHub workflow's check step runs as written", () => {
    writeFileSync(join(project, 'tiny.yaml'), spec(1));
    const workflow = parse(readFileSync(join(ROOT, '.github/workflows/netcost-check.yml'), 'utf8'));
    const step = workflow.jobs.cost.steps.find((s: { id?: string }) => s.id === 'check');
    const out = join(project, 'gh-output');
    const r = sh(`export GITHUB_OUTPUT=${out} GITHUB_STEP_SUMMARY=${join(project, 'summary')}\n${step.run}`);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('status=1\n');
    const md = readFileSync(join(project, 'netcost-check.md'), 'utf8');
    expect(md).toMatch(/^### netcost check: FAIL\n\nnetcost check: /);
    expect(md).toMatch(/\| tiny \| original \| pw\.conv \| madds \|/);
  });

  it("the README's library example compiles with tsc --strict against the installed package", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /## Library\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain("from 'netcost'");
    writeFileSync(join(project, 'example.mts'), example);
    const tsconfig = {
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        outDir: 'out',
        types: ['node'],
      },
      files: ['example.mts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = sh('npx --no-install tsc -p . 2>&1');
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
    const run = sh('node out/example.mjs 2>&1');
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^\d+ ### netcost report: shufflenet-v2-1\.0x/);
    // the ONNX file at 160x160: its five largest layers by MAdds, then the total
    expect(run.stdout).toMatch(
      /\nmodel,name,op,output,params,madds,[^\n]*\n(shufflenet-v2-1\.0x,[^\n]+\n){5}shufflenet-v2-1\.0x,total,/,
    );
    expect(run.stdout).toMatch(/no model shufflenet-v9: unknown model 'shufflenet-v9'/);
  });
});
