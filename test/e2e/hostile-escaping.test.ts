/**
 * Hostile input, round four (issue 32): names from a file as live spreadsheet formulas, and
 * onnxruntime's own log lines reaching the terminal raw. Each case ends in a correct result or one
 * line with exit 2 naming the file, node or field and the fix.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit, i64 } from '../hostile-kit.ts';
import { onnxModel } from '../onnx-models.ts';

const { file, run } = hostileKit('r4-escaping');

describe('names from a file are data in a spreadsheet', () => {
  it.each([['=HYPERLINK("http://x","y")'], ['@SUM(1+1)'], ['+1+cmd|calc'], ['-2+3']])(
    'a node named %s is a text cell, not a formula',
    (name) => {
      const m = file(
        'csv-name.onnx',
        onnxModel({
          inputs: [{ name: 'x', dims: [1, 4] }],
          nodes: [{ op: 'Relu', name, inputs: ['x'], outputs: ['y'] }],
          outputs: ['y'],
        }),
      );
      const out = run(['report', m, '--format', 'csv']);
      expect(out.code, out.stderr).toBe(0);
      const row = out.stdout.split('\n')[1];
      // OWASP: a leading apostrophe, the field quoted
      expect(row).toContain(`,"'${name.replace(/"/g, '""')}",`);
      expect(row).not.toMatch(/,[=+\-@]/);
    },
  );
});

describe("onnxruntime's own words never reach the terminal raw", () => {
  it.each([
    [
      'Resize',
      {
        op: 'Resize',
        name: 'up',
        inputs: ['x', '', 'scales'],
        outputs: ['y'],
        attrs: { mode: '\u001b]0;pwned\u0007\u001b[2J' },
      },
    ],
    [
      'Pad',
      {
        op: 'Pad',
        name: 'pad',
        inputs: ['x', 'pads'],
        outputs: ['y'],
        attrs: { mode: '\u001b]0;pwned\u0007\u001b[2J' },
      },
    ],
  ])('bench of a %s whose mode holds terminal escapes', (_, node) => {
    const m = file(
      `esc-${node.op}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 1, 4, 4] }],
        initializers: [{ name: 'scales', dims: [4], floats: [1, 1, 2, 2] }, i64('pads', [0, 0, 1, 1, 0, 0, 1, 1])],
        nodes: [node],
        outputs: ['y'],
      }),
    );
    const r = run(['bench', m, '--runs', '1', '--warmup', '0']);
    expect(`${r.stdout}${r.stderr}`).not.toContain('\u001b');
    if (r.code !== 0) expectClean(r, /esc-\w+\.onnx/);
  });
});
