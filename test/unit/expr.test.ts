import { describe, expect, it } from 'vitest';
import { evaluate, evalValue, interpolate, makeDivisible } from '../../src/spec/expr.ts';

describe('expression language', () => {
  it('follows arithmetic precedence and associativity', () => {
    expect(evaluate('1 + 2 * 3', {})).toBe(7);
    expect(evaluate('(1 + 2) * 3', {})).toBe(9);
    expect(evaluate('10 - 4 - 3', {})).toBe(3);
    expect(evaluate('2 ** 3 ** 2', {})).toBe(512);
    expect(evaluate('-2 ** 2', {})).toBe(-4);
    expect(evaluate('7 // 2 + 7 % 2', {})).toBe(4);
    expect(evaluate('out / 4', { out: 240 })).toBe(60);
  });
  it('has comparisons, logic and the conditional', () => {
    expect(evaluate('i == 0 ? s : 1', { i: 0, s: 2 })).toBe(2);
    expect(evaluate('i == 0 ? s : 1', { i: 3, s: 2 })).toBe(1);
    expect(evaluate('stride == 1 && inC == out', { stride: 1, inC: 24, out: 24 })).toBe(1);
    expect(evaluate('!(g > 1) || 0', { g: 3 })).toBe(0);
  });
  it('evaluates only the side of ?:, && and || it needs', () => {
    expect(evaluate('k == 0 ? 0 : 10 / k', { k: 0 })).toBe(0);
    expect(evaluate('k == 0 ? 0 : 10 / k', { k: 4 })).toBe(2.5);
    expect(evaluate('k != 0 && 10 / k > 1', { k: 0 })).toBe(0);
    expect(evaluate('k == 0 || 10 / k > 1', { k: 0 })).toBe(1);
    // the side not taken may even name what the scope lacks
    expect(evaluate('1 ? 2 : missing', {})).toBe(2);
    expect(() => evaluate('k != 0 || 10 / k', { k: 0 })).toThrow(/division by zero/);
  });
  it('reads numbers with exponents', () => {
    expect(evaluate('1e3 + 2.5E-1', {})).toBe(1000.25);
  });
  it('has the functions specs need', () => {
    expect(evaluate('max(1, 2, 3) + min(4, 5)', {})).toBe(7);
    expect(evaluate('roundTo(100, 8)', {})).toBe(104); // 12.5 rounds up
    expect(evaluate('divisible(32 * 0.75, 8)', {})).toBe(24);
    // torchvision _make_divisible never goes below 90% of the value
    expect(makeDivisible(20, 16)).toBe(32);
  });
  it('evaluates $var and ${expr} values and name templates', () => {
    expect(evalValue(5, {})).toBe(5);
    expect(evalValue('$c2', { c2: 116 })).toBe(116);
    expect(evalValue('${c2 * 2}', { c2: 116 })).toBe(232);
    expect(interpolate('unit${i + 2}', { i: 0 })).toBe('unit2');
  });
  it('rejects what it does not understand, naming it', () => {
    expect(() => evaluate('foo + 1', { bar: 1 })).toThrow(/unknown variable 'foo'.*defined here: bar/);
    expect(() => evaluate('1 +', {})).toThrow(/unexpected end/);
    expect(() => evaluate('1 / 0', {})).toThrow(/division by zero/);
    expect(() => evaluate('process.exit(1)', {})).toThrow();
    expect(() => evalValue('12px', {})).toThrow(/not a number/);
  });
});
