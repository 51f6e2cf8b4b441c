/**
 * Applying a user's cost rule to one node (the rules themselves load in rules.ts, which needs the
 * YAML parser and zod; the importer needs only this).
 */
import type { Shape } from '../graph/types.ts';
import { type OpCategory, ShapeError } from '../ops/op.ts';
import { ExprError, evaluate, type Scope } from '../spec/expr.ts';

type Expr = string | number;
export interface CostRule {
  op: string;
  domain?: string;
  description?: string;
  category: OpCategory;
  params?: Expr;
  madds?: Expr;
  flops?: Expr;
  reads?: Expr;
  /** output shapes: per output, one expression per dimension; `same`: the first data input's shape */
  outputs?: Expr[][] | 'same';
  override?: boolean;
  /** `<file>: <op>`, for messages and the layers it costs */
  origin: string;
}
/** Rules by op key: the op type in the default domain, `<domain>.<op>` in any other. */
export type CostRules = ReadonlyMap<string, CostRule>;

export const ruleKey = (domain: string, op: string): string =>
  domain === '' || domain === 'ai.onnx' ? op : `${domain}.${op}`;

function tensorScope(scope: Record<string, number | number[]>, name: string, s: Shape): void {
  const dims = ['n', 'c', 'h', 'w'];
  for (const [i, d] of s.entries()) if (i < 4) scope[`${name}.${dims[i]}`] = d;
  scope[`${name}.rank`] = s.length;
  scope[`${name}.numel`] = s.reduce((a, b) => a * b, 1);
  scope[`${name}.dims`] = s;
}

/** The variables of a node's expressions. */
/** A node's numeric attributes (proto.ts's Attrs): the rules' `attr.<name>`. */
interface NumericAttrs {
  numeric(): Iterable<[string, number | number[]]>;
}

export function ruleScope(attrs: NumericAttrs, inputs: (Shape | undefined)[], outputs: Shape[] | undefined): Scope {
  const scope: Record<string, number | number[]> = Object.create(null);
  for (const [k, s] of inputs.entries()) if (s) tensorScope(scope, `in${k}`, s);
  for (const [k, s] of (outputs ?? []).entries()) {
    tensorScope(scope, `out${k}`, s);
    if (k === 0) tensorScope(scope, 'out', s);
  }
  for (const [name, v] of attrs.numeric()) scope[`attr.${name}`] = v;
  return scope;
}

/** One of a rule's counts on a node: a whole number >= 0 within 2^53, or a clean error. */
export function ruleCount(rule: CostRule, field: string, value: string | number, scope: Scope): number {
  let v: number;
  try {
    v = typeof value === 'number' ? value : evaluate(value, scope);
  } catch (e) {
    if (e instanceof ExprError) throw new ShapeError(`${rule.origin}: ${field}: ${e.message}`);
    throw e;
  }
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new ShapeError(`${rule.origin}: ${field} '${value}' gives ${v}; a count is a whole number from 0 to 2^53`);
  }
  return v;
}
