/**
 * Where machine profiles live: by default in the user's cache folder (XDG on Linux, its
 * equivalents on macOS and Windows, by env-paths), so that `--predict` works after one
 * `netcost calibrate`; `--profile FILE` reads one made anywhere (on a target board, say).
 */
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { NetcostError, UsageError } from '../errors.ts';
import { cacheDir } from '../util/cache.ts';
import { ensureFolder, readUserFile, writeFileAtomic } from '../util/fs.ts';
import { parseJsonText } from '../util/json.ts';
import { type MachineProfile, machineProfileSchema, PROFILE_VERSION } from './machine.ts';
import { unpricedClasses } from './model.ts';

/**
 * The profile `calibrate` writes and `--predict` reads when no `--profile` is given: one per thread
 * count (`machine-profile.json` at one thread, `machine-profile-2threads.json` at two, ...), since a
 * kernel's speed at one thread count says little of its speed at another.
 */
export const defaultProfilePath = (threads = 1): string =>
  join(cacheDir(), threads === 1 ? 'machine-profile.json' : `machine-profile-${threads}threads.json`);

/** The JSON Schema of a machine profile (committed as configs/schema/machine-profile.schema.json). */
export const profileJsonSchema = (): unknown => z.toJSONSchema(machineProfileSchema, { target: 'draft-2020-12' });

/**
 * Write a profile, after checking it against the schema every reader holds it to (a calibration
 * whose fit ran out of bounds says so, instead of leaving a profile no command can read).
 */
export function writeProfile(p: MachineProfile, path = defaultProfilePath(p.machine.threads)): string {
  const r = machineProfileSchema.safeParse(p);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new NetcostError(
      `calibration made a profile the schema refuses (field ${issue.path.join('.') || '(root)'}: ${issue.message}); ` +
        'nothing was written: run netcost calibrate again, and report it if it repeats',
    );
  }
  ensureFolder(dirname(path));
  writeFileAtomic(path, `${JSON.stringify(p, null, 2)}\n`);
  return path;
}

/**
 * Read and validate a profile: the file given, else the default one (whose absence says how to make
 * it). `replacing`: the profile a calibration is about to write over (read to compare with).
 */
export function readProfile(path: string | undefined, threads = 1, replacing = false): MachineProfile {
  const file = path ?? defaultProfilePath(threads);
  let text: string;
  try {
    text = readUserFile(file, 'machine profile (JSON)', 4 << 20, replacing).toString('utf8');
  } catch (e) {
    if (path === undefined)
      throw new UsageError(
        `no machine profile at ${file}: run 'netcost calibrate${threads === 1 ? '' : ` --threads ${threads}`}' ` +
          'once on this machine (about 2.5 minutes at one thread; --quick about 40 s), ' +
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
