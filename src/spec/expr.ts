/**
 * The small expression language of model specs.
 *
 * A numeric field may be a number, `$name` (a variable), or `${expression}`; a name may be a
 * template such as `unit${i + 2}`. Expressions have numbers, variables, parentheses, the
 * operators `+ - * / // % **`, comparisons `== != < <= > >=`, `&& || !`, the conditional
 * `a ? b : c`, and the functions below. No other code runs: this is a parser, not eval.
 *
 * User cost rules (src/cost/rules.ts) use the same language over a node's shapes and attributes:
 * names may be dotted (`out.c`, `attr.kernel_shape`) and a list value is indexed (`in0.dims[2]`).
 */

export type Scope = Readonly<Record<string, number | readonly number[]>>;

/** torchvision's `_make_divisible`: round v to a multiple of d, never below 90% of v. */
export function makeDivisible(v: number, d: number, minValue = d): number {
  const n = Math.max(minValue, Math.floor((v + d / 2) / d) * d);
  return n < 0.9 * v ? n + d : n;
}

const FUNCTIONS: Record<string, (...a: number[]) => number> = {
  min: Math.min,
  max: Math.max,
  floor: Math.floor,
  ceil: Math.ceil,
  round: Math.round,
  abs: Math.abs,
  /** nearest multiple of d, ties up */
  roundTo: (v, d) => Math.round(v / d) * d,
  divisible: (v, d) => makeDivisible(v, d),
};

export class ExprError extends Error {}

const MAX_EXPRESSION_LENGTH = 2000;
const MAX_EXPRESSION_DEPTH = 100;

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };

const OPS = [
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '!',
  '?',
  ':',
  '(',
  ')',
  ',',
  '[',
  ']',
];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    throw new ExprError(`unexpected character '${c}' in expression '${src}'`);
  }
  return out;
}

/** Evaluate one expression (without the `${}`) in a scope of numeric variables. */
export function evaluate(src: string, scope: Scope): number {
  if (src.length > MAX_EXPRESSION_LENGTH) {
    throw new ExprError(
      `an expression of ${src.length} characters is longer than the ${MAX_EXPRESSION_LENGTH} allowed`,
    );
  }
  const toks = tokenize(src);
  let p = 0;
  let depth = 0;
  /** recursion guard: nested parentheses and unary operators end in a clear error, not a stack overflow */
  const nested = <T>(f: () => T): T => {
    if (++depth > MAX_EXPRESSION_DEPTH) {
      throw new ExprError(`expression '${src.slice(0, 40)}...' nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    }
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = () => toks[p];
  const isOp = (v: string) => toks[p]?.t === 'op' && toks[p].v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExprError(`expected '${v}' in expression '${src}'`);
    p++;
  };
  const truthy = (x: number) => x !== 0 && !Number.isNaN(x);

  function ternary(): number {
    return nested(ternary1);
  }
  function ternary1(): number {
    const c = or();
    if (isOp('?')) {
      p++;
      const a = ternary();
      expect(':');
      const b = ternary();
      return truthy(c) ? a : b;
    }
    return c;
  }
  function or(): number {
    let l = and();
    while (isOp('||')) {
      p++;
      const r = and();
      l = truthy(l) || truthy(r) ? 1 : 0;
    }
    return l;
  }
  function and(): number {
    let l = cmp();
    while (isOp('&&')) {
      p++;
      const r = cmp();
      l = truthy(l) && truthy(r) ? 1 : 0;
    }
    return l;
  }
  function cmp(): number {
    let l = add();
    for (;;) {
      const t = peek();
      if (t?.t !== 'op' || !['==', '!=', '<', '<=', '>', '>='].includes(t.v)) return l;
      p++;
      const r = add();
      switch (t.v) {
        case '==':
          l = l === r ? 1 : 0;
          break;
        case '!=':
          l = l !== r ? 1 : 0;
          break;
        case '<':
          l = l < r ? 1 : 0;
          break;
        case '<=':
          l = l <= r ? 1 : 0;
          break;
        case '>':
          l = l > r ? 1 : 0;
          break;
        default:
          l = l >= r ? 1 : 0;
      }
    }
  }
  function add(): number {
    let l = mul();
    while (isOp('+') || isOp('-')) {
      const o = toks[p++].v;
      const r = mul();
      l = o === '+' ? l + r : l - r;
    }
    return l;
  }
  function mul(): number {
    let l = unary();
    while (isOp('*') || isOp('/') || isOp('//') || isOp('%')) {
      const o = toks[p++].v;
      const r = unary();
      if ((o === '/' || o === '//' || o === '%') && r === 0)
        throw new ExprError(`division by zero in expression '${src}'`);
      l = o === '*' ? l * r : o === '/' ? l / r : o === '//' ? Math.floor(l / r) : l % r;
    }
    return l;
  }
  function unary(): number {
    return nested(unary1);
  }
  function unary1(): number {
    if (isOp('-')) {
      p++;
      return -unary();
    }
    if (isOp('+')) {
      p++;
      return unary();
    }
    if (isOp('!')) {
      p++;
      return truthy(unary()) ? 0 : 1;
    }
    return power();
  }
  function power(): number {
    const b = atom();
    if (isOp('**')) {
      p++;
      return b ** unary();
    }
    return b;
  }
  function atom(): number {
    const t = toks[p++];
    if (!t) throw new ExprError(`unexpected end of expression '${src}'`);
    if (t.t === 'num') return t.v;
    if (t.t === 'id') {
      if (isOp('(')) {
        p++;
        const fn = Object.hasOwn(FUNCTIONS, t.v) ? FUNCTIONS[t.v] : undefined;
        if (!fn)
          throw new ExprError(
            `unknown function '${t.v}' in expression '${src}' (known: ${Object.keys(FUNCTIONS).join(', ')})`,
          );
        const args: number[] = [];
        if (!isOp(')')) {
          args.push(ternary());
          while (isOp(',')) {
            p++;
            args.push(ternary());
          }
        }
        expect(')');
        return fn(...args);
      }
      if (!Object.hasOwn(scope, t.v)) {
        const known = Object.keys(scope).sort().join(', ');
        throw new ExprError(`unknown variable '${t.v}' in expression '${src}' (defined here: ${known || 'none'})`);
      }
      const v = scope[t.v];
      if (typeof v === 'number') return v;
      if (!isOp('[')) throw new ExprError(`'${t.v}' is a list in expression '${src}'; index it: ${t.v}[0]`);
      p++;
      const k = ternary();
      expect(']');
      if (!Number.isInteger(k) || k < 0 || k >= v.length) {
        throw new ExprError(`index ${k} of '${t.v}' (${v.length} values) in expression '${src}'`);
      }
      return v[k];
    }
    if (t.v === '(') {
      const v = ternary();
      expect(')');
      return v;
    }
    throw new ExprError(`unexpected '${t.v}' in expression '${src}'`);
  }

  const v = ternary();
  if (p !== toks.length) throw new ExprError(`unexpected '${(toks[p] as Tok).v}' in expression '${src}'`);
  return v;
}

/** A numeric spec value: a number, `$var` or `${expr}`. */
export function evalValue(value: number | string, scope: Scope): number {
  if (typeof value === 'number') return value;
  const s = value.trim();
  const whole = /^\$\{(.*)\}$/s.exec(s);
  if (whole && !whole[1].includes('}')) return evaluate(whole[1], scope);
  const v = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(s);
  if (v) return evaluate(v[1], scope);
  throw new ExprError(`'${value}' is not a number, a '$variable' or a '\${expression}'`);
}

/** A string template: every `${expr}` replaced by its value. */
export function interpolate(template: string, scope: Scope): string {
  return template.replace(/\$\{([^}]*)\}/g, (_, e: string) => String(evaluate(e, scope)));
}
