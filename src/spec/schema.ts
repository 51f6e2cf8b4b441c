/** zod schema of spec files; also exported as JSON Schema (`netcost schema`). */
import { z } from 'zod';
import { ACTIVATION_NAMES } from '../ops/activation.ts';
import { type Entry, SIMPLE_OPS, type SpecFile } from './types.ts';

const num = z
  .union([z.number(), z.string().regex(/^\s*\$/, { message: "expected a number, a '$variable' or a '${expression}'" })])
  .describe("a number, '$variable' or '${expression}'");
/** Names of variables, parameters and blocks: identifiers, never a reserved `__name` (names are data). */
const identifier = z.string().regex(/^(?!__)[A-Za-z_][A-Za-z0-9_]*$/, {
  message: "expected a name of letters, digits and '_' that does not start with a digit or '__'",
});
const kernel = z.union([num, z.tuple([num, num])]).describe('one value for both axes, or [height, width]');
const activation = z.enum(ACTIVATION_NAMES);
const base = {
  name: z.string().min(1).optional().describe('layer or group name; `${expr}` templates allowed'),
  when: z.union([num, z.boolean()]).optional().describe('include the entry only when this is non-zero'),
};

const conv = z.strictObject({
  op: z.literal('conv'),
  ...base,
  out: num.optional().describe('output channels (default: input channels when depthwise)'),
  kernel,
  stride: kernel.optional(),
  padding: kernel.optional(),
  dilation: kernel.optional(),
  groups: num.optional(),
  depthwise: z.boolean().optional().describe('groups = input channels'),
  bias: z.union([z.boolean(), num]).optional(),
  bn: z.boolean().optional().describe('follow with batch norm; the entry becomes a group of conv, bn, act'),
  act: activation.optional(),
});
const simple = z.strictObject({
  op: z.enum(SIMPLE_OPS),
  ...base,
});
const pool = z.strictObject({
  op: z.enum(['maxpool', 'avgpool']),
  ...base,
  kernel,
  stride: kernel.optional(),
  padding: kernel.optional(),
  ceilMode: z.boolean().optional(),
});
const linear = z.strictObject({
  op: z.literal('linear'),
  ...base,
  out: num,
  bias: z.union([z.boolean(), num]).optional(),
});
const shuffle = z.strictObject({ op: z.literal('shuffle'), ...base, groups: num });
const seq = z.strictObject({
  op: z.literal('seq'),
  ...base,
  get layers(): z.ZodArray<z.ZodType<Entry>> {
    return z.array(entry);
  },
});
const branch = z.strictObject({
  name: z.string().min(1).optional(),
  get layers(): z.ZodArray<z.ZodType<Entry>> {
    return z.array(entry);
  },
});
const parallel = z.strictObject({
  op: z.literal('parallel'),
  ...base,
  join: z.enum(['concat', 'add']),
  split: z
    .union([z.boolean(), z.array(num)])
    .optional()
    .describe('split the input channels among the branches'),
  branches: z.array(branch).min(1),
});
const repeat = z.strictObject({
  op: z.literal('repeat'),
  ...base,
  count: num,
  as: identifier.optional(),
  get layers(): z.ZodArray<z.ZodType<Entry>> {
    return z.array(entry);
  },
});
const block = z.strictObject({
  op: z.literal('block'),
  ...base,
  use: z.string(),
  args: z.record(identifier, num).optional(),
});

const entries = [conv, simple, pool, linear, shuffle, seq, parallel, repeat, block] as const;
export const entry: z.ZodType<Entry> = z.discriminatedUnion('op', [...entries]);
/** Every `op` a spec entry may have, from the schema itself. */
export const ENTRY_OPS: string[] = entries.flatMap((e) => [...(e.shape.op._zod.values as Set<string>)]);

const dim = z.union([z.number().int().positive(), num]);
const input = z.union([
  z.tuple([dim, dim, dim, dim]).describe('N, C, H, W: numbers or expressions over vars'),
  z.string().regex(/^\d+x\d+x\d+x\d+$/, { message: 'expected NxCxHxW, for example 1x3x224x224' }),
]);

export const specFileSchema: z.ZodType<SpecFile> = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  input: input.optional(),
  vars: z.record(identifier, z.number()).optional(),
  variants: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: z.string().optional(),
        vars: z.record(identifier, z.number()).optional(),
        input: input.optional(),
      }),
    )
    .optional(),
  blocks: z
    .record(
      identifier,
      z.strictObject({
        description: z.string().optional(),
        params: z.record(identifier, z.number().nullable()).optional(),
        layers: z.array(entry),
      }),
    )
    .optional(),
  layers: z.array(entry).min(1),
}) as unknown as z.ZodType<SpecFile>;

/** The spec format as JSON Schema (draft 2020-12), for editors. */
export function specJsonSchema(): object {
  return z.toJSONSchema(specFileSchema, { target: 'draft-2020-12' });
}
