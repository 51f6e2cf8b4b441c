/**
 * Files from and for the user. Reading: only regular files (never a FIFO, a device or a folder),
 * and never more than a size no model reaches. Writing: whole or not at all (a temporary file
 * beside the target's real path, then rename), except through a character device such as
 * /dev/null, which is written as it is; a FIFO, a socket or a folder is refused, and so is a file
 * this process read as input (`report m.onnx -o m.onnx` would replace the model with its report).
 * A temporary file left by a killed run is removed by the next write to the same target.
 */
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { InputFileError, UsageError } from '../errors.ts';

/** The files read as input in this process, by identity (device and inode: links and symlinks alike). */
const inputs = new Map<string, string>();
const identity = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;

const reason = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message);
};

/**
 * A user's input file: a regular file of at most `maxBytes`, as a string or bytes. `replacing`: the
 * file this command is about to replace (read to compare with), which a write may then replace.
 */
export function readUserFile(path: string, what: string, maxBytes: number, replacing = false): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) {
      throw new InputFileError(
        path,
        `${path}: not a regular file (${st.isDirectory() ? 'a folder' : 'a special file'}); give a ${what}`,
      );
    }
    size = st.size;
    if (!replacing) inputs.set(identity(st), path);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(path, `${path}: cannot read the ${what} (${reason(e)})`);
  }
  if (size > maxBytes) {
    throw new InputFileError(
      path,
      `${path}: ${size} bytes is larger than any ${what} netcost reads (limit ${maxBytes} bytes)`,
    );
  }
  try {
    return readFileSync(path);
  } catch (e) {
    throw new InputFileError(path, `${path}: cannot read the ${what} (${reason(e)})`);
  }
}

const writeError = (path: string, e: unknown) =>
  new UsageError(
    `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
      'check that the folder exists and is writable',
    { cause: e },
  );

export interface WriteOptions {
  /** the target may be a file this process read (a baseline being updated) */
  replacesInput?: boolean;
}

/**
 * Write `data` to `path` whole or not at all. An existing file keeps its permissions (a 0600 file
 * stays 0600) and is refused when read-only (no write permission for anyone, or none for this
 * user); a symlink, dangling or not, is followed to the file it names and stays a link.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: WriteOptions = {}): void {
  const target = realTarget(path);
  let mode: number | undefined;
  try {
    const st = statSync(target);
    if (st.isCharacterDevice()) {
      writeFileSync(target, data);
      return;
    }
    if (!st.isFile()) {
      throw new UsageError(`${path}: is ${st.isDirectory() ? 'a folder' : 'a FIFO or socket'}; give a file to write`);
    }
    const read = inputs.get(identity(st));
    if (read !== undefined && !opts.replacesInput) {
      throw new UsageError(
        `${path}: is ${read === path ? 'an input of this command' : `the input ${read}`}; writing there would ` +
          'replace it: give another output file',
      );
    }
    if (!writable(target, st.mode)) {
      throw new UsageError(`${path}: is read-only; make it writable (chmod u+w) or give another output file`);
    }
    mode = st.mode & 0o7777;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(path, e);
  }
  removeOrphans(target);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
    if (mode !== undefined) chmodSync(tmp, mode); // the umask applies to `mode` at creation
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(path, e);
  }
}

/** Whether this user may write the file: a write bit for no one is read-only, even for root. */
function writable(path: string, mode: number): boolean {
  if ((mode & 0o222) === 0) return false;
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Temporary files of `target` left by runs that no longer exist (killed mid-write). */
function removeOrphans(target: string): void {
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return; // the write itself will say what is wrong with the folder
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    const p = join(dirname(target), name);
    if (lstatSync(p, { throwIfNoEntry: false })?.isFile()) rmSync(p, { force: true });
  }
}

/** A folder to write into, made if missing; a read-only or blocked path is one clear error. */
export function ensureFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    throw new UsageError(
      `${path}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
        'check that its parent is a writable folder',
      { cause: e },
    );
  }
}

/** Whether `path` is `base` or lies inside the folder `base`, wherever links lead. */
export function isWithin(path: string, base: string): boolean {
  const p = realTarget(path);
  const b = realTarget(base);
  return p === b || p.startsWith(`${b}${sep}`);
}

/** Where a path really is: symlinks resolved (a dangling one to the file it will create). */
function realTarget(path: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(p);
    } catch {
      let link: string | undefined;
      try {
        link = lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
      } catch {
        // not there, or not reachable (a file where a folder should be, a name too long): the write says which
      }
      if (link === undefined) break;
      p = resolve(dirname(p), link);
    }
  }
  try {
    return join(realpathSync(dirname(p)), basename(p));
  } catch {
    return p;
  }
}

/**
 * Run `f` holding `<path>.lock`: concurrent runs writing one baseline are serialised, the second
 * fails cleanly. A lock left by a process that no longer runs is taken over.
 */
export async function withLock<T>(path: string, f: () => Promise<T>): Promise<T> {
  // keyed by where the file really is: a symlink and its target take one lock
  const lock = `${realTarget(path)}.lock`;
  const st = lstatSync(lock, { throwIfNoEntry: false });
  if (st && !st.isFile()) {
    throw new UsageError(
      `${lock}: is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, not a lock netcost wrote; remove it`,
    );
  }
  const take = () => {
    const fd = openSync(lock, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  };
  try {
    take();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(lock, e);
    let text: string;
    try {
      text = readFileSync(lock, 'utf8');
    } catch (e2) {
      throw writeError(lock, e2);
    }
    const holder = Number(text);
    // an empty lock was created a moment ago and its pid is being written: it is live
    if (text.trim() === '' || !Number.isInteger(holder) || holder <= 0 || alive(holder)) {
      throw new UsageError(
        `${path}: another netcost (process ${text.trim() || '?'}) is updating it; wait for it to finish, ` +
          `or remove ${lock} if it is stale`,
      );
    }
    rmSync(lock, { force: true });
    try {
      take();
    } catch (e2) {
      throw new UsageError(`${path}: another netcost took the lock ${lock} at the same moment; run again`, {
        cause: e2,
      });
    }
  }
  try {
    return await f();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
