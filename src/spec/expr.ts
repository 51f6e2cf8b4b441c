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

/** An expression parsed: evaluated many times (a spec's repeats, a rule per node) without parsing again. */
export type Expr =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string; index?: Expr }
  | { k: 'call'; fn: string; args: Expr[] }
  | { k: 'unary'; op: string; x: Expr }
  | { k: 'binary'; op: string; l: Expr; r: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr };

const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='];

/** Parse one expression (without the `${}`): syntax and function names are checked here, values later. */
export function parseExpression(src: string): Expr {
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
  const isOp = (...vs: string[]) => {
    const t = toks[p];
    return t?.t === 'op' && vs.includes(t.v);
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExprError(`expected '${v}' in expression '${src}'`);
    p++;
  };
  const takeOp = () => (toks[p++] as { t: 'op'; v: string }).v;
  /** a left-associative level: operands from `next`, joined by `ops` */
  const level = (ops: string[], next: () => Expr) => (): Expr => {
    let l = next();
    while (isOp(...ops)) {
      const op = takeOp();
      l = { k: 'binary', op, l, r: next() };
    }
    return l;
  };
  const ternary = (): Expr =>
    nested(() => {
      const c = or();
      if (!isOp('?')) return c;
      p++;
      const a = ternary();
      expect(':');
      return { k: 'cond', c, a, b: ternary() };
    });
  const unary = (): Expr =>
    nested(() => {
      if (isOp('-', '+', '!')) {
        const op = takeOp();
        return { k: 'unary', op, x: unary() };
      }
      const b = atom();
      if (!isOp('**')) return b;
      p++;
      return { k: 'binary', op: '**', l: b, r: unary() };
    });
  const mul = level(['*', '/', '//', '%'], unary);
  const add = level(['+', '-'], mul);
  const cmp = level(COMPARISONS, add);
  const and = level(['&&'], cmp);
  const or = level(['||'], and);

  function atom(): Expr {
    const t = toks[p++];
    if (!t) throw new ExprError(`unexpected end of expression '${src}'`);
    if (t.t === 'num') return { k: 'num', v: t.v };
    if (t.t === 'id') {
      if (isOp('(')) {
        p++;
        if (!Object.hasOwn(FUNCTIONS, t.v))
          throw new ExprError(
            `unknown function '${t.v}' in expression '${src}' (known: ${Object.keys(FUNCTIONS).join(', ')})`,
          );
        const args: Expr[] = [];
        if (!isOp(')')) {
          args.push(ternary());
          while (isOp(',')) {
            p++;
            args.push(ternary());
          }
        }
        expect(')');
        return { k: 'call', fn: t.v, args };
      }
      if (!isOp('[')) return { k: 'var', name: t.v };
      p++;
      const index = ternary();
      expect(']');
      return { k: 'var', name: t.v, index };
    }
    if (t.v === '(') {
      const v = ternary();
      expect(')');
      return v;
    }
    throw new ExprError(`unexpected '${t.v}' in expression '${src}'`);
  }

  const e = ternary();
  if (p !== toks.length) throw new ExprError(`unexpected '${(toks[p] as Tok).v}' in expression '${src}'`);
  return e;
}

/** The variables an expression names, each with whether it is indexed (a list) or not (a number). */
export function variablesOf(e: Expr, out = new Map<string, boolean>()): Map<string, boolean> {
  switch (e.k) {
    case 'num':
      break;
    case 'var':
      out.set(e.name, e.index !== undefined || out.get(e.name) === true);
      if (e.index) variablesOf(e.index, out);
      break;
    case 'call':
      for (const a of e.args) variablesOf(a, out);
      break;
    case 'unary':
      variablesOf(e.x, out);
      break;
    case 'binary':
      variablesOf(e.l, out);
      variablesOf(e.r, out);
      break;
    case 'cond':
      for (const x of [e.c, e.a, e.b]) variablesOf(x, out);
  }
  return out;
}

const truthy = (x: number) => x !== 0 && !Number.isNaN(x);

/**
 * An expression's value in a scope. `a ? b : c`, `&&` and `||` evaluate only the side they need,
 * so `attr.k == 0 ? 0 : 10 / attr.k` is 0 when k is 0, not a division by zero.
 */
export function evaluateExpr(e: Expr, scope: Scope, src: string): number {
  const ev = (x: Expr): number => evaluateExpr(x, scope, src);
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var': {
      if (!Object.hasOwn(scope, e.name)) {
        const known = Object.keys(scope).sort().join(', ');
        throw new ExprError(`unknown variable '${e.name}' in expression '${src}' (defined here: ${known || 'none'})`);
      }
      const v = scope[e.name];
      if (e.index === undefined) {
        if (typeof v === 'number') return v;
        throw new ExprError(`'${e.name}' is a list in expression '${src}'; index it: ${e.name}[0]`);
      }
      if (typeof v === 'number') throw new ExprError(`'${e.name}' is a number in expression '${src}'; it has no index`);
      const k = ev(e.index);
      if (!Number.isInteger(k) || k < 0 || k >= v.length) {
        throw new ExprError(`index ${k} of '${e.name}' (${v.length} values) in expression '${src}'`);
      }
      return v[k];
    }
    case 'call':
      return FUNCTIONS[e.fn](...e.args.map(ev));
    case 'unary': {
      const x = ev(e.x);
      return e.op === '-' ? -x : e.op === '+' ? x : truthy(x) ? 0 : 1;
    }
    case 'cond':
      return truthy(ev(e.c)) ? ev(e.a) : ev(e.b);
    case 'binary':
      if (e.op === '&&') return truthy(ev(e.l)) && truthy(ev(e.r)) ? 1 : 0;
      if (e.op === '||') return truthy(ev(e.l)) || truthy(ev(e.r)) ? 1 : 0;
      return binary(e.op, ev(e.l), ev(e.r), src);
  }
}

function binary(op: string, l: number, r: number, src: string): number {
  if ((op === '/' || op === '//' || op === '%') && r === 0)
    throw new ExprError(`division by zero in expression '${src}'`);
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '//':
      return Math.floor(l / r);
    case '%':
      return l % r;
    case '**':
      return l ** r;
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    default:
      return l >= r ? 1 : 0;
  }
}

/** Parsed expressions by source: a spec's repeats and a rule's nodes evaluate the same text many times. */
const parsed = new Map<string, Expr>();

/** Evaluate one expression (without the `${}`) in a scope of numeric variables. */
export function evaluate(src: string, scope: Scope): number {
  let e = parsed.get(src);
  if (!e) {
    e = parseExpression(src);
    if (parsed.size >= 10_000) parsed.clear();
    parsed.set(src, e);
  }
  return evaluateExpr(e, scope, src);
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
