/** What the hostile suites share: a scratch folder, the CLI run in it, and the clean-error check. */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type CliResult, cli } from './helpers.ts';

export function hostileKit(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `netcost-${prefix}-`));
  const file = (name: string, content: string | Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const run = (args: string[], cwd = dir) => cli(args, { cwd, timeoutMs: 10_000 });
  return { dir, file, run };
}

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
