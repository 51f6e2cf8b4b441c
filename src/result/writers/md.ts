/**
 * `--format md`: a pull-request comment. Every word that may come from input (names of models,
 * layers, files) goes through mdText, so it renders as the text it is.
 */

import { mdText } from '../../util/text.ts';
import { alignOf, cellText, columnTitle } from '../cells.ts';
import type { Document, Section } from '../document.ts';
import { mdTable } from '../format.ts';
import { layout, shownSections, type WriteOptions } from '../layout.ts';

function sectionLines(s: Section, o: WriteOptions): string[] {
  const out = ['', ...(s.title ? [`#### ${mdText(s.title)}`, ''] : [])];
  if (s.kind === 'lines') {
    const line = (l: string) =>
      s.style === 'list'
        ? `- ${mdText(l)}`
        : s.style === 'warning'
          ? `- **warning:** ${mdText(l)}`
          : s.style === 'strong'
            ? `**${mdText(l)}**`
            : mdText(l);
    // paragraphs are apart; list items are one list
    const sep = s.style === 'list' || s.style === 'warning' ? [] : [''];
    return [...out, ...s.lines.flatMap((l, i) => [...(i ? sep : []), line(l)])];
  }
  const t = layout(s, o);
  // mdTable escapes every cell and title
  const rows = [...t.rows, ...(t.total ? [t.total] : [])].map((r) =>
    r.map((v, k) => cellText(v, t.columns[k], o.units)),
  );
  const head = t.columns.map((c) => columnTitle(c, o.units));
  const notes = [...(t.more ? [t.more] : []), ...(s.notes ?? [])].map(mdText);
  return [...out, mdTable(head, rows, t.columns.map(alignOf)), ...notes.flatMap((n) => ['', n])];
}

export function write(doc: Document, o: WriteOptions): string {
  const head = doc.head.flatMap((h) => ['', mdText(h)]);
  const parts = [`### ${mdText(doc.title)}`, ...head, ...shownSections(doc, o).flatMap((s) => sectionLines(s, o))];
  return `${parts.join('\n')}\n`;
}
