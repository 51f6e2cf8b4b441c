/**
 * Einsum: the multiply-adds of a contraction from its equation. For two or more operands every
 * combination of index values is one multiply-add per extra operand (`ij,jk->ik`: i·j·k, a matrix
 * product); one operand only moves or sums its elements.
 */
import type { EinsumAttrs, Shape } from '../graph/types.ts';
import { broadcast } from './broadcast.ts';
import { numel, type OpDef, ShapeError } from './op.ts';

interface Parsed {
  inputs: string[];
  output: string;
}

const LETTERS = /^[A-Za-z]*$/;

/** The operands' and the output's index letters; `.` stands for the ellipsis's axes. */
export function parseEquation(equation: string): Parsed {
  const squeezed = equation.replace(/\s+/g, '');
  if (squeezed.replace(/\.\.\./g, '').includes('.'))
    throw new ShapeError(
      `einsum equation '${equation}': an ellipsis is three dots ('...'); a lone '.' is not an index`,
    );
  const eq = squeezed.replace(/\.\.\./g, '.');
  const [lhs, rhs] = eq.split('->');
  if (eq.split('->').length > 2 || lhs === undefined)
    throw new ShapeError(`einsum equation '${equation}' is malformed`);
  const inputs = lhs.split(',');
  for (const t of [...inputs, rhs ?? '']) {
    if (!LETTERS.test(t.replace('.', '')) || (t.match(/\./g) ?? []).length > 1) {
      throw new ShapeError(`einsum equation '${equation}': '${t}' is not a list of index letters`);
    }
  }
  const repeated = rhs === undefined ? undefined : [...rhs].find((c, i) => rhs.indexOf(c) !== i);
  if (repeated !== undefined)
    throw new ShapeError(`einsum equation '${equation}': output index '${repeated}' appears twice; name each once`);
  if (rhs !== undefined) return { inputs, output: rhs };
  // implicit output: the ellipsis, then the letters that appear once, in alphabetical order
  const count = new Map<string, number>();
  for (const c of inputs.join('').replace(/\./g, '')) count.set(c, (count.get(c) ?? 0) + 1);
  const once = [...count].filter(([, n]) => n === 1).map(([c]) => c);
  const sorted = once.sort((p, q) => (p < q ? -1 : p > q ? 1 : 0)).join('');
  return { inputs, output: (inputs.some((t) => t.includes('.')) ? '.' : '') + sorted };
}

/** Each letter's size, and the broadcast ellipsis axes. */
function sizes(p: Parsed, shapes: Shape[], equation: string): { dims: Map<string, number>; ellipsis: Shape } {
  if (shapes.length !== p.inputs.length) {
    throw new ShapeError(`einsum '${equation}' names ${p.inputs.length} operands; the node has ${shapes.length}`);
  }
  const dims = new Map<string, number>();
  const ellipses: Shape[] = [];
  for (const [k, t] of p.inputs.entries()) {
    const s = shapes[k];
    const letters = t.replace('.', '').length;
    const dot = t.indexOf('.');
    if (dot < 0 ? s.length !== letters : s.length < letters) {
      throw new ShapeError(`einsum operand ${k + 1} '${t.replace('.', '...')}' does not fit shape [${s.join(', ')}]`);
    }
    const extra = s.length - letters;
    let axis = 0;
    const own = new Map<string, number>();
    for (const c of t) {
      if (c === '.') {
        ellipses.push(s.slice(axis, axis + extra));
        axis += extra;
        continue;
      }
      const d = s[axis++];
      // an index repeated within one operand is its diagonal: both axes the same size, no broadcasting
      if (own.has(c) && own.get(c) !== d) {
        throw new ShapeError(
          `einsum operand ${k + 1} '${t.replace('.', '...')}' repeats index '${c}' over axes of ` +
            `${own.get(c)} and ${d}; a diagonal needs equal sizes`,
        );
      }
      own.set(c, d);
      const seen = dims.get(c);
      if (seen !== undefined && seen !== d && seen !== 1 && d !== 1) {
        throw new ShapeError(`einsum index '${c}' is ${seen} in one operand and ${d} in another`);
      }
      dims.set(c, Math.max(seen ?? 1, d));
    }
  }
  return { dims, ellipsis: broadcast(ellipses) };
}

function outputShape(a: EinsumAttrs, inputs: Shape[]): Shape {
  const p = parseEquation(a.equation);
  const { dims, ellipsis } = sizes(p, inputs, a.equation);
  return [...p.output].flatMap((c) => {
    if (c === '.') return ellipsis;
    const d = dims.get(c);
    if (d === undefined) throw new ShapeError(`einsum output index '${c}' appears in no operand`);
    return [d];
  });
}

/** Every combination of index values: the product of all letters' sizes and the ellipsis axes. */
function combinations(a: EinsumAttrs, inputs: Shape[]): number {
  const { dims, ellipsis } = sizes(parseEquation(a.equation), inputs, a.equation);
  return [...dims.values()].reduce((x, y) => x * y, numel(ellipsis));
}

export const einsum: OpDef<EinsumAttrs> = {
  rule:
    'MAdds (operands − 1) per combination of index values (the product of every index size: `bhnd,bhmd->bhnm` is ' +
    'b·h·n·d·m); FLOPs 2 per multiply-add; one operand: no multiply-adds, 1 FLOP per element summed away; a ' +
    'learned constant operand is params',
  infer: (inputs, a) => [outputShape(a, inputs)],
  params: (a) => a.learned ?? 0,
  weightsRead: () => 0,
  madds: (a, inputs) => (inputs.length < 2 ? 0 : (inputs.length - 1) * combinations(a, inputs)),
  flops: (a, inputs, [y]) =>
    inputs.length < 2 ? Math.max(0, numel(inputs[0]) - numel(y)) : 2 * einsum.madds(a, inputs, [y]),
  category: (_a, inputs) => (inputs.length < 2 ? 'data-movement' : 'linear'),
  onnx: ({ name, attrs: a, inputs, outputs }, e) => e.node('Einsum', name, inputs, outputs, { equation: a.equation }),
};
