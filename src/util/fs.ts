/**
 * Files from and for the user. Reading: only regular files (never a FIFO, a device or a folder),
 * and never more than a size no model reaches. Writing: whole or not at all (a temporary file
 * beside the target's real path, then rename), except through a character device such as
 * /dev/null, which is written as it is; a FIFO, a socket or a folder is refused.
 */
import { closeSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';

const reason = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message);
};

/** A user's input file: a regular file of at most `maxBytes`, as a string or bytes. */
export function readUserFile(path: string, what: string, maxBytes: number): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) {
      throw new UsageError(
        `${path}: not a regular file (${st.isDirectory() ? 'a folder' : 'a special file'}); give a ${what}`,
      );
    }
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: cannot read the ${what} (${reason(e)})`);
  }
  if (size > maxBytes) {
    throw new UsageError(`${path}: ${size} bytes is larger than any ${what} netcost reads (limit ${maxBytes} bytes)`);
  }
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`${path}: cannot read the ${what} (${reason(e)})`);
  }
}

const writeError = (path: string, e: unknown) =>
  new UsageError(
    `${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
      'check that the folder exists and is writable',
    { cause: e },
  );

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  let target = path;
  try {
    const st = statSync(path);
    if (st.isCharacterDevice()) {
      writeFileSync(path, data);
      return;
    }
    if (!st.isFile()) {
      throw new UsageError(`${path}: is ${st.isDirectory() ? 'a folder' : 'a FIFO or socket'}; give a file to write`);
    }
    target = realpathSync(path); // a symlink: replace the file it points to, keep the link
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(path, e);
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw writeError(path, e);
  }
}

/**
 * Run `f` holding `<path>.lock`: concurrent runs writing one baseline are serialised, the second
 * fails cleanly. A lock left by a process that no longer runs is taken over.
 */
export async function withLock<T>(path: string, f: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  const take = () => {
    const fd = openSync(lock, 'wx');
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
  };
  try {
    take();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError(lock, e);
    const text = readFileSync(lock, 'utf8');
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
