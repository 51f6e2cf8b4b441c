/**
 * The graph's inputs with their shapes: fixed dimensions from the file, symbolic ones from
 * `--input name=NxCxHxW` (or `--input NxCxHxW` for a model's only input). Initializers listed as
 * inputs (older exporters do) are weights, not inputs.
 */
import type { Shape } from '../graph/types.ts';
import { long, type ValueInfoProto as ValueInfo } from './proto.ts';

/** Shapes the user gave, by input name; `*` is a shape given without a name. */
export type GivenShapes = Record<string, number[]>;

export function bindInputs(
  declared: ValueInfo[],
  given: GivenShapes | undefined,
  fail: (message: string) => never,
): { name: string; shape: Shape }[] {
  if (declared.length === 0) fail('the graph has no inputs');
  return declared.map((i) => {
    const name = i.name ?? '';
    const dims = i.type?.tensorType?.shape?.dim ?? [];
    const fixed = (d: (typeof dims)[number]) => d.dimValue != null && long(d.dimValue) > 0;
    const asked = given && Object.hasOwn(given, name) ? given[name] : declared.length === 1 ? given?.['*'] : undefined;
    if (asked) {
      if (dims.length && asked.length !== dims.length) {
        fail(`input '${name}' has rank ${dims.length}; --input gave ${asked.length} dimensions (${asked.join('x')})`);
      }
      for (const [k, d] of dims.entries()) {
        if (fixed(d) && long(d.dimValue) !== asked[k]) {
          fail(`input '${name}' has dimension ${k} fixed to ${long(d.dimValue)}; --input gave ${asked[k]}`);
        }
      }
      return { name, shape: [...asked] };
    }
    if (dims.length === 0 || !dims.every(fixed)) {
      const shown = dims.map((d) => (fixed(d) ? String(long(d.dimValue)) : d.dimParam || '?')).join(' x ');
      fail(
        `input '${name}' has a symbolic or unknown dimension (${shown || 'no shape'}); ` +
          `give its shape with --input ${declared.length > 1 ? `${name}=` : ''}NxCxHxW`,
      );
    }
    return { name, shape: dims.map((d) => long(d.dimValue)) };
  });
}
