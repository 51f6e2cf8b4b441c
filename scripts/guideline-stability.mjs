// Do the guideline verdicts survive this machine's noise? (`npm run bench -- stability`)
// Runs `guidelines` at its default settings (40 timed runs per network, 3 warm-up, another pass of
// 40 while a verdict is inconclusive at this noise, up to 120) N times in a row
// (NETCOST_STABILITY_RUNS, default 20) and counts how often each guideline gets its most common
// verdict, and on how many runs per network. Target: at least 19 of 20. Exit 1 when one misses it.
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const nc = await import(`${root}dist/index.js`);
const n = Number(process.env.NETCOST_STABILITY_RUNS ?? 20);

/** the verdict's kind, without its numbers (the result says it: the trend test's, or the effects' combined) */
const kind = (r) => r.decision ?? 'none';
/** a guideline and its construction (G3 is built two ways) */
const label = (r) => `${r.id}${r.construction ? ` (${r.construction})` : ''}`;

const tally = new Map();
/** runs per network each guideline's verdict rested on */
const taken = new Map();
/** each effect of a guideline of several (G3, G4): shown, not held to the target */
const effects = new Map();
const count = (map, key, k) => {
  if (!map.has(key)) map.set(key, new Map());
  map.get(key).set(k, (map.get(key).get(k) ?? 0) + 1);
};
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const { results } = await nc.runGuidelines(nc.GUIDELINE_IDS, {});
  for (const r of results) {
    count(tally, label(r), kind(r));
    count(taken, label(r), r.runs);
    for (const e of r.effects ?? []) count(effects, `${label(r)}: ${e.label}`, e.verdict);
  }
  const line = results.map((r) => `${label(r)} ${kind(r)}${r.passes ? ` (${r.runs} runs)` : ''}`).join(', ');
  process.stderr.write(`run ${i + 1}/${n}: ${line}\n`);
}
console.log(
  `\n${n} runs of \`netcost guidelines\` at the defaults in ${((performance.now() - t0) / 60000).toFixed(1)} min`,
);
console.log('\n| guideline | verdicts (count) | most common | share | runs per network (count) |');
console.log('| --- | --- | --- | ---: | --- |');
let ok = true;
for (const [id, m] of tally) {
  const sorted = [...m].sort((a, b) => b[1] - a[1]);
  const [top, count] = sorted[0];
  const share = count / n;
  if (count < Math.ceil((19 / 20) * n)) ok = false;
  console.log(
    `| ${id} | ${sorted.map(([k, c]) => `${k} (${c})`).join(', ')} | ${top} | ${(100 * share).toFixed(0)}% | ` +
      `${[...taken.get(id)]
        .sort((a, b) => a[0] - b[0])
        .map(([k, c]) => `${k} (${c})`)
        .join(', ')} |`,
  );
}
for (const [id, m] of effects) {
  const sorted = [...m].sort((a, b) => b[1] - a[1]);
  const line = sorted.map(([k, c]) => `${k} (${c})`).join(', ');
  console.log(`| ${id} (an effect) | ${line} | ${sorted[0][0]} | ${((100 * sorted[0][1]) / n).toFixed(0)}% | |`);
}
console.log(`\ntarget: each guideline's most common verdict in at least 19 of 20 runs: ${ok ? 'PASS' : 'FAIL'}`);
process.exitCode = ok ? 0 : 1;
