/**
 * Cost rules from the user, for ops netcost does not know (detection heads, custom domains, vendor
 * fusions), as fvcore's op handles and ptflops' custom hooks do, but as data: each rule's numbers
 * are expressions in netcost's expression language over the node's shapes and attributes. No
 * code runs; the expression engine's limits apply.
 *
 * In an expression: `in0`, `in1`... and `out0`, `out1`... (`out` = `out0`) are the node's input and
 * output tensors, each with `.n .c .h .w` (dimensions 0-3), `.rank`, `.numel` and `.dims[i]`;
 * `attr.<name>` is an int or float attribute, or a list of them (`attr.kernel_shape[0]`).
 */
import { z } from 'zod';
import { NetcostError } from '../errors.ts';
import { OP_CATEGORIES } from '../ops/op.ts';
import { ExprError, parseExpression, variablesOf } from '../spec/expr.ts';
import { readUserFile } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { formatPath } from '../util/path.ts';
import { parseYamlText } from '../util/yaml.ts';
import { knowsOp } from './readers/index.ts';
import { type CostRule, type CostRules, ruleKey } from './rule-eval.ts';

const expr = z.union([z.number(), z.string().min(1)]);
const ruleSchema = z.strictObject({
  op: z.string().min(1),
  domain: z.string().optional(),
  description: z.string().optional(),
  category: z.enum(OP_CATEGORIES),
  params: expr.optional(),
  madds: expr.optional(),
  flops: expr.optional(),
  /** input elements read (default: every element of every input) */
  reads: expr.optional(),
  /**
   * the output shapes, one list of dimension expressions per output (default: the model's value
   * infos), or `same`: every output has the first data input's shape
   */
  outputs: z.union([z.literal('same'), z.array(z.array(expr).min(1)).min(1)]).optional(),
  override: z.boolean().optional(),
});
const fileSchema = z.strictObject({ rules: z.array(ruleSchema).min(1).max(1000) });

const TENSOR_FIELDS = ['n', 'c', 'h', 'w', 'rank', 'numel', 'dims'];
/** May an expression of this rule name this variable? */
const allowed = (name: string, withOutputs: boolean): boolean => {
  if (/^attr\.[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return true;
  const m = /^(in\d{1,2}|out\d{0,2})\.([a-z]+)$/.exec(name);
  return !!m && (withOutputs || !m[1].startsWith('out')) && TENSOR_FIELDS.includes(m[2]);
};

/**
 * Check an expression when the rules load: its syntax and functions (parsing), and each name it
 * uses. Values are the node's, known only when a node is costed: no stand-in values are tried, so
 * `in0.numel // (in0.h - 1)` loads, and a division by zero is an error at the node that causes it.
 */
function checkExpression(value: string | number, where: string, withOutputs: boolean): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new NetcostError(`${where}: ${value} is not a count >= 0`, 2);
    return;
  }
  let names: Map<string, boolean>;
  try {
    names = variablesOf(parseExpression(value));
  } catch (e) {
    if (e instanceof ExprError) throw new NetcostError(`${where}: ${e.message}`, 2);
    throw e;
  }
  for (const [n, indexed] of names) {
    const outs = withOutputs ? ', out0 (out), out1...' : '';
    if (!allowed(n, withOutputs)) {
      throw new NetcostError(
        `${where}: unknown name '${n}' in '${value}'; use in0, in1...${outs} with .n .c .h .w .rank .numel .dims[i], ` +
          'or attr.<name>',
        2,
      );
    }
    const list = n.endsWith('.dims');
    if (!n.startsWith('attr.') && list !== indexed) {
      throw new NetcostError(
        `${where}: '${n}' in '${value}' is ${list ? 'a list; index it: .dims[i]' : 'a number; it has no index'}`,
        2,
      );
    }
  }
}

/** The rules file's data: JSON, or YAML whose every error (a duplicate key, an unclosed bracket) is refused. */
function parseRulesText(file: string, text: string): unknown {
  const fail = (problem: string) => new NetcostError(`${file}: ${problem}`, 2);
  return /\.json$/i.test(file) ? parseJsonText(text, fail) : parseYamlText(text, fail);
}

/** Read and validate a rules file (YAML or JSON): one clean error naming the rule on any problem. */
export function loadRules(file: string): CostRules {
  const text = readUserFile(file, 'rules file', 4 << 20).toString('utf8');
  const data = parseRulesText(file, text);
  const r = fileSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new NetcostError(`${file}: ${formatPath(i.path) || '(top level)'}: ${i.message}`, 2);
  }
  const rules = new Map<string, CostRule>();
  for (const [k, spec] of r.data.rules.entries()) {
    const key = ruleKey(spec.domain ?? '', spec.op);
    const where = `${file}: rules[${k}] (${key})`;
    if (rules.has(key)) throw new NetcostError(`${where}: a second rule for ${key}; keep one`, 2);
    if (knowsOp(spec.domain ?? '', spec.op) && !spec.override) {
      throw new NetcostError(`${where}: netcost already costs ${key}; add 'override: true' to replace its rule`, 2);
    }
    for (const field of ['params', 'madds', 'flops', 'reads'] as const) {
      const v = spec[field];
      if (v !== undefined) checkExpression(v, `${where}.${field}`, true);
    }
    for (const [o, dims] of (spec.outputs === 'same' ? [] : (spec.outputs ?? [])).entries()) {
      for (const [d, v] of dims.entries()) checkExpression(v, `${where}.outputs[${o}][${d}]`, false);
    }
    rules.set(key, { ...spec, origin: `${file}: ${key}` });
  }
  return rules;
}
