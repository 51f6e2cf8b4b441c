/**
 * Names from input render as text in every format: in Markdown (rendered as a pull-request comment
 * renders it: raw HTML and autolinks on) no name becomes markup, on a terminal no name moves the
 * cursor or reorders the line, and JSON keeps each name exactly.
 */
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { hostileKit } from '../hostile-kit.ts';
import { type NodeSpec, onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('names');
const NAMES = [
  '<img src=x onerror=alert(1)>',
  '[click](https://evil.example)',
  '![pic](x.png)',
  '**bold** _it_ ~~gone~~',
  'a|b|c',
  '`code` ``two``',
  '# heading',
  'www.evil.example',
  '&lt;entity&gt;',
  'bidi\u202eevil\u202c',
];
const nodes: NodeSpec[] = NAMES.map((name, i) => ({
  op: 'Relu',
  name,
  inputs: [i === 0 ? 'x' : `t${i - 1}`],
  outputs: [i === NAMES.length - 1 ? 'y' : `t${i}`],
}));
const model = file('names.onnx', onnxModel({ nodes, inputs: [{ name: 'x', dims: [1, 3, 8, 8] }], outputs: ['y'] }));
const spec = file('s.yaml', `name: ${JSON.stringify(NAMES[0])}\ninput: [1, 3, 8, 8]\nlayers: [ { op: relu } ]\n`);

const md = new MarkdownIt({ html: true, linkify: true });
/** The rendered page's tags, and its text with entities decoded. */
function rendered(markdown: string): { tags: string[]; text: string } {
  const html = md.render(markdown);
  const tags = [...html.matchAll(/<([a-z0-9]+)[\s>]/g)].map((m) => m[1]);
  const text = html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
  return { tags, text };
}
/** A layer's name: the node's, whitespace as '_' (as the importer names layers). */
const layerName = (n: string) => n.replace(/\s+/g, '_');
/** What a name looks like once rendered: itself, with terminal-unsafe characters as escapes. */
const shown = (n: string) => layerName(n).replace('\u202e', '\\u202e').replace('\u202c', '\\u202c');
/** markup no name may make (check's status is bold, its rule italic, and paths are code spans of ours) */
const MARKUP = ['img', 'a', 's', 'del', 'h1', 'script'];

describe('hostile names render as text', () => {
  it.each([
    ['report', ['report', model, '--format', 'md']],
    ['compare', ['compare', model, spec, '--format', 'md']],
    [
      'check',
      ['check', model, spec, '--baseline', file('none.json', '{"schemaVersion":2,"models":[]}'), '--format', 'md'],
    ],
  ])('%s --format md', (_, args) => {
    const r = run(args);
    expect([0, 1], r.stderr).toContain(r.code);
    const { tags, text } = rendered(r.stdout);
    for (const t of MARKUP) expect(tags, `<${t}> in ${_}`).not.toContain(t);
    if (_ !== 'check') for (const t of ['strong', 'em']) expect(tags, `<${t}> in ${_}`).not.toContain(t);
    if (_ === 'report') for (const n of NAMES) expect(text, n).toContain(shown(n));
    // the spec's name, in every command that shows it
    if (_ !== 'report') expect(text).toContain(NAMES[0]);
  });

  it('table: the bidi override is shown as an escape, never emitted', () => {
    const r = run(['report', model]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(r.stdout).toContain('bidi\\u202eevil\\u202c');
  });

  it('tree and csv: every name as itself, controls as escapes, CSV fields quoted as RFC 4180 says', () => {
    const tree = run(['report', model, '--format', 'tree']);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(tree.stdout).not.toContain(String.fromCharCode(27));
    for (const n of NAMES) expect(tree.stdout).toContain(shown(n));
    const csv = run(['report', model, '--format', 'csv']);
    // the second field of each row, unquoted: "a|b|c" needs no quotes, a name with a comma or quote would
    const names = csv.stdout
      .trim()
      .split('\n')
      .slice(1, -1)
      .map((l) => /^[^,]*,("(?:[^"]|"")*"|[^,]*),/.exec(l)?.[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
    expect(names).toEqual(NAMES.map(shown));
  });

  it('html: names are text in the page, never markup', () => {
    const r = run(['report', model, '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    const page = r.stdout;
    const html = (x: string) =>
      x.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
    expect(page).not.toContain('<img');
    for (const n of NAMES) expect(page).toContain(`${html(shown(n))}</td>`);
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    // a chart's labels and tooltips: text in SVG, whatever the name
    const svg = run(['report', model, '--format', 'svg', '--chart', 'layers']);
    expect(svg.code, svg.stderr).toBe(0);
    expect(svg.stdout).not.toMatch(/<(img|script|a)[\s>]/);
    expect(svg.stdout).toContain(`layer: ${html(shown(NAMES[0]))}`);
  });

  it('json keeps every name exactly', () => {
    const r = run(['report', model, '--format', 'json']);
    expect(JSON.parse(r.stdout).layers.map((l: { name: string }) => l.name)).toEqual(NAMES.map(layerName));
  });
});

describe('names onnxruntime writes unescaped into its profiler trace', () => {
  // a Conv, its bias Add and Relu fuse into one kernel named after them; quotes, backslashes and a
  // control character in node and tensor names would make the trace unreadable JSON
  const quoted = file(
    'quoted.onnx',
    onnxModel({
      nodes: [
        {
          op: 'Conv',
          name: 'c"onv',
          inputs: ['x', 'w'],
          outputs: ['t"1'],
          attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
        },
        { op: 'Relu', name: 'r\\elu', inputs: ['t"1'], outputs: ['t\\2'] },
        { op: 'Sigmoid', name: 'sig\u0001', inputs: ['t\\2'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [16, 3, 3, 3] }],
      inputs: [{ name: 'x', dims: [1, 3, 16, 16] }],
      outputs: ['y'],
    }),
  );
  it('bench --per-layer times every layer under its own name, all kernel time attributed', () => {
    const r = run(['bench', quoted, '--per-layer', '--runs', '3', '--warmup', '1', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout).perLayer;
    // the deploy view, as the engine runs it: the Relu is fused into the convolution's layer
    expect(p.layers.map((l: { name: string }) => l.name)).toEqual(['c"onv', 'sig\u0001']);
    expect(p.attributedShare).toBeCloseTo(1, 12);
    expect(p.layers.every((l: { measuredMs: number }) => l.measuredMs > 0)).toBe(true);
    // the blocked kernel is named after its output tensor, with a suffix: the real name comes back in it
    expect(p.layers[0].kernels.join(' ')).toContain('t\\2_nchwc');
  });
});
