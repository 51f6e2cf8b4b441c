/** `netcost check` as a document: a diff a reviewer reads in ten seconds, and what to do next. */
import { type CheckResult, type Finding, isIncrease } from '../check/check.ts';
import { type Cell, type Document, lines, num, type Section, text } from '../result/document.ts';
import { int } from '../result/format.ts';
import { checkCharts } from './charts/commands.ts';

/** Rows per model shown in table and md output; JSON has every finding. */
const MAX_ROWS_PER_MODEL = 24;

/** The relative change, or null where the baseline was 0. */
const change = (b: number, c: number): Cell => (b === 0 ? null : (c - b) / b);
const counts = (c: { madds: number; memoryAccess: number; params: number }) =>
  `params ${int(c.params)}, MAdds ${int(c.madds)}, MAC ${int(c.memoryAccess)}`;

function row(f: Finding): Cell[] {
  switch (f.kind) {
    case 'changed':
      return [f.model, f.view, f.layer ?? '(total)', f.metric, f.baseline, f.current, change(f.baseline, f.current)];
    case 'layer-added':
      return [f.model, f.view, f.layer, 'layer added', '-', counts(f.current), null];
    case 'layer-removed':
      return [f.model, f.view, f.layer, 'layer removed', counts(f.baseline), '-', null];
    case 'model-added':
      return [f.model, '', '', 'model added (no baseline)', '-', '', null];
    case 'model-removed':
      return [f.model, '', '', 'model removed (baseline only)', '', '-', null];
    case 'input-changed':
      return [f.model, '', '', 'input shape', f.baseline.join('x'), f.current.join('x'), null];
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
function rows(r: CheckResult): { rows: Cell[][]; hidden: number } {
  const byModel = new Map<string, Finding[]>();
  for (const f of r.findings) byModel.set(f.model, [...(byModel.get(f.model) ?? []), f]);
  const out: Cell[][] = [];
  let hidden = 0;
  for (const fs of byModel.values()) {
    const sorted = [...fs].sort((a, b) => rank(a) - rank(b));
    out.push(...sorted.slice(0, MAX_ROWS_PER_MODEL).map(row));
    hidden += Math.max(0, sorted.length - MAX_ROWS_PER_MODEL);
  }
  return { rows: out, hidden };
}
const rank = (f: Finding) => (f.kind === 'changed' && f.layer === null ? 0 : f.kind === 'changed' ? 2 : 1);

/** Baseline and current: a count, or words for findings that are not one number (a layer added). */
const COLUMNS = [
  text('model'),
  text('view'),
  text('layer'),
  text('metric'),
  num('baseline', 'baseline', 'int'),
  num('current', 'current', 'int'),
  num('change', 'change', 'signed', { digits: 2 }),
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One sentence: how many models match, changed or have no baseline yet. */
function headline(r: CheckResult, n: number, models: number, fresh: string[], improved: number): string {
  const matching = r.models.length - models - fresh.length;
  if (n === 0 && fresh.length === 0)
    return `${plural(r.models.length, 'model')} match${r.models.length === 1 ? 'es' : ''} ${r.baseline}`;
  const kinds = improved === 0 ? '' : improved === n ? ', all improvements' : `, ${improved} of them improvements`;
  return [
    n ? `${plural(n, 'change')} in ${plural(models, 'model')} against ${r.baseline}${kinds}` : '',
    fresh.length && !r.updated.length ? `${plural(fresh.length, 'model')} without a baseline` : '',
    fresh.length && r.updated.length ? `recorded ${plural(fresh.length, 'new model')} (${fresh.join(', ')})` : '',
    matching > 0 ? `${matching} matching` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export function checkDocument(r: CheckResult): Document {
  // a model without a baseline is said in words, not as a table row of dashes
  const fresh = r.findings.filter((f) => f.kind === 'model-added').map((f) => f.model);
  const diff: CheckResult = { ...r, findings: r.findings.filter((f) => f.kind !== 'model-added') };
  const n = diff.findings.length;
  const models = new Set(diff.findings.map((f) => f.model)).size;
  const tol = Object.entries(r.tolerances)
    .map(([k, v]) => `${k} ${v}%`)
    .join(', ');
  const rule = `cost numbers compared exactly${tol ? ` except: ${tol}` : ''}`;
  const latency = r.latencyReference
    ? ` Latency is relative to ${r.latencyReference}, timed in the same run (absolute times do not compare across ` +
      'machines).'
    : '';
  const status = r.updated.length ? 'UPDATED' : r.ok ? 'PASS' : 'FAIL';
  const improved = diff.findings.filter((f) => !isIncrease(f)).length;
  const failOn =
    r.failOn === 'any'
      ? ' Every change fails (--fail-on any).'
      : ' Increases fail; decreases are improvements (--fail-on any fails on both).';
  const { rows: rs, hidden } = rows(diff);
  const sections: Section[] = [];
  if (n)
    sections.push({
      kind: 'table',
      id: 'findings',
      label: 'Findings',
      primary: true,
      columns: COLUMNS,
      rows: rs,
      ...(hidden ? { notes: [`... and ${hidden} more layer rows (--format json lists every one)`] } : {}),
    });
  const next: string[] = [];
  if (fresh.length && !r.updated.length)
    next.push(`No baseline yet for ${fresh.join(', ')} in ${r.baseline}; record it with ${r.updateCommand}.`);
  if (n && !r.updated.length && r.ok)
    next.push(`${plural(improved, 'improvement')}, nothing grew: record the lower numbers with ${r.updateCommand}.`);
  else if (n && !r.updated.length)
    next.push(`If the change is intended, run ${r.updateCommand} and commit the baseline.`);
  if (r.updated.length) {
    const shown =
      r.updated.slice(0, 5).join(', ') + (r.updated.length > 5 ? `, ... (${r.updated.length - 5} more)` : '');
    next.push(`updated ${plural(r.updated.length, 'baseline file')}: ${shown}`);
  }
  if (next.length) sections.push(lines('next', next));
  return {
    title: `netcost check: ${status}`,
    head: [`netcost check: ${headline(r, n, models, fresh, improved)} (${rule}).${n ? failOn : ''}${latency}`],
    sections,
    data: r,
    charts: () => checkCharts(r),
  };
}
