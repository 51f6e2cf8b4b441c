/**
 * Where machine profiles live: by default in the user's cache folder (XDG on Linux, its
 * equivalents on macOS and Windows, by env-paths), so that `--predict` works after one
 * `netcost calibrate`; `--profile FILE` reads one made anywhere (on a target board, say).
 */
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import { z } from 'zod';
import { UsageError } from '../errors.ts';
import { ensureFolder, readUserFile, writeFileAtomic } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { type MachineProfile, machineProfileSchema, PROFILE_VERSION } from './machine.ts';
import { unpricedClasses } from './model.ts';

/** The profile `calibrate` writes and `--predict` reads when no `--profile` is given. */
export const defaultProfilePath = (): string => join(envPaths('netcost', { suffix: '' }).cache, 'machine-profile.json');

/** The JSON Schema of a machine profile (committed as configs/schema/machine-profile.schema.json). */
export const profileJsonSchema = (): unknown => z.toJSONSchema(machineProfileSchema, { target: 'draft-2020-12' });

export function writeProfile(p: MachineProfile, path = defaultProfilePath()): string {
  ensureFolder(dirname(path));
  writeFileAtomic(path, `${JSON.stringify(p, null, 2)}\n`);
  return path;
}

/** Read and validate a profile: the file given, else the default one (whose absence says how to make it). */
export function readProfile(path: string | undefined): MachineProfile {
  const file = path ?? defaultProfilePath();
  let text: string;
  try {
    text = readUserFile(file, 'machine profile (JSON)', 1 << 20).toString('utf8');
  } catch (e) {
    if (path === undefined)
      throw new UsageError(
        `no machine profile at ${file}: run 'netcost calibrate' once on this machine (about 50 s; --quick 5 s), ` +
          'or give one made elsewhere with --profile FILE',
        { cause: e },
      );
    throw e;
  }
  const json = parseJsonText(
    text,
    (problem) => new UsageError(`${file}: ${problem}; give a profile 'netcost calibrate' wrote`),
  );
  const version = (json as { netcostProfile?: unknown } | null)?.netcostProfile;
  if (version !== PROFILE_VERSION)
    throw new UsageError(
      `${file}: not a netcost machine profile of version ${PROFILE_VERSION} ` +
        `(netcostProfile: ${JSON.stringify(version)}); run 'netcost calibrate' again`,
    );
  const r = machineProfileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UsageError(
      `${file}: field ${issue.path.join('.') || '(root)'}: ${issue.message}; run 'netcost calibrate' again`,
    );
  }
  const unpriced = unpricedClasses(r.data);
  if (unpriced.length) {
    throw new UsageError(
      `${file}: field classes: no fit for ${unpriced.map((c) => `'${c}'`).join(', ')} nor for a class it may borrow ` +
        "from, so its kernels would be predicted at 0 ms; run 'netcost calibrate' again",
    );
  }
  return r.data;
}
