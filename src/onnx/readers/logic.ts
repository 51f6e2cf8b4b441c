/**
 * Ops that place, select or take by index: ScatterND and ScatterElements (with their reductions);
 * NonZero, NonMaxSuppression, Unique, Compress, TopK; GatherElements, GatherND, OneHot.
 */
import type { ScatterAttrs, SelectAttrs } from '../../graph/types.ts';
import { ShapeError } from '../../ops/op.ts';
import {
  type Built,
  built,
  expectInputs,
  type NodeView,
  operands,
  optionalConstant,
  type ReaderEntries,
} from './reader.ts';

const REDUCTIONS: ScatterAttrs['reduction'][] = ['none', 'add', 'mul', 'max', 'min'];

const scatter =
  (elements: boolean) =>
  (n: NodeView): Built => {
    expectInputs(n, 3);
    const reduction = n.attrs.str('reduction', 'none') as ScatterAttrs['reduction'];
    if (!REDUCTIONS.includes(reduction))
      throw new ShapeError(`reduction '${reduction}' is not one of ${REDUCTIONS.join(', ')}`);
    const attrs: ScatterAttrs = { elements, reduction, ...(elements ? { axis: n.attrs.int('axis', 0) } : {}) };
    // every input is read (a constant mask scattered into is data, not a weight)
    return built('scatter', attrs, n.folding ? operands(n) : [0, 1, 2]);
  };

export const LOGIC: ReaderEntries = [
  ['ScatterND', [{ since: 11, read: scatter(false) }]],
  ['ScatterElements', [{ since: 11, read: scatter(true) }]],
  // Scatter (opsets 9 and 10) is ScatterElements before it was renamed
  ['Scatter', [{ since: 9, read: scatter(true) }]],
];

/** A scalar int64 input's value when it is a constant (max_output_boxes_per_class, TopK's k, OneHot's depth). */
function scalarOf(n: NodeView, k: number, what: string): number | undefined {
  const v = n.inputs[k]?.isConst ? optionalConstant(n, k, what)?.data : undefined;
  return v?.length === 1 ? Number(v[0]) : undefined;
}

const selectRead =
  (kind: SelectAttrs['kind']) =>
  (n: NodeView): Built => {
    const count = n.outputSlots.length;
    switch (kind) {
      case 'nms': {
        expectInputs(n, 2, 5);
        // max_output_boxes_per_class: 0 (ONNX's default when absent) keeps none
        const k = n.inputs[2] ? scalarOf(n, 2, 'max_output_boxes_per_class') : 0;
        return built('select', { kind, ...(k !== undefined ? { k } : {}) }, [0, 1], [], ['int64']);
      }
      case 'topk': {
        expectInputs(n, 2);
        const k = scalarOf(n, 1, 'k');
        if (k === undefined) throw new ShapeError('k (input 2) must be a constant; give its value with --value');
        return built('select', { kind, k, axis: n.attrs.int('axis', -1) }, [0], [], [undefined, 'int64']);
      }
      case 'unique': {
        const axis = n.attrs.has('axis') ? n.attrs.int('axis', 0) : undefined;
        const types = [undefined, 'int64', 'int64', 'int64'] as const;
        return built(
          'select',
          { kind, ...(axis !== undefined ? { axis } : {}) },
          [0],
          [],
          [...types].slice(0, Math.max(1, count)),
        );
      }
      case 'compress': {
        expectInputs(n, 2);
        const axis = n.attrs.has('axis') ? n.attrs.int('axis', 0) : undefined;
        return built('select', { kind, ...(axis !== undefined ? { axis } : {}) }, [0, 1]);
      }
      default:
        return built('select', { kind }, [0], [], ['int64']);
    }
  };

const take =
  (kind: 'elements' | 'nd' | 'onehot') =>
  (n: NodeView): Built => {
    if (kind === 'elements') return built('take', { kind, axis: n.attrs.int('axis', 0) }, [0, 1]);
    if (kind === 'nd') return built('take', { kind, batchDims: n.attrs.int('batch_dims', 0) }, [0, 1]);
    expectInputs(n, 3);
    const depth = scalarOf(n, 1, 'depth');
    if (depth === undefined || !Number.isInteger(depth) || depth < 1)
      throw new ShapeError('depth (input 2) must be a constant positive count; give its value with --value');
    // the output has the type of the on/off values
    return built('take', { kind, axis: n.attrs.int('axis', -1), depth }, [0, 2], [], [n.inputs[2]?.type]);
  };

export const SELECT: ReaderEntries = [
  ['NonZero', [{ since: 9, read: selectRead('nonzero') }]],
  ['NonMaxSuppression', [{ since: 10, read: selectRead('nms') }]],
  ['Unique', [{ since: 11, read: selectRead('unique') }]],
  ['Compress', [{ since: 9, read: selectRead('compress') }]],
  ['TopK', [{ since: 10, read: selectRead('topk') }]],
  ['GatherElements', [{ since: 11, read: take('elements') }]],
  ['GatherND', [{ since: 11, read: take('nd') }]],
  ['OneHot', [{ since: 9, read: take('onehot') }]],
];
