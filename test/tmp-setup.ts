/**
 * Global setup of every test run: the files tests write go to a directory of this run's own
 * (TMPDIR, which node's tmpdir() and the CLI processes the tests start both read), removed when
 * the run ends, so a run leaves nothing in the system's temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'netcost-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
