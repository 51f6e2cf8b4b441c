/** Test helpers: build models from inline spec text, run the built CLI. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { analyze, type CostReport } from '../src/cost/analyze.ts';
import { buildGraph } from '../src/graph/build.ts';
import { deployGraph } from '../src/graph/deploy.ts';
import { modelsOfSpec } from '../src/spec/load.ts';
import { parseSpecText } from '../src/spec/parse.ts';
import type { ModelSpec } from '../src/spec/types.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function modelFromYaml(yaml: string, file = 'inline.yaml'): ModelSpec {
  return modelsOfSpec(parseSpecText(yaml, file), file)[0];
}

/**
 * Two 1x1 convolutions with hard swish on channels that are not whole NCHWc blocks (21 in): each
 * runs plain, and onnxruntime inlines each HardSwish as a nameless HardSigmoid and Mul.
 */
export const HARDSWISH_NET = `
name: hs
input: [1, 21, 32, 32]
layers:
  - { op: conv, name: a, out: 63, kernel: 1, act: hardswish }
  - { op: conv, name: b, out: 21, kernel: 1, act: hardswish }
  - { op: gap }
`;

export function costsOfYaml(yaml: string, view: 'original' | 'deploy' = 'original'): CostReport {
  const g = buildGraph(modelFromYaml(yaml));
  return analyze(view === 'deploy' ? deployGraph(g) : g);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (dist/, made by `npm run build`, which `npm test` runs first). */
function withoutColumns(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.COLUMNS;
  return env;
}

export function cli(
  args: string[],
  opts: { cwd?: string; input?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): CliResult {
  const r = spawnSync(process.execPath, [`${ROOT}/bin/netcost.cjs`, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs,
    maxBuffer: 1 << 28,
    // a COLUMNS the developer's shell exports would fit every table to it: tests set it when they mean to
    env: { ...withoutColumns(), ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
