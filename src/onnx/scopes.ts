/**
 * Groups from the scope names exporters give nodes: PyTorch names a node by its module path
 * (`/layer1/layer1.0/conv1/Conv`), tf2onnx by its name scope (`model/block1/conv/Conv2D`). Every
 * prefix of the path is a group (a module or a scope); the last part is the op. Flat names give
 * no groups: one honest level. A root scope around the whole graph (`StatefulPartitionedCall/`)
 * says nothing and is dropped.
 */
import type { Group } from '../graph/types.ts';

export function scopePaths(names: string[]): { paths: string[][]; groups: Group[] } {
  const parts = names.map((name) => {
    if (!name.includes('/')) return [];
    const module = name.startsWith('/');
    const segs = (module ? name.slice(1) : name).split('/').slice(0, -1);
    const prefix = module ? '/' : '';
    return segs.map((_, k) => ({ id: prefix + segs.slice(0, k + 1).join('/'), kind: module ? 'module' : 'scope' }));
  });
  // drop root scopes that enclose every layer
  while (parts.length && parts.every((p) => p.length > 0 && p[0].id === parts[0][0].id)) {
    for (const [i, p] of parts.entries()) parts[i] = p.slice(1);
  }
  const groups = new Map<string, Group>();
  for (const p of parts) for (const g of p) if (!groups.has(g.id)) groups.set(g.id, { name: g.id, kind: g.kind });
  return { paths: parts.map((p) => p.map((g) => g.id)), groups: [...groups.values()] };
}
