/**
 * How the user runs netcost here, so that a hint works pasted as printed: `npx netcost` when this
 * netcost is a package of the project the command runs in (a local install: not on PATH),
 * `netcost` otherwise (a global install, or the development checkout's bin/).
 */
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';

export function netcostCommand(script = process.argv[1] ?? '', cwd = process.cwd()): string {
  let real: string;
  try {
    real = realpathSync(script);
  } catch {
    return 'netcost';
  }
  const at = real.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return 'netcost';
  const project = real.slice(0, at);
  return cwd === project || cwd.startsWith(`${project}${sep}`) ? 'npx netcost' : 'netcost';
}
