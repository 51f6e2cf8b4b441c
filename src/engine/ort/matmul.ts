/**
 * onnxruntime's MatMul fusions on the CPU (level 2): a Transpose of the last two axes (or moving the
 * batch axis) before a MatMul becomes the MatMul's transA/transB (or transBatchA/B:
 * MatmulTransposeFusion), and a Mul or Div by a scalar constant
 * before or after it becomes its alpha (MatMulScaleFusion); either makes the MatMul a FusedMatMul.
 */
import { Edges, type ENode, type EngineGraph, intsAttr } from '../graph.ts';
import { constantValues } from './constants.ts';

const MS = 'com.microsoft';
const isMatMul = (n: ENode) => (n.op === 'MatMul' && n.domain === '') || (n.op === 'FusedMatMul' && n.domain === MS);

/**
 * What a Transpose feeding a MatMul becomes in the FusedMatMul: `trans` when it swaps the last two
 * axes only; `batch` when it moves the first axis to the second-last place (perm 1, 2, ..., 0, r-1),
 * with `trans` too when it moves it last (1, 2, ..., r-1, 0).
 */
function transposeFlags(n: ENode | undefined): { trans: boolean; batch: boolean } | undefined {
  if (n?.op !== 'Transpose' || n.domain !== '') return undefined;
  const p = intsAttr(n, 'perm');
  const r = p?.length ?? 0;
  if (!p || r < 2) return undefined;
  if (p.slice(0, -2).every((v, i) => v === i) && p[r - 2] === r - 1 && p[r - 1] === r - 2)
    return { trans: true, batch: false };
  if (r < 3 || !p.slice(0, -2).every((v, i) => v === i + 1)) return undefined;
  if (p[r - 2] === 0 && p[r - 1] === r - 1) return { trans: false, batch: true };
  if (p[r - 2] === r - 1 && p[r - 1] === 0) return { trans: true, batch: true };
  return undefined;
}

const flag = (n: ENode, k: string) => n.attrs.get(k) === 1;

/** Replace `n` in place by a FusedMatMul with these inputs and outputs, covering `also`. */
function toFused(g: EngineGraph, n: ENode, name: string, inputs: string[], outputs: string[], also: ENode[]): ENode {
  const fused: ENode = {
    name,
    op: 'FusedMatMul',
    domain: MS,
    inputs,
    outputs,
    attrs: new Map(n.attrs),
    covers: [...new Set([...n.covers, ...also.flatMap((a) => a.covers)])],
  };
  g.nodes[g.nodes.indexOf(n)] = fused;
  return fused;
}

export function matMulTranspose(g: EngineGraph): boolean {
  const e = new Edges(g);
  const left = new Map<ENode, number>();
  const removed = new Set<ENode>();
  for (const mm of [...g.nodes]) {
    const type = g.tensors.get(mm.inputs[0])?.type;
    if (!isMatMul(mm) || (type !== 'fp32' && type !== 'fp16' && type !== 'fp64')) continue;
    const ts = mm.inputs.slice(0, 2).map((t) => e.producer.get(t));
    const flags = ts.map((t, i) => {
      const f = g.outputs.has(mm.inputs[i]) ? undefined : transposeFlags(t);
      // a batch transpose cannot join one the MatMul already has
      return f && !(f.batch && flag(mm, `transBatch${'AB'[i]}`)) ? f : undefined;
    });
    if (!flags[0] && !flags[1]) continue;
    const inputs = mm.inputs.slice(0, 2).map((t, i) => (flags[i] ? (ts[i] as ENode).inputs[0] : t));
    const gone: ENode[] = [];
    for (const i of [0, 1]) {
      if (!flags[i]) continue;
      const t = ts[i] as ENode;
      const n = (left.get(t) ?? e.consumers.get(t.outputs[0])?.length ?? 1) - 1;
      left.set(t, n);
      if (n === 0) {
        removed.add(t);
        gone.push(t);
      }
    }
    const fused = toFused(g, mm, `${mm.name}/MatmulTransposeFusion/`, inputs, mm.outputs, gone);
    for (const [i, side] of [...'AB'].entries()) {
      fused.attrs.set(`trans${side}`, flag(mm, `trans${side}`) !== (flags[i]?.trans ?? false) ? 1 : 0);
      fused.attrs.set(`transBatch${side}`, flag(mm, `transBatch${side}`) || flags[i]?.batch ? 1 : 0);
    }
  }
  g.nodes = g.nodes.filter((n) => !removed.has(n));
  return removed.size > 0 || left.size > 0;
}

/** The scale a Mul or Div by a scalar constant applies to its other input (and that input), if it is one. */
function scaleOf(g: EngineGraph, n: ENode | undefined): { scale: number; x: string } | undefined {
  if (n?.domain !== '' || n.inputs.length !== 2 || (n.op !== 'Mul' && n.op !== 'Div')) return undefined;
  const rank = (t: string) => g.tensors.get(t)?.shape?.length ?? 0;
  for (const k of n.op === 'Div' ? [1] : [0, 1]) {
    const v = constantValues(g, n.inputs[k]);
    const x = n.inputs[1 - k];
    if (v?.length === 1 && rank(n.inputs[k]) <= rank(x)) return { scale: n.op === 'Div' ? 1 / v[0] : v[0], x };
  }
  return undefined;
}

export function matMulScale(g: EngineGraph): boolean {
  let modified = false;
  for (const mm of [...g.nodes]) {
    if (!isMatMul(mm) || !g.nodes.includes(mm)) continue;
    const type = g.tensors.get(mm.inputs[0])?.type;
    if (type !== 'fp32' && type !== 'fp64') continue;
    const e = new Edges(g);
    let alpha = 1;
    const inputs = [...mm.inputs];
    const merged: ENode[] = [];
    for (const i of [0, 1]) {
      const p = e.producer.get(mm.inputs[i]);
      const s = scaleOf(g, p);
      if (!s || !g.tensors.get(s.x)?.shape?.length) continue;
      alpha *= s.scale;
      inputs[i] = s.x;
      if (e.uses((p as ENode).outputs[0]) === 1) merged.push(p as ENode);
    }
    let outputs = mm.outputs;
    const next = e.sole(mm.outputs[0]);
    const s = scaleOf(g, next);
    if (next && s) {
      alpha *= s.scale;
      outputs = next.outputs;
      merged.push(next);
    }
    if (alpha === 1 && outputs === mm.outputs && inputs.every((t, i) => t === mm.inputs[i])) continue;
    const prior = mm.attrs.get('alpha');
    const fused = toFused(g, mm, `${mm.name}/MatMulScaleFusion/`, inputs, outputs, merged);
    fused.attrs.set('alpha', { f: alpha * (typeof prior === 'object' && 'f' in prior ? prior.f : 1) });
    const gone = new Set(merged);
    g.nodes = g.nodes.filter((n) => !gone.has(n));
    modified = true;
  }
  return modified;
}
