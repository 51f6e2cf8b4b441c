/**
 * The conventions behind every number, in words: each report's legend and the README's
 * "Conventions" section are generated here, from the general rules below and each op module's own
 * `rule`, so the words cannot drift from the code that counts.
 */
import type { CostReport } from '../cost/analyze.ts';
import type { OpKind } from '../graph/types.ts';
import { OPS } from '../ops/index.ts';

const GENERAL = {
  params:
    'learnable parameters: weights, biases, BN scale and shift (BN running statistics are buffers, not parameters, ' +
    'as torchvision counts)',
  madds:
    'multiply-adds of convolutions and linear layers only (a matrix product counts as linear): what both ShuffleNet ' +
    'papers, ' +
    'torchvision and most model zoos call "FLOPs"',
  flops: "floating-point operations: 2 per multiply-add, plus each op's own rule",
  mac:
    'memory access cost (ShuffleNet V2, section 2): elements read (every input tensor, plus the weights the layer ' +
    'reads) ' +
    "plus elements written, unless the op's rule says otherwise; a view costs 0",
  intensity: 'arithmetic intensity: FLOPs per byte of MAC',
  original:
    'the graph as defined: conv, BN and activation are separate layers, as published figures count them; ' +
    "an ONNX file's nodes as written",
  deploy:
    'BN folded into the conv before it (which gains a bias) and an activation right after it fused in, as an ' +
    "inference engine runs them; the fused layer lists what it stands for in fusedFrom, and its chain's " +
    'intermediate tensors are not memory traffic',
};

/** The element size bytes are counted at. */
const bytesAt = (r: CostReport): string =>
  r.dtype === 'file'
    ? "each tensor at its own element type in the file (int8 1 B, fp16 2 B, fp32 4 B, int32 4 B; a layer's dtype " +
      "is its weights' type, else its input's)"
    : `at ${r.dtype} (${r.bytesPerElement} B per element)`;

/** Ops in first-seen order of the report's layers. */
const opsOf = (r: CostReport): OpKind[] => [...new Set(r.layers.map((l) => l.op as OpKind))];

export function legend(r: CostReport): string[] {
  return [
    `params: ${GENERAL.params}.`,
    `MAdds: ${GENERAL.madds}. M = 10^6.`,
    `FLOPs: ${GENERAL.flops} (below).`,
    `MAC: ${GENERAL.mac}. K el = 10^3 elements; KiB = 1024 bytes, ${bytesAt(r)}.`,
    `FLOP/B: ${GENERAL.intensity}. MAdds % and MAC %: share of the model total.`,
    `view ${r.view}: ${GENERAL[r.view]}${r.view === 'original' ? ' (--view deploy folds them)' : ''}.`,
    'The rule of each op in this report:',
    ...opsOf(r).map((op) => `  ${op}: ${OPS[op].rule}.`),
  ];
}

/** The README's conventions section: the general rules and every op's rule. */
export function conventionsMarkdown(): string {
  const ops = (Object.keys(OPS) as OpKind[]).map((op) => `| \`${op}\` | ${OPS[op].rule} |`);
  return [
    `- **params**: ${GENERAL.params}.`,
    `- **MAdds** (\`madds\`): ${GENERAL.madds}.`,
    `- **FLOPs**: ${GENERAL.flops} (table below).`,
    `- **MAC** (\`memoryAccess\`): ${GENERAL.mac}. \`memoryAccessBytes\` is the same at the chosen dtype.`,
    `- **intensity**: ${GENERAL.intensity}.`,
    `- **views**: \`original\` (default): ${GENERAL.original}. \`deploy\`: ${GENERAL.deploy}.`,
    '',
    "Each op's rule (a report's legend lists those of the ops it has):",
    '',
    '| op | rule |',
    '| --- | --- |',
    ...ops,
  ].join('\n');
}
