// The browser the picture tests drive: Debian's chromium (or NETCOST_CHROMIUM). The end-to-end
// test set-up installs it when it is missing and this is a Debian machine run as root (as CI is).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const chromiumPath = () => process.env.NETCOST_CHROMIUM ?? '/usr/bin/chromium';

export function ensureChromium() {
  if (existsSync(chromiumPath())) return chromiumPath();
  const root = process.getuid?.() === 0;
  if (!process.env.NETCOST_CHROMIUM && root && existsSync('/usr/bin/apt-get')) {
    console.log('netcost tests: installing Debian chromium for the browser tests (apt-get)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    if (existsSync(chromiumPath())) return chromiumPath();
  }
  throw new Error(
    `the browser tests need Chromium at ${chromiumPath()}: install Debian's chromium (apt-get install chromium, ` +
      'as root) or set NETCOST_CHROMIUM to a Chromium or Chrome binary',
  );
}
