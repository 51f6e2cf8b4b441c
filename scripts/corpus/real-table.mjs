// README's table of the real-world corpus (npm run docs writes it; a unit test holds README to it):
// each package version, its files, what they are, and the sizes and values each needs.
import { readFileSync } from 'node:fs';

/** The flags a file of real.json needs, as netcost's CLI spells them (real.mjs prints them too). */
export const flagsOf = (f) => [
  ...Object.entries(f.inputs ?? {}).map(([k, v]) => `--input ${k}=${v.join('x')}`),
  ...Object.entries(f.dims ?? {}).map(([k, v]) => `--dim ${k}=${v}`),
  ...Object.entries(f.values ?? {}).map(([k, v]) => `--value ${k}=${v.join(',')}`),
];

const needs = (f) =>
  flagsOf(f)
    .map((x) => `\`${x}\``)
    .join(' ') || 'nothing';

export function realCorpusMarkdown() {
  const real = JSON.parse(readFileSync(new URL('real.json', import.meta.url), 'utf8'));
  return [
    '| package | file | what | given |',
    '| --- | --- | --- | --- |',
    ...real.packages.flatMap((p) =>
      p.files.map((f, i) => `| ${i ? '' : p.spec} | ${f.path} | ${i ? '' : p.what} | ${needs(f)} |`),
    ),
  ].join('\n');
}
