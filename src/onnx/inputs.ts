/**
 * The graph's inputs with their shapes: fixed dimensions from the file, symbolic ones from
 * `--dim name=N` (a named dimension, wherever it appears) or `--input name=NxCxHxW` (a whole
 * input; `--input NxCxHxW` for a model's only input). Initializers listed as inputs (older
 * exporters do) are weights, not inputs. A flag that names nothing in the model is an error that
 * lists what the model has. `--value name=v` gives an input that steers the graph (a sample rate
 * an If branches on) its value: it is read as a constant, so what depends on it folds.
 */

import { type ElemType, elemTypeOf } from '../graph/dtype.ts';
import type { Shape } from '../graph/types.ts';
import type { BoundInput } from './bound-input.ts';
import { type Constant, long, type ValueInfoProto as ValueInfo } from './proto.ts';

/** Shapes the user gave, by input name; `*` is a shape given without a name. */
export type GivenShapes = Record<string, number[]>;

type Dim = { dimValue?: unknown; dimParam?: string | null };

const fixed = (d: Dim) => d.dimValue != null && long(d.dimValue) > 0;

/** A declared shape with its symbolic dimensions bound by `--dim`; undefined while any is unknown. */
export function declaredDims(
  dims: Dim[] | null | undefined,
  bound: Record<string, number> | undefined,
): Shape | undefined {
  if (!dims) return undefined;
  const out: number[] = [];
  for (const d of dims) {
    if (fixed(d)) out.push(long(d.dimValue));
    else if (d.dimParam && bound && Object.hasOwn(bound, d.dimParam)) out.push(bound[d.dimParam]);
    else return undefined;
  }
  return out;
}

/** Every symbolic dimension name the values declare. */
export function dimParams(values: ValueInfo[]): Set<string> {
  const out = new Set<string>();
  for (const v of values) for (const d of v.type?.tensorType?.shape?.dim ?? []) if (d.dimParam) out.add(d.dimParam);
  return out;
}

const listed = (names: Iterable<string>) => {
  const all = [...names].map((n) => `'${n}'`);
  return all.length ? all.join(', ') : 'none';
};

export function bindInputs(
  declared: ValueInfo[],
  given: GivenShapes | undefined,
  dims: Record<string, number> | undefined,
  fail: (message: string) => never,
  /** the model's other values (outputs, value_info), where a `--dim` may also appear */
  others: ValueInfo[] = [],
): { name: string; shape: Shape; type: ElemType }[] {
  if (declared.length === 0) fail('the graph has no inputs');
  const names = declared.map((i) => i.name ?? '');
  for (const k of Object.keys(given ?? {})) {
    if (k === '*' && declared.length > 1) {
      fail(
        `the model has ${declared.length} inputs (${listed(names)}); name the one you mean: --input name=NxCxHxW ` +
          '(inputs.name)',
      );
    }
    if (k !== '*' && !names.includes(k))
      fail(`--input ${k}=... (inputs.${k}): the model has no input '${k}'; its inputs: ${listed(names)}`);
  }
  const params = dimParams([...declared, ...others]);
  for (const k of Object.keys(dims ?? {})) {
    if (!params.has(k)) {
      fail(
        `--dim ${k}=... (dims.${k}): no dimension of the model is named '${k}'; its symbolic dimensions: ` +
          listed(params),
      );
    }
  }
  const unsized: { name: string; ds: Dim[] }[] = [];
  const bound = declared.map((i) => {
    const name = i.name ?? '';
    const type = elemTypeOf(i.type?.tensorType?.elemType);
    const ds: Dim[] = i.type?.tensorType?.shape?.dim ?? [];
    const asked = given && Object.hasOwn(given, name) ? given[name] : declared.length === 1 ? given?.['*'] : undefined;
    if (asked) {
      if (ds.length && asked.length !== ds.length) {
        fail(`input '${name}' has rank ${ds.length}; --input gave ${asked.length} dimensions (${asked.join('x')})`);
      }
      for (const [k, d] of ds.entries()) {
        if (fixed(d) && long(d.dimValue) !== asked[k]) {
          fail(`input '${name}' has dimension ${k} fixed to ${long(d.dimValue)}; --input gave ${asked[k]}`);
        }
      }
      return { name, shape: [...asked], type };
    }
    // a shape with no dimensions is a scalar (a sample rate, a threshold); no shape at all is unknown
    const scalar = ds.length === 0 && i.type?.tensorType?.shape != null;
    const shape = ds.length ? declaredDims(ds, dims) : scalar ? [] : undefined;
    if (!shape) unsized.push({ name, ds });
    return { name, shape: shape as Shape, type };
  });
  if (unsized.length) fail(unsizedMessage(unsized, declared.length, dims));
  return bound;
}

/** Every input whose shape is still unknown, in one message: each with its hint, the named dimensions once. */
function unsizedMessage(unsized: { name: string; ds: Dim[] }[], inputs: number, dims?: Record<string, number>): string {
  const shown = (ds: Dim[]) => ds.map((d) => (fixed(d) ? String(long(d.dimValue)) : d.dimParam || '?')).join(' x ');
  const given = (ds: Dim[], name: string) =>
    `--input ${inputs > 1 ? `${name}=${hint(ds, dims)} (inputs.${name})` : `${hint(ds, dims)} (inputs['*'])`}`;
  const unbound = unsized.flatMap(({ ds }) =>
    ds.filter((d) => !fixed(d) && d.dimParam && !(dims && Object.hasOwn(dims, d.dimParam))),
  );
  const symbolic = [...new Set(unbound.map((d) => `--dim ${d.dimParam}=N (dims.${d.dimParam})`))];
  const named = symbolic.length ? `, or size the named dimensions: ${symbolic.join(', ')}` : '';
  if (unsized.length === 1) {
    const [{ name, ds }] = unsized;
    return (
      `input '${name}' has a symbolic or unknown dimension (${shown(ds) || 'no shape'}); give its shape with ` +
      given(ds, name) +
      named
    );
  }
  const SHOWN = 4;
  const list = unsized.slice(0, SHOWN).map(({ name, ds }) => `'${name}' (${shown(ds) || 'no shape'})`);
  const more = unsized.length > SHOWN ? ` and ${unsized.length - SHOWN} more` : '';
  const first = unsized[0];
  return (
    `${unsized.length} inputs have symbolic or unknown dimensions: ${list.join(', ')}${more}; give their shapes ` +
    `(${given(first.ds, first.name)}, one per input)${named}`
  );
}

/**
 * A shape to write for an input declared with `ds`: its fixed sizes as they are and N for each one
 * to give (an image's NxCxHxW for a 4-D or unknown shape).
 */
const hint = (ds: Dim[], dims?: Record<string, number>): string =>
  ds.length === 0 || ds.length === 4
    ? 'NxCxHxW'
    : ds
        .map((d) =>
          fixed(d)
            ? String(long(d.dimValue))
            : d.dimParam && dims && Object.hasOwn(dims, d.dimParam)
              ? String(dims[d.dimParam])
              : 'N',
        )
        .join('x');

/** Shapes (fully known) and element types the file declares for its tensors. */
export function declaredInfo(
  lists: ValueInfo[][],
  dims: Record<string, number> | undefined,
  into = new Map<string, { shape?: Shape; type: ElemType }>(),
): Map<string, { shape?: Shape; type: ElemType }> {
  for (const v of lists.flat()) {
    const t = v.type?.tensorType;
    const shape = declaredDims(t?.shape?.dim, dims);
    into.set(v.name ?? '', { ...(shape ? { shape } : {}), type: elemTypeOf(t?.elemType) });
  }
  return into;
}

/** the most values `--value` gives an input: it steers the graph (a sample rate, a flag); it is not data */
const MAX_VALUES = 1024;
const INTEGER = new Set<ElemType>(['int64', 'int32', 'int16', 'int8', 'uint64', 'uint32', 'uint16', 'uint8', 'bool']);

/** The inputs with the values `--value` gives them (one value fills an input of many). */
export function withValues(
  inputs: BoundInput[],
  values: Record<string, number[]> | undefined,
  fail: (message: string) => never,
): BoundInput[] {
  const names = inputs.map((i) => i.name);
  for (const k of Object.keys(values ?? {}))
    if (!names.includes(k))
      fail(`--value ${k}=... (values.${k}): the model has no input '${k}'; its inputs: ${listed(names)}`);
  return inputs.map((i) => {
    const v = values && Object.hasOwn(values, i.name) ? values[i.name] : undefined;
    if (!v) return i;
    const flag = `--value ${i.name}=${v.join(',')}`;
    const n = i.shape.reduce((a, b) => a * b, 1);
    const shape = `[${i.shape.join(', ')}]`;
    if (n > MAX_VALUES)
      fail(
        `${flag}: input '${i.name}' holds ${n.toLocaleString('en-US')} values (${shape}); --value is for inputs of ` +
          `up to ${MAX_VALUES.toLocaleString('en-US')} values that steer the graph (a sample rate, a flag)`,
      );
    if (v.length !== n && v.length !== 1)
      fail(`${flag}: input '${i.name}' is ${shape}; give ${n === 1 ? 'one value' : `${n} values, or one for all`}`);
    if (INTEGER.has(i.type) && v.some((x) => !Number.isSafeInteger(x)))
      fail(`${flag}: input '${i.name}' is ${i.type}; give whole numbers`);
    return { ...i, value: v.length === n ? v : new Array(n).fill(v[0]) };
  });
}

/** What an input with a given value is to the reader: a constant, derived from no stored tensor. */
export function givenConstant(i: BoundInput): { constant?: Constant; stored?: [] } {
  if (!i.value) return {};
  const { shape: dims, value: data } = i;
  const type = i.type === 'bool' ? 'bool' : INTEGER.has(i.type) ? 'int' : 'float';
  return { constant: { dims, type: i.type, value: () => ({ dims, type, data }) }, stored: [] };
}

/** What the report says of an input given a value (none for the others). */
export function valueNote(i: BoundInput): string[] {
  if (!i.value) return [];
  const shown = i.value.slice(0, 8).join(', ') + (i.value.length > 8 ? ', ...' : '');
  return [`input '${i.name}' is taken as ${shown} (--value): what depends on it is costed for that value`];
}
