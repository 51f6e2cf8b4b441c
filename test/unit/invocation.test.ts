/** The command a hint names: `npx netcost` for a project's own netcost, `netcost` on PATH. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netcostCommand } from '../../src/cli/invocation.ts';

const root = mkdtempSync(join(tmpdir(), 'netcost-invocation-'));
const bin = (dir: string) => {
  mkdirSync(join(dir, 'node_modules/netcost/bin'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  const script = join(dir, 'node_modules/netcost/bin/netcost.cjs');
  writeFileSync(script, '');
  symlinkSync(script, join(dir, 'node_modules/.bin/netcost'));
  return join(dir, 'node_modules/.bin/netcost');
};

describe('netcostCommand', () => {
  const project = join(root, 'project');
  const local = bin(project);
  const global = bin(join(root, 'usr/lib'));
  mkdirSync(join(project, 'src/deep'), { recursive: true });
  it('a local install run in its project (or below): npx netcost', () => {
    expect(netcostCommand(local, project)).toBe('npx netcost');
    expect(netcostCommand(local, join(project, 'src/deep'))).toBe('npx netcost');
  });
  it('a global install, or one outside the folder run in: netcost', () => {
    expect(netcostCommand(global, project)).toBe('netcost');
    expect(netcostCommand(local, root)).toBe('netcost');
  });
  it('the checkout bin/ (no node_modules on the way), or no script: netcost', () => {
    expect(netcostCommand(join(root, 'nowhere/bin/netcost.cjs'), project)).toBe('netcost');
  });
});
