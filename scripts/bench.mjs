// netcost's speed targets, measured side by side in one run (the machine is noisy: medians of
// interleaved runs, never a single timing). Exit 1 when a target is missed.
//
//   startup: `netcost report <built-in>` must cost under 1.5x a bare `node -e 0`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.NETCOST_BENCH_RUNS ?? 25);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

function compare(title, target, cases) {
  const samples = cases.map(() => []);
  for (let i = 0; i < runs + 2; i++) {
    cases.forEach(([, cmd, args], k) => {
      const ms = time(cmd, args);
      if (i >= 2) samples[k].push(ms); // two warm-up rounds fill the page cache
    });
  }
  console.log(`\n${title} (${runs} interleaved runs each)`);
  const base = median(samples[0]);
  let ok = true;
  cases.forEach(([label], k) => {
    const m = median(samples[k]);
    const r = m / base;
    console.log(`  ${label.padEnd(52)} median ${m.toFixed(1).padStart(6)} ms  p10-p90 ${q(samples[k], 0.1).toFixed(1)}-${q(samples[k], 0.9).toFixed(1)} ms  ${r.toFixed(2)}x`);
    if (k > 0 && r > target) ok = false;
  });
  console.log(`  target: each under ${target}x the first line: ${ok ? 'PASS' : 'FAIL'}`);
  return ok;
}

const node = process.execPath;
const cli = `${root}bin/netcost.js`;
const results = [
  compare('startup: report of a built-in model vs a bare node start', 1.5, [
    ['node -e 0', node, ['-e', '0']],
    ['netcost report shufflenet-v2-1.0x', node, [cli, 'report', 'shufflenet-v2-1.0x']],
    ['netcost report shufflenet-v1-g8-1.0x --view deploy', node, [cli, 'report', 'shufflenet-v1-g8-1.0x', '--view', 'deploy']],
    ['netcost report mobilenet-v2-1.0x --format json', node, [cli, 'report', 'mobilenet-v2-1.0x', '--format', 'json']],
  ]),
];
process.exitCode = results.every(Boolean) ? 0 : 1;
