/** The library's errors are typed: a caller tells a missing model from an unreadable file by class, not by words. */
import { describe, expect, it } from 'vitest';
import {
  InputFileError,
  ModelNotFoundError,
  NetcostError,
  readProfile,
  resolveModel,
  resolveSources,
  sourceGraph,
} from '../../src/index.ts';

describe('typed library errors', () => {
  it("resolveModel of an .onnx file points to the calls that read one, in the library's words", async () => {
    const e = await resolveModel('model.onnx').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelNotFoundError);
    expect((e as ModelNotFoundError).model).toBe('model.onnx');
    expect((e as Error).message).toMatch(
      /model\.onnx is an ONNX file, not a netcost model spec: read it with resolveSource/,
    );
    expect((e as Error).message).not.toMatch(/this command/);
  });

  it('an unknown name or glob is a ModelNotFoundError naming the argument, with the nearest names', async () => {
    const e = await resolveModel('shufflenet-v2-1.0').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelNotFoundError);
    expect((e as ModelNotFoundError).model).toBe('shufflenet-v2-1.0');
    expect((e as Error).message).toMatch(/did you mean 'shufflenet-v2-1\.0x'/);
    const g = await resolveSources(['no-such-net-*']).catch((x: unknown) => x);
    expect(g).toBeInstanceOf(ModelNotFoundError);
  });

  it('a missing input file is an InputFileError naming the file; each is a NetcostError (exit 2)', async () => {
    const e = (() => {
      try {
        readProfile('/nonexistent/profile.json');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(InputFileError);
    expect((e as InputFileError).file).toBe('/nonexistent/profile.json');
    expect((e as NetcostError).exitCode).toBe(2);
    const dev = await resolveSources(['/dev/null.onnx']).catch((x: unknown) => x);
    expect(dev).toBeInstanceOf(NetcostError);
    const [src] = await resolveSources(['shufflenet-v2-0.5x']);
    expect((await sourceGraph(src)).layers.length).toBe(198);
  });
});
