/** Spec mistakes: each gives one SpecError naming the file, the spec path, the layer and the fix. */
import { describe, expect, it } from 'vitest';
import { SpecError } from '../../src/errors.ts';
import { buildGraph } from '../../src/graph/build.ts';
import { modelFromYaml } from '../helpers.ts';

const fails = (yaml: string, pattern: RegExp) => {
  let err: unknown;
  try {
    buildGraph(modelFromYaml(yaml, 'net.yaml'));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SpecError);
  expect((err as Error).message).toMatch(pattern);
  expect((err as Error).message.split('\n')).toHaveLength(1);
};

describe('spec errors', () => {
  it('a misspelled required field is one mistake, named with the field it should be', () =>
    fails(
      'name: x\ninput: [1, 3, 8, 8]\nlayers: [ { op: conv, out: 8, kernal: 3 } ]\n',
      /^net\.yaml: layers\[0\]: 'kernal' is not a field; did you mean 'kernel'\?$/,
    ));
  it('a misspelled top-level field too', () =>
    fails(
      'name: x\ninput: [1, 3, 8, 8]\nlayerz: [ { op: relu } ]\n',
      /^net\.yaml: \(top level\): 'layerz' is not a field; did you mean 'layers'\?$/,
    ));
  it('an unknown block lists the defined ones', () =>
    fails(
      'name: x\nblocks: { a: { layers: [ { op: relu } ] } }\nlayers: [ { op: block, use: b } ]\n',
      /^net\.yaml: layers\[0\]\.use: unknown block 'b'; define it under 'blocks:' or use one of: a$/,
    ));
  it('a block that uses itself', () =>
    fails(
      'name: x\nblocks: { a: { layers: [ { op: block, use: a } ] } }\nlayers: [ { op: block, use: a } ]\n',
      /blocks\.a\.layers\[0\]\.use: block 'a' uses itself \(a -> a\); blocks cannot recurse/,
    ));
  it('an argument the block does not take', () =>
    fails(
      'name: x\nblocks: { a: { params: { out: null }, layers: [ { op: relu } ] } }\nlayers: [ { op: block, use: a, ' +
        'args: { out: 2, oops: 1 } } ]\n',
      /layers\[0\]\.args\.oops: block 'a' has no parameter 'oops' \(its parameters: out\)/,
    ));
  it('a missing required argument', () =>
    fails(
      'name: x\nblocks: { a: { params: { out: null }, layers: [ { op: relu } ] } }\nlayers: [ { op: block, use: a } ' +
        ']\n',
      /layers\[0\]\.args: block 'a' needs the argument 'out'/,
    ));
  it('two layers with one name', () =>
    fails(
      'name: x\nlayers: [ { op: relu, name: r }, { op: relu, name: r } ]\n',
      /layers\[1\]\.name: duplicate name 'r'; give one of the two another name/,
    ));
  it('a channel split that does not divide', () =>
    fails(
      'name: x\ninput: 1x5x4x4\nlayers:\n  - { op: parallel, name: p, join: concat, split: true, branches: [ { ' +
        'layers: [] }, { layers: [] } ] }\n',
      /layers\[0\]\.split: 5 channels do not split into 2 equal parts; give the sizes as a list/,
    ));
  it('a fractional channel count from an expression', () =>
    fails(
      'name: x\ninput: 1x4x4x4\nvars: { w: 0.3 }\nlayers: [ { op: conv, name: c, out: "${10 * w + 0.5}", kernel: 1 ' +
        '} ]\n',
      new RegExp(
        String.raw`layers\[0\]\.out \(layer c\): "\$\{10 \* w \+ 0\.5\}" evaluates to 3\.5; ` +
          String.raw`it must be a whole number from 1 to 2\^24`,
      ),
    ));
  it('a name with a dot', () =>
    fails(
      'name: x\nlayers: [ { op: relu, name: "a.b" } ]\n',
      /name 'a\.b' may hold only letters, digits, '_' and '-'/,
    ));
  it('an expression error inside a block names the instance', () =>
    fails(
      'name: x\nblocks: { a: { layers: [ { op: conv, name: c, out: "${nope}", kernel: 1 } ] } }\nlayers: [ { op: ' +
        'block, name: unit1, use: a } ]\n',
      /blocks\.a\.layers\[0\]\.out \(layer unit1\.c\): unknown variable 'nope'/,
    ));
});
