/** What the hostile suites share: a scratch folder, the CLI run in it, and the clean-error check. */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, cli } from './helpers.ts';
import { type GraphSpec, type NodeSpec, onnxModel, type TensorSpec } from './onnx-models.ts';

export function hostileKit(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `netcost-${prefix}-`));
  const file = (name: string, content: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const run = (args: string[], cwd = dir) => cli(args, { cwd, timeoutMs: 10_000 });
  /** a spec file of the given layers (YAML lines), named after the file */
  const spec = (name: string, layers: string, extra = '') =>
    file(
      name,
      `name: ${JSON.stringify(name.replace(/\.\w+$/, ''))}\ninput: [1, 3, 8, 8]\n${extra}layers:\n${layers}\n`,
    );
  return { dir, file, run, spec };
}

/** A 3x3 Conv node, a weight of some dims, and the 1x3x8x8 input most hostile models read. */
export const conv = (x: string, y: string, w: string, attrs: NodeSpec['attrs'] = {}): NodeSpec => ({
  op: 'Conv',
  inputs: [x, w],
  outputs: [y],
  attrs: { kernel_shape: [3, 3], ...attrs },
});
export const weight = (name: string, dims: number[]): TensorSpec => ({ name, dims });
export const x8 = [{ name: 'x', dims: [1, 3, 8, 8] }];

/** A snapshot of every file under the roots (path -> content), to prove nothing else changed. */
export function snapshot(roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      if (f === 'node_modules' || f === '.git' || f === 'dist') continue;
      const p = join(d, f);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(p, readFileSync(p, 'utf8'));
    }
  };
  for (const r of roots) walk(r);
  return out;
}

/** One clean error: exit 2, one line, no stack trace, the pattern. */
export function expectClean(r: CliResult, pattern: RegExp): void {
  expect(r.code, `${r.stderr}${r.stdout.slice(0, 300)}`).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stderr).toMatch(pattern);
}

export const i64 = (name: string, v: number[], dims = [v.length]): TensorSpec => ({ name, dims, ints: v });
export const bool = (name: string, v: number): TensorSpec => ({ name, dims: [], type: 'bool', values: [v] });

/** A Scan of one state (init [4]) over xs [3, 4] whose body adds each row to the state and gives it twice. */
export function scanModel(
  file: (name: string, content: Uint8Array) => string,
  name: string,
  outputs: string[],
  attrs: Record<string, number | number[]> = {},
): string {
  const body: GraphSpec = {
    inputs: [{ name: 's' }, { name: 'e' }],
    nodes: [{ op: 'Add', name: 'add', inputs: ['s', 'e'], outputs: ['s2'] }],
    outputs: ['s2', 's2'],
  };
  return file(
    name,
    onnxModel({
      inputs: [
        { name: 'init', dims: [4] },
        { name: 'xs', dims: [3, 4] },
      ],
      nodes: [
        {
          op: 'Scan',
          name: 'scan',
          inputs: ['init', 'xs'],
          outputs,
          attrs: { body: { g: body }, num_scan_inputs: 1, ...attrs },
        },
      ],
      outputs: [outputs[outputs.length - 1]],
    }),
  );
}
