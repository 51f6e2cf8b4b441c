/**
 * Each subgraph of a model's main graph (an If branch, a Loop or Scan body) as a model of its own,
 * imported: onnxruntime runs a body as a graph of its own, optimised on its own, once per trip.
 * The body's formal inputs and the outer tensors it reads become the model's inputs at the shapes
 * the reading gave them; those known before run time (outer weights, a trip's index) initializers.
 */

import { NetcostError } from '../errors.ts';
import { onnxCodeOf } from '../graph/dtype.ts';
import { type BodyRead, type BodyTensor, bodiesOf } from '../onnx/body-reads.ts';
import { decodedModel } from '../onnx/decoded.ts';
import { type ImportResult, importOnnx } from '../onnx/import.ts';
import { type ModelProto, onnx, type TensorProto } from '../onnx/proto.ts';

const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** A known tensor as an initializer: the file's own tensor where it is one, else its values. */
function initializer(t: BodyTensor): TensorProto {
  const c = t.constant as NonNullable<BodyTensor['constant']>;
  const proto = c.proto;
  if (proto && sameDims((proto.dims ?? []).map(Number), t.shape)) return { ...proto, name: t.name };
  const v = c.value();
  const T = onnx.TensorProto.DataType;
  if (v.type === 'float') return { name: t.name, dims: t.shape, dataType: T.FLOAT, floatData: v.data };
  if (v.type === 'bool') return { name: t.name, dims: t.shape, dataType: T.BOOL, int32Data: v.data };
  return t.type === 'int32'
    ? { name: t.name, dims: t.shape, dataType: T.INT32, int32Data: v.data }
    : { name: t.name, dims: t.shape, dataType: T.INT64, int64Data: v.data };
}

function bodyModel(body: BodyRead, m: ModelProto): Uint8Array {
  const g = body.graph;
  const known = body.inputs.filter((t) => t.constant);
  const given = body.inputs.filter((t) => !t.constant);
  // a model's first output is what it computes: a Loop body's first is its condition, often a constant
  const outputs = g.output ?? [];
  return onnx.ModelProto.encode({
    irVersion: m.irVersion,
    opsetImport: m.opsetImport,
    graph: {
      name: body.prefix,
      node: g.node,
      initializer: [...(g.initializer ?? []), ...known.map(initializer)],
      input: given.map((t) => ({
        name: t.name,
        type: { tensorType: { elemType: onnxCodeOf(t.type), shape: { dim: t.shape.map((d) => ({ dimValue: d })) } } },
      })),
      output: [...outputs.slice(1), ...outputs.slice(0, 1)],
      valueInfo: g.valueInfo,
    },
  }).finish();
}

export interface BodyModel {
  body: BodyRead;
  bytes: Uint8Array;
  imported: ImportResult;
}

/**
 * The bodies that run (an If branch not counted does not), each as a model, imported. A body
 * netcost cannot read on its own is left out: its owner's kernel is already priced as uncertain.
 */
export function bodyModels(imported: ImportResult): BodyModel[] {
  const running = bodiesOf(imported).filter((b) => b.runs > 0);
  return running.flatMap((body) => {
    const own = bodyModel(body, decodedModel(imported));
    try {
      const file = `${imported.graph.file} (${body.prefix})`;
      return [{ body, bytes: own, imported: importOnnx(own, { file, folder: imported.folder }) }];
    } catch (e) {
      if (e instanceof NetcostError) return [];
      throw e;
    }
  });
}
