/** Reporters for `check`: a diff a reviewer reads in ten seconds, and a PR-comment summary. */
import type { CheckResult, Finding } from '../check/check.ts';
import { mdCode, mdText } from '../util/text.ts';
import { int, mdTable } from './format.ts';
import type { Format } from './report.ts';
import { textTable } from './table.ts';

/** Rows per model shown in table and md output; JSON has every finding. */
const MAX_ROWS_PER_MODEL = 24;

const change = (b: number, c: number) =>
  b === 0 ? (c === 0 ? '0' : 'new') : `${c > b ? '+' : ''}${((100 * (c - b)) / b).toFixed(2)}%`;
const counts = (c: { madds: number; memoryAccess: number; params: number }) =>
  `params ${int(c.params)}, MAdds ${int(c.madds)}, MAC ${int(c.memoryAccess)}`;

function row(f: Finding): string[] {
  switch (f.kind) {
    case 'changed':
      return [
        f.model,
        f.view,
        f.layer ?? '(total)',
        f.metric,
        int(f.baseline),
        int(f.current),
        change(f.baseline, f.current),
      ];
    case 'layer-added':
      return [f.model, f.view, f.layer, 'layer added', '-', counts(f.current), ''];
    case 'layer-removed':
      return [f.model, f.view, f.layer, 'layer removed', counts(f.baseline), '-', ''];
    case 'model-added':
      return [f.model, '', '', 'model added (no baseline)', '-', '', ''];
    case 'model-removed':
      return [f.model, '', '', 'model removed (baseline only)', '', '-', ''];
    case 'input-changed':
      return [f.model, '', '', 'input shape', f.baseline.join('x'), f.current.join('x'), ''];
    case 'latency':
      return [
        f.model,
        '',
        '',
        `latency / ${f.reference} (tolerance ${f.tolerance}%)`,
        `${f.baseline.toFixed(3)}x`,
        `${f.current.toFixed(3)}x`,
        change(f.baseline, f.current),
      ];
  }
}

/** Totals first, then layers, capped per model. */
function rows(r: CheckResult): { rows: string[][]; hidden: number } {
  const byModel = new Map<string, Finding[]>();
  for (const f of r.findings) byModel.set(f.model, [...(byModel.get(f.model) ?? []), f]);
  const out: string[][] = [];
  let hidden = 0;
  for (const fs of byModel.values()) {
    const sorted = [...fs].sort((a, b) => rank(a) - rank(b));
    out.push(...sorted.slice(0, MAX_ROWS_PER_MODEL).map(row));
    hidden += Math.max(0, sorted.length - MAX_ROWS_PER_MODEL);
  }
  return { rows: out, hidden };
}
const rank = (f: Finding) => (f.kind === 'changed' && f.layer === null ? 0 : f.kind === 'changed' ? 2 : 1);

const HEAD = ['model', 'view', 'layer', 'metric', 'baseline', 'current', 'change'];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderCheck(r: CheckResult, format: Format): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const md = format === 'md';
  const code = (s: string) => (md ? mdCode(s) : s);
  const names = (xs: string[]) => (md ? xs.map(mdText) : xs).join(', ');
  // a model without a baseline is said in words, not as a table row of dashes
  const fresh = r.findings.filter((f) => f.kind === 'model-added').map((f) => f.model);
  const diff: CheckResult = { ...r, findings: r.findings.filter((f) => f.kind !== 'model-added') };
  const n = diff.findings.length;
  const models = new Set(diff.findings.map((f) => f.model)).size;
  const matching = r.models.length - models - fresh.length;
  const tol = Object.entries(r.tolerances)
    .map(([k, v]) => `${k} ${v}%`)
    .join(', ');
  const rule = `cost numbers compared exactly${tol ? ` except: ${tol}` : ''}`;
  const latency = r.latencyReference
    ? ` Latency is relative to ${r.latencyReference}, timed in the same run (absolute times do not compare across ` +
      `machines).`
    : '';
  const { rows: rs, hidden } = rows(diff);
  const lines: string[] = [];
  const head =
    n === 0 && fresh.length === 0
      ? `${plural(r.models.length, 'model')} match${r.models.length === 1 ? 'es' : ''} ${code(r.baseline)}`
      : [
          n ? `${plural(n, 'change')} in ${plural(models, 'model')} against ${code(r.baseline)}` : '',
          fresh.length && !r.updated.length ? `${plural(fresh.length, 'model')} without a baseline` : '',
          fresh.length && r.updated.length ? `recorded ${plural(fresh.length, 'new model')} (${names(fresh)})` : '',
          matching > 0 ? `${matching} matching` : '',
        ]
          .filter(Boolean)
          .join('; ');
  const status = r.updated.length ? 'UPDATED' : r.ok ? 'PASS' : 'FAIL';
  lines.push(
    md
      ? `### netcost check\n\n**${status}**: ${head}.\n\n_${rule}.${latency}_`
      : `netcost check: ${head} (${rule}).${latency}`,
  );
  if (n)
    lines.push(
      '',
      md
        ? mdTable(HEAD, rs, ['l', 'l', 'l', 'l', 'r', 'r', 'r'])
        : textTable(HEAD, rs, ['l', 'l', 'l', 'l', 'r', 'r', 'r']),
    );
  if (hidden) lines.push(`${md ? '\n' : ''}... and ${hidden} more layer rows (--format json lists every one)`);
  if (fresh.length && !r.updated.length) {
    lines.push(
      '',
      `No baseline yet for ${names(fresh)} in ${code(r.baseline)}; record it with ${code(r.updateCommand)}.`,
    );
  }
  if (n && !r.updated.length) {
    lines.push('', `If the change is intended, run ${code(r.updateCommand)} and commit the baseline.`);
  }
  if (r.updated.length) {
    const shown = names(r.updated.slice(0, 5)) + (r.updated.length > 5 ? `, ... (${r.updated.length - 5} more)` : '');
    lines.push(`${md ? '\n' : ''}updated ${plural(r.updated.length, 'baseline file')}: ${shown}`);
  }
  return `${lines.join('\n')}\n`;
}
