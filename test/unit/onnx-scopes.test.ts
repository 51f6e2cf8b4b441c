/**
 * Structure is explicit in the graph: layers carry their group path, set by the spec builder from
 * the spec's nesting and by the importer from scope names (PyTorch, tf2onnx) or netcost's own
 * metadata. --depth and the JSON groups work on any ONNX file.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/cost/analyze.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { importOnnx } from '../../src/onnx/import.ts';
import { graphOf } from '../../src/pipeline.ts';
import { reportDocument } from '../../src/report/report.ts';
import { rowsAtDepth } from '../../src/report/rows.ts';
import { render } from '../../src/result/write.ts';
import { resolveModel } from '../../src/spec/load.ts';
import { type NodeSpec, onnxModel } from '../onnx-models.ts';

/** A small ResNet-like chain with the given node names (conv, relu, conv, add, relu, ..., pool, flatten, fc). */
function named(names: string[]): Uint8Array {
  const [c1, r1, c2, r2, c3, add, r3, pool, flat, fc] = names;
  const conv = (name: string, x: string, y: string): NodeSpec => ({
    op: 'Conv',
    name,
    inputs: [x, `${name}.w`],
    outputs: [y],
    attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
  });
  return onnxModel({
    nodes: [
      conv(c1, 'x', 't1'),
      { op: 'Relu', name: r1, inputs: ['t1'], outputs: ['t2'] },
      conv(c2, 't2', 't3'),
      { op: 'Relu', name: r2, inputs: ['t3'], outputs: ['t4'] },
      conv(c3, 't4', 't5'),
      { op: 'Add', name: add, inputs: ['t5', 't2'], outputs: ['t6'] },
      { op: 'Relu', name: r3, inputs: ['t6'], outputs: ['t7'] },
      { op: 'GlobalAveragePool', name: pool, inputs: ['t7'], outputs: ['t8'] },
      { op: 'Flatten', name: flat, inputs: ['t8'], outputs: ['t9'] },
      { op: 'Gemm', name: fc, inputs: ['t9', 'fc.w', 'fc.b'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    initializers: [
      { name: `${c1}.w`, dims: [8, 3, 3, 3] },
      { name: `${c2}.w`, dims: [8, 8, 3, 3] },
      { name: `${c3}.w`, dims: [8, 8, 3, 3] },
      { name: 'fc.w', dims: [10, 8] },
      { name: 'fc.b', dims: [10] },
    ],
    inputs: [{ name: 'x', dims: [1, 3, 16, 16] }],
    outputs: ['y'],
  });
}

const PYTORCH = [
  '/conv1/Conv',
  '/relu/Relu',
  '/layer1/layer1.0/conv1/Conv',
  '/layer1/layer1.0/relu/Relu',
  '/layer1/layer1.0/conv2/Conv',
  '/layer1/layer1.0/Add',
  '/layer1/layer1.0/relu_1/Relu',
  '/avgpool/GlobalAveragePool',
  '/Flatten',
  '/fc/Gemm',
];

describe('groups from scope names', () => {
  it('PyTorch module paths: --depth 1 gives one row per top-level module, with the same totals', () => {
    const r = analyze(importOnnx(named(PYTORCH), { file: 'resnet.onnx' }).graph);
    expect(r.groups.map((g) => [g.name, g.kind, g.depth, g.layers])).toEqual([
      ['/conv1', 'module', 1, 1],
      ['/relu', 'module', 1, 1],
      ['/layer1', 'module', 1, 5],
      ['/layer1/layer1.0', 'module', 2, 5],
      ['/layer1/layer1.0/conv1', 'module', 3, 1],
      ['/layer1/layer1.0/relu', 'module', 3, 1],
      ['/layer1/layer1.0/conv2', 'module', 3, 1],
      ['/layer1/layer1.0/relu_1', 'module', 3, 1],
      ['/avgpool', 'module', 1, 1],
      ['/fc', 'module', 1, 1],
    ]);
    const top = rowsAtDepth(r, 1);
    expect(top.map((x) => x.name)).toEqual(['/conv1', '/relu', '/layer1', '/avgpool', '/Flatten', '/fc']);
    expect(top.reduce((a, x) => a + x.madds, 0)).toBe(r.totals.madds);
    expect(rowsAtDepth(r, 2).map((x) => x.name)).toContain('/layer1/layer1.0');
  });

  it('tf2onnx name scopes: a root scope around everything is dropped', () => {
    const tf = PYTORCH.map((n) => `StatefulPartitionedCall/model${n.replace(/\/(\w+)$/, '/$1_op')}`);
    const r = analyze(importOnnx(named(tf), { file: 'tf.onnx' }).graph);
    const depth1 = rowsAtDepth(r, 1).map((x) => x.name);
    expect(depth1).toEqual([
      'StatefulPartitionedCall/model/conv1',
      'StatefulPartitionedCall/model/relu',
      'StatefulPartitionedCall/model/layer1',
      'StatefulPartitionedCall/model/avgpool',
      'StatefulPartitionedCall/model/Flatten_op',
      'StatefulPartitionedCall/model/fc',
    ]);
    expect(r.groups.every((g) => g.kind === 'scope')).toBe(true);
  });

  it('flat names give one honest level: no groups, no by-stage table', async () => {
    const flat = PYTORCH.map((_, i) => `node_${i}`);
    const r = analyze(importOnnx(named(flat), { file: 'flat.onnx' }).graph);
    expect(r.groups).toEqual([]);
    expect(rowsAtDepth(r, 1)).toHaveLength(r.layers.length);
    expect(await render(reportDocument(r), 'table')).not.toMatch(/By stage/);
  });
});

describe("netcost's own exports keep their groups through the file's metadata", () => {
  it('every layer comes back with its path and every group with its kind', async () => {
    for (const view of ['original', 'deploy'] as const) {
      const g = graphOf(await resolveModel('shufflenet-v2-0.5x'), { view });
      const back = importOnnx(exportOnnx(g), { file: 'v2.onnx' }).graph;
      expect(back.groups).toEqual(g.groups);
      expect(back.layers.map((l) => [l.name, l.path])).toEqual(g.layers.map((l) => [l.name, l.path]));
    }
  });
});
