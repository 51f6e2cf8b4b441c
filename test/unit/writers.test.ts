/**
 * The writers over a small hand-made document, whose every output is known: a tree cut at a depth,
 * sorted and cut to the top rows, each format's cells; and the writers' independence of commands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Document, lines, num, text } from '../../src/result/document.ts';
import { render } from '../../src/result/write.ts';
import { wrapped } from '../../src/result/writers/text.ts';
import { ROOT } from '../helpers.ts';

/** net: block (a, b), c; block's MAdds are its members' sum */
const doc: Document = {
  title: 'netcost test: net',
  head: ['net, 3 layers'],
  sections: [
    {
      kind: 'table',
      id: 'layers',
      primary: true,
      columns: [
        text('name', 'layer'),
        num('madds', 'MAdds', 'count', { scaled: true }),
        num('share', 'MAdds %', 'share'),
        text('kernel', 'kernel', { optional: true }),
      ],
      rows: [
        ['block', 3_000_000, 0.75, null],
        ['block.a', 2_000_000, 0.5, '3x3'],
        ['block.b', 1_000_000, 0.25, '1x1'],
        ['c', 1_000_000, 0.25, '1x1'],
      ],
      tree: { level: [0, 1, 1, 0], group: [true, false, false, false] },
      total: ['total', 4_000_000, 1, null],
    },
    lines('notes', ['a *note* about <b>'], 'list', 'Notes'),
  ],
  data: { madds: 4_000_000 },
};

describe('writers over one document', () => {
  it('table: every layer at full depth, the group at depth 1, the units scaled, the total last', async () => {
    expect(await render(doc, 'table')).toBe(
      [
        'net, 3 layers',
        '',
        'layer    MAdds  MAdds %',
        '-------  -----  -------',
        'block.a  2.00M    50.0%',
        'block.b  1.00M    25.0%',
        'c        1.00M    25.0%',
        'total    4.00M   100.0%',
        '',
        'Notes:',
        'a *note* about <b>',
        '',
      ].join('\n'),
    );
    const depth1 = await render(doc, 'table', { depth: 1, units: 'K' });
    expect(depth1).toContain(
      'layer  MAdds (K)  MAdds %\n-----  ---------  -------\nblock      3,000    75.0%\nc          1,000    25.0%',
    );
  });

  it('table in a narrow terminal: ranked columns hidden (rank 1 first) until it fits; a line names them', async () => {
    const table = doc.sections[0] as Extract<Document['sections'][number], { kind: 'table' }>;
    const ranked: Document = {
      ...doc,
      sections: [
        {
          ...table,
          columns: [
            text('name', 'layer'),
            num('madds', 'MAdds', 'count', { scaled: true, hideRank: 2 }),
            num('share', 'MAdds %', 'share', { hideRank: 1 }),
            text('kernel', 'kernel', { optional: true }),
          ],
        },
      ],
    };
    // 'layer    MAdds  MAdds %' is 23 wide; without the share 'layer    MAdds', 14
    const at = async (width?: number) =>
      (await render(ranked, 'table', width === undefined ? {} : { width })).split('\n');
    expect((await at(23)).slice(2, 3)).toEqual(['layer    MAdds  MAdds %']);
    const narrow = await at(20);
    expect(narrow.slice(2, 4)).toEqual(['layer    MAdds', '-------  -----']);
    // the line naming them wraps to the width too
    expect(narrow.join(' ').replace(/\s+/g, ' ')).toContain(
      '(hidden to fit 20 columns: MAdds %; a wider terminal, or a pipe, shows them)',
    );
    expect(narrow.filter((l) => l.length > 20)).toEqual([]);
    // the unranked name column stays, however narrow (the header lines above it wrap)
    expect((await at(5)).filter((l) => l.startsWith('layer'))).toEqual(['layer']);
    expect(await at()).not.toContain(expect.stringMatching(/hidden/));
  });

  it('text lines in a narrow terminal wrap at spaces, continuations indented; a longer word stays whole', async () => {
    expect(wrapped('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', '  ccc', '  ddd']);
    expect(wrapped('  key: one two three', 12)).toEqual(['  key: one', '    two', '    three']);
    expect(wrapped('abcdefghij x', 5)).toEqual(['abcdefghij', '  x']);
    expect(wrapped('aaa bbb ccc ddd', undefined)).toEqual(['aaa bbb ccc ddd']);
    const out = await render(doc, 'table', { width: 12 });
    expect(out).toContain('Notes:\na *note*\n  about <b>');
  });

  it('tree: the group over its members, indented; --columns adds the optional column', async () => {
    const out = await render(doc, 'tree', { columns: ['kernel'] });
    expect(out.split('\n').slice(2, 8)).toEqual([
      'layer      MAdds  MAdds %  kernel',
      '---------  -----  -------  ------',
      'block      3.00M    75.0%',
      '  block.a  2.00M    50.0%  3x3',
      '  block.b  1.00M    25.0%  1x1',
      'c          1.00M    25.0%  1x1',
    ]);
  });

  it('csv: raw numbers under the keys, sorted and cut with --sort and --top; the total kept', async () => {
    expect(await render(doc, 'csv', { sort: 'madds', top: 2 })).toBe(
      'name,madds,share\nblock.a,2000000,0.5\nblock.b,1000000,0.25\ntotal,4000000,1\n',
    );
    const t = await render(doc, 'table', { sort: 'madds', top: 1 });
    expect(t).toContain('... 2 more rows (the 1 largest by madds shown); the total counts every row');
  });

  it('md: a title, the words escaped; json: the data alone', async () => {
    const md = await render(doc, 'md');
    expect(md.startsWith('### netcost test: net\n\nnet, 3 layers\n')).toBe(true);
    expect(md).toContain('- a \\*note\\* about &lt;b&gt;');
    expect(JSON.parse(await render(doc, 'json'))).toEqual({ madds: 4_000_000 });
  });

  it('options a document cannot honour are one clear error', async () => {
    await expect(render(doc, 'table', { sort: 'speed' })).rejects.toThrow(
      '--sort speed: the table has no such number column; choose one of madds, share',
    );
    await expect(render(doc, 'svg')).rejects.toThrow('--format svg: netcost test: net draws no chart');
  });
});

describe('writers know no command', () => {
  it("no file of src/result imports a command's document builder or the CLI", () => {
    const folder = join(ROOT, 'src', 'result');
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const imports = [...readFileSync(join(folder, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const i of imports)
        expect(i, f).not.toMatch(/report\/(report|compare|bench|check|guidelines|profile|list)\.ts|cli\//);
    }
  });
});
