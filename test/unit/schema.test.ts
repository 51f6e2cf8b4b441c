/** The spec format's JSON Schema: committed for editors, in sync with the zod schema, and valid for every shipped ' +
  'spec. */
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { specJsonSchema } from '../../src/spec/schema.ts';

const committed = JSON.parse(readFileSync(new URL('../../configs/schema/spec.schema.json', import.meta.url), 'utf8'));

describe('spec JSON Schema', () => {
  it(
    'configs/schema/spec.schema.json equals what the zod schema exports (regenerate: netcost schema > ' +
      'configs/schema/spec.schema.json)',
    () => {
      expect(committed).toEqual(JSON.parse(JSON.stringify(specJsonSchema())));
    },
  );

  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  const validate = ajv.compile(committed);
  const files = [
    ...readdirSync(new URL('../../configs/', import.meta.url))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `../../configs/${f}`),
    ...readdirSync(new URL('../../configs/examples/', import.meta.url)).map((f) => `../../configs/examples/${f}`),
    ...readdirSync(new URL('../../configs/guidelines/', import.meta.url)).map((f) => `../../configs/guidelines/${f}`),
  ];
  it.each(files)('accepts %s', (f) => {
    const ok = validate(parse(readFileSync(new URL(f, import.meta.url), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
  it('rejects a typo and an unknown op', () => {
    expect(validate({ name: 'x', layers: [{ op: 'conv', out: 8, kernel: 3, stirde: 2 }] })).toBe(false);
    expect(validate({ name: 'x', layers: [{ op: 'convv' }] })).toBe(false);
    expect(validate({ name: 'x', layers: [{ op: 'seq', layers: [{ op: 'relu', bogus: 1 }] }] })).toBe(false);
  });
});
