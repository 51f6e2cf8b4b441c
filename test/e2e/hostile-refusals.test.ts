/**
 * Hostile input, round four (issue 32): what was accepted silently before and is refused now: IR
 * versions, opsets, control-flow attributes, profile values, flags that mean nothing for a spec.
 * Each case ends in a correct result or one line with exit 2 naming the file, node or field and the
 * fix.
 */
import { describe, it } from 'vitest';
import type { MachineProfile } from '../../src/predict/machine.ts';
import { bool, expectClean, hostileKit } from '../hostile-kit.ts';
import { type GraphSpec, onnxModel, type TensorSpec } from '../onnx-models.ts';
import { exactFit, testProfile } from '../profiles.ts';

const { file, run, spec } = hostileKit('r4-refusals');

describe('accepted silently before, refused now', () => {
  const relu = (name: string, extra: Partial<Parameters<typeof onnxModel>[0]> = {}) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }],
        outputs: ['y'],
        ...extra,
      }),
    );
  it.each([[0], [1], [2], [99], [2 ** 31], [2 ** 62]])('IR version %s', (ir) => {
    expectClean(run(['report', relu(`ir${ir}.onnx`, { irVersion: ir })]), /IR version \d+ is not one ONNX defines/);
  });
  it('opset 0, and the default domain imported twice', () => {
    expectClean(run(['report', relu('opset0.onnx', { opset: 0 })]), /gives the default domain version 0/);
    expectClean(
      run(['report', relu('twice.onnx', { opsets: { 'ai.onnx': 13 } })]),
      /opset_import names the default domain twice; keep one version/,
    );
  });
  it('SplitToSequence axis 9 on a 2-D input', () => {
    const m = file(
      'split-axis9.onnx',
      onnxModel({
        inputs: [{ name: 'x', dims: [4, 6] }],
        nodes: [
          { op: 'SplitToSequence', name: 'split', inputs: ['x'], outputs: ['parts'], attrs: { axis: 9 } },
          { op: 'ConcatFromSequence', name: 'join', inputs: ['parts'], outputs: ['y'], attrs: { axis: 0 } },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(run(['report', m]), /node 'split' \(SplitToSequence\): axis 9 is out of range for a 2-D input/);
  });
  const branch = (outs: number): GraphSpec => ({
    inputs: [],
    nodes: [{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['b.y'] }],
    outputs: Array(outs).fill('b.y'),
  });
  const ifModel = (name: string, cond: TensorSpec, outs: string[], gives: number) =>
    file(
      name,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4] }],
        initializers: [cond],
        nodes: [
          {
            op: 'If',
            name: 'choose',
            inputs: ['c'],
            outputs: outs,
            attrs: { then_branch: { g: branch(gives) }, else_branch: { g: branch(gives) } },
          },
        ],
        outputs: [outs[0]],
      }),
    );
  it('an If naming 2 outputs whose branches give 1', () => {
    expectClean(
      run(['report', ifModel('if-outs.onnx', bool('c', 1), ['y', 'z'], 1)]),
      /node 'choose' \(If\): the node names 2 outputs but its then branch gives 1/,
    );
  });
  it.each([
    ['float', { name: 'c', dims: [], floats: [1] }],
    ['empty', { name: 'c', dims: [0], type: 'bool', values: [] }],
  ] as [string, TensorSpec][])('an If whose condition is %s', (what, cond) => {
    expectClean(
      run(['report', ifModel(`if-${what}.onnx`, cond, ['y'], 1)]),
      /node 'choose' \(If\): the condition is \w+ of shape \[0?\]; an If condition is one bool/,
    );
  });
  it.each([
    [2, 2],
    [-1, 2],
  ])('ConvTranspose output_padding %i with stride %i', (pad, stride) => {
    const m = file(
      `convt-${pad}.onnx`,
      onnxModel({
        inputs: [{ name: 'x', dims: [1, 4, 8, 8] }],
        initializers: [{ name: 'w', dims: [4, 4, 3, 3] }],
        nodes: [
          {
            op: 'ConvTranspose',
            name: 'up',
            inputs: ['x', 'w'],
            outputs: ['y'],
            attrs: { strides: [stride, stride], output_padding: [pad, pad] },
          },
        ],
        outputs: ['y'],
      }),
    );
    expectClean(
      run(['report', m]),
      new RegExp(`node 'up' \\(ConvTranspose\\): output_padding ${pad} on axis 0 is out of range`),
    );
  });
  it('--loop-trips on a spec', () => {
    expectClean(
      run(['report', spec('lt.yaml', '  - { op: relu }'), '--loop-trips', '3']),
      /--loop-trips 3 \(loopTrips\): lt is a spec, and trip counts apply to the Loops of ONNX files/,
    );
  });
  it('compare --profile p --profile ./p', () => {
    const p = file('p.json', JSON.stringify(testProfile()));
    expectClean(
      run(['compare', 'shufflenet-v2-0.5x', '--profile', p, '--profile', './p.json']),
      /--profile \.\/p\.json: is .*p\.json again; give each machine profile once/,
    );
  });
  it.each([
    [
      'all parameters 0',
      (p: MachineProfile) => ({
        ...p,
        classes: {
          ...p.classes,
          conv: exactFit({ overhead: 0, compute: 0, narrow: 0, strided: 0, activation: 0, memory: 0 }),
        },
      }),
      /classes\.conv: a class whose parameters are all 0/,
    ],
    [
      'nchwcBlock 3',
      (p: MachineProfile) => ({ ...p, engine: { ...p.engine, nchwcBlock: 3 } }),
      /engine\.nchwcBlock: the NCHWc block is 0 \(none\), 4, 8 or 16/,
    ],
    [
      'lo above hi',
      (p: MachineProfile) => ({
        ...p,
        classes: {
          ...p.classes,
          gemm: {
            ...exactFit({ overhead: 0.01, compute: 10, narrow: 0, strided: 0, activation: 0, memory: 1 }),
            lo: { overhead: 1, compute: 10, narrow: 0, strided: 0, activation: 0, memory: 1 },
          },
        },
      }),
      /classes\.gemm: a parameter's lo \(10th percentile\) must not exceed its hi/,
    ],
  ])('a profile with %s', (what, change, pattern) => {
    const p = file(`bad-${what.replace(/\W+/g, '-')}.json`, JSON.stringify(change(testProfile())));
    expectClean(run(['report', 'shufflenet-v2-0.5x', '--profile', p]), pattern);
  });
});
