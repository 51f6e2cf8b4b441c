/**
 * Hostile input, round three: machine profiles. A hand-edited profile is refused with the field
 * and the fix when a number is outside what a machine can be, or when a kernel class would be
 * predicted at 0 ms; a valid one predicts a finite time.
 */
import { describe, expect, it } from 'vitest';
import { expectClean, hostileKit } from '../hostile-kit.ts';
import { testProfile } from '../profiles.ts';

const { file, run } = hostileKit('profile');
const valid = testProfile();
const edit = (name: string, f: (p: Record<string, unknown>) => void) => {
  const p = structuredClone(valid) as unknown as Record<string, unknown>;
  f(p);
  return file(`${name}.json`, JSON.stringify(p));
};
const predict = (profile: string) => run(['report', 'shufflenet-v2-0.5x', '--profile', profile, '--format', 'json']);

describe('profiles: numbers a machine can have', () => {
  it.each([
    [
      'peakGflops 5e-324',
      (p: Record<string, unknown>) => Object.assign(p, { peakGflops: 5e-324 }),
      /field peakGflops: Too small/,
    ],
    [
      'runOverheadMs 1e308',
      (p: Record<string, unknown>) => Object.assign(p, { runOverheadMs: 1e308 }),
      /field runOverheadMs: Too big/,
    ],
    ['ioGbps 1e-320', (p: Record<string, unknown>) => Object.assign(p, { ioGbps: 1e-320 }), /field ioGbps: Too small/],
    [
      'a compute coefficient of 10^7',
      (p: Record<string, unknown>) =>
        Object.assign((p.classes as Record<string, { params: object }>).conv.params, { compute: 1e7 }),
      /field classes\.conv\.params\.compute: Too big/,
    ],
    [
      'a bandwidth of 10^-9 GB/s',
      (p: Record<string, unknown>) => Object.assign((p.bandwidth as object[])[0], { gbps: 1e-9 }),
      /field bandwidth\.0\.gbps: Too small/,
    ],
    [
      'a probe drift of 1e9',
      (p: Record<string, unknown>) => Object.assign(p.probe as object, { drift: 1e9 }),
      /field probe\.drift: Too big/,
    ],
  ])('%s is refused', (name, f, pattern) => {
    expectClean(predict(edit(name.replace(/\W/g, ''), f)), pattern);
  });

  it('classes: {} would predict 0 ms for every kernel: refused, naming the classes', () => {
    const p = edit('noclasses', (p) => Object.assign(p, { classes: {} }));
    expectClean(predict(p), /field classes: no fit for 'conv', 'conv-depthwise', .* predicted at 0 ms/);
  });

  it('a class named __proto__ is refused, not dropped', () => {
    const text = JSON.stringify(valid).replace('"classes":{', '"classes":{"__proto__":{},');
    expectClean(predict(file('proto.json', text)), /field classes: Unrecognized key: "__proto__"/);
  });

  it('a profile missing only classes it may borrow from is accepted', () => {
    const p = edit('borrow', (p) => {
      const classes = p.classes as Record<string, unknown>;
      delete classes['pool-plain'];
      delete classes['conv-plain-depthwise'];
    });
    const r = predict(p);
    expect(r.code, r.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(r.stdout).totals.predictedMs)).toBe(true);
  });
});
