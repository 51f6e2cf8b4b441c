/** Reporters for `check`: a diff a reviewer reads in ten seconds, and a PR-comment summary. */
import type { CheckResult, Finding } from '../check/check.ts';
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

export function renderCheck(r: CheckResult, format: Format): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  const n = r.findings.length;
  const models = new Set(r.findings.map((f) => f.model)).size;
  const tol = Object.entries(r.tolerances)
    .map(([k, v]) => `${k} ${v}%`)
    .join(', ');
  const rule = `cost numbers compared exactly${tol ? ` except: ${tol}` : ''}`;
  const latency = r.latencyReference
    ? ` Latency is relative to ${r.latencyReference}, timed in the same run (absolute times do not compare across ` +
      `machines).`
    : '';
  const { rows: rs, hidden } = rows(r);
  const more = hidden ? `... and ${hidden} more layer rows (--format json lists every one)` : '';
  const shown = r.updated.slice(0, 5).join(', ') + (r.updated.length > 5 ? `, ... (${r.updated.length - 5} more)` : '');
  const updated = r.updated.length
    ? `updated ${r.updated.length} baseline file${r.updated.length === 1 ? '' : 's'}: ${shown}`
    : '';
  if (format === 'md') {
    const status =
      n === 0
        ? `**PASS**: ${r.models.length} models match the baseline.`
        : r.updated.length
          ? `**UPDATED**: ${n} change${n === 1 ? '' : 's'} in ${models} model${models === 1 ? '' : 's'} written to ` +
            `the baseline.`
          : `**FAIL**: ${n} change${n === 1 ? '' : 's'} in ${models} model${models === 1 ? '' : 's'} against ` +
            `\`${r.baseline}\`.`;
    const parts = ['### netcost check', '', status, '', `_${rule}.${latency}_`];
    if (n) parts.push('', mdTable(HEAD, rs, ['l', 'l', 'l', 'l', 'r', 'r', 'r']));
    if (more) parts.push('', more);
    if (n && !r.updated.length)
      parts.push('', 'If the change is intended, run `netcost check --update` and commit the baseline.');
    return `${parts.join('\n')}\n`;
  }
  const parts: string[] = [];
  if (n === 0) parts.push(`netcost check: ${r.models.length} models match ${r.baseline} (${rule}).${latency}`);
  else {
    parts.push(
      `netcost check: ${n} change${n === 1 ? '' : 's'} in ${models} model${models === 1 ? '' : 's'} against ` +
        `${r.baseline} (${rule}).${latency}`,
      '',
      textTable(HEAD, rs, ['l', 'l', 'l', 'l', 'r', 'r', 'r']),
    );
    if (more) parts.push(more);
    if (!r.updated.length)
      parts.push('', 'If the change is intended, run `netcost check --update` and commit the baseline.');
  }
  if (updated) parts.push(updated);
  return `${parts.join('\n')}\n`;
}
