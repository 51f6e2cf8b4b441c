/**
 * The metadata netcost writes into the ONNX files it exports and reads back on import: the model
 * name, the view, and the graph's structure (groups and each layer's path), so an exported model
 * comes back with the groups it was built with.
 */
import type { Group, Layer } from '../graph/types.ts';

/** The ONNX versions netcost writes. */
export const OPSET = 17;
export const IR_VERSION = 8;

export const META = {
  model: 'netcost.model',
  specFile: 'netcost.spec',
  view: 'netcost.view',
  seed: 'netcost.seed',
  note: 'netcost.note',
  groups: 'netcost.groups',
  paths: 'netcost.paths',
} as const;

/** Groups as [name, kind] pairs; each layer's path as indexes into them. */
export function structureMetadata(groups: Group[], layers: Layer[]): { key: string; value: string }[] {
  const index = new Map(groups.map((g, i) => [g.name, i]));
  const paths = layers.map((l) => [l.name, l.path.map((g) => index.get(g))]);
  return [
    { key: META.groups, value: JSON.stringify(groups.map((g) => [g.name, g.kind])) },
    { key: META.paths, value: JSON.stringify(paths) },
  ];
}

/** The structure written by `structureMetadata`, or undefined when absent or unreadable. */
export function readStructure(
  meta: ReadonlyMap<string, string>,
): { groups: Group[]; pathOf: ReadonlyMap<string, string[]> } | undefined {
  const g = meta.get(META.groups);
  const p = meta.get(META.paths);
  if (g === undefined || p === undefined) return undefined;
  try {
    const pairs = JSON.parse(g) as unknown;
    const paths = JSON.parse(p) as unknown;
    if (!Array.isArray(pairs) || !Array.isArray(paths)) return undefined;
    const groups: Group[] = pairs.map((x) => {
      if (!Array.isArray(x) || typeof x[0] !== 'string' || typeof x[1] !== 'string') throw new Error('group');
      return { name: x[0], kind: x[1] };
    });
    const pathOf = new Map<string, string[]>();
    for (const x of paths) {
      if (!Array.isArray(x) || typeof x[0] !== 'string' || !Array.isArray(x[1])) throw new Error('path');
      pathOf.set(
        x[0],
        x[1].map((i: unknown) => {
          if (typeof i !== 'number' || !groups[i]) throw new Error('index');
          return groups[i].name;
        }),
      );
    }
    return { groups, pathOf };
  } catch {
    return undefined;
  }
}
