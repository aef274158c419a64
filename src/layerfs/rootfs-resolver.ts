// A root filesystem directory (`fs://`) as a FileResolver: walked once with lstat, files read lazily inside the root.
import { constants } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SextantError } from '../core/errors.ts';
import { FileTree } from './file-tree.ts';
import { joinPath } from './paths.ts';
import { TreeResolver } from './tree-resolver.ts';
import type { CapturePredicate, FileRecord, FileResolver, FileType, InspectorFactory } from './types.ts';
import { defaultWalkLimits } from './walk-layer.ts';

/** Limits for a root filesystem; the defaults are the layer walk's. */
export interface RootfsOptions {
  /** Most paths walked; beyond it, LIMIT_EXCEEDED. */
  maxEntries?: number;
  /** Largest file `readFile` returns; larger files read as undefined, as uncaptured layer files do. */
  maxCaptureBytes?: number;
}

/** lstat calls in flight at once while walking one directory. */
const LSTAT_BATCH = 128;

/**
 * Opens `dir` as an image root. The tree is walked once with lstat and never follows a symlink, so every record
 * describes what is inside `dir` (layer null). `readFile` resolves the path with our own chroot-like resolution,
 * then opens the resolved path with O_NOFOLLOW, so a symlink such as `etc/passwd -> /etc/passwd` reads the root's
 * own `/etc/passwd`, never the host's. With `capture`, `readFile` returns only files the predicate accepts, so a
 * directory shows catalogers exactly what an image would.
 * Throws NOT_FOUND when `dir` does not exist, NOT_AN_IMAGE when it is not a directory.
 */
export async function openRootfs(dir: string, capture?: CapturePredicate, options: RootfsOptions = {}): Promise<FileResolver> {
  const maxEntries = options.maxEntries ?? defaultWalkLimits.maxEntries;
  const maxCaptureBytes = options.maxCaptureBytes ?? defaultWalkLimits.maxCaptureBytes;
  let st: Stats;
  try {
    // The root itself may be a symlink (a user's choice, like /var/lib/... -> /data); only below it we never follow.
    st = await stat(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SextantError('NOT_FOUND', `${dir}: no such directory`, { cause: err });
    throw new SextantError('NOT_FOUND', `${dir}: cannot open (${(err as Error).message})`, { cause: err });
  }
  if (!st.isDirectory()) throw new SextantError('NOT_AN_IMAGE', `${dir}: not a directory`);
  const root = await realpath(dir);
  const tree = await walkRoot(root, maxEntries);
  return new TreeResolver(tree, (rec) => readInside(root, rec, capture, maxCaptureBytes));
}

async function walkRoot(root: string, maxEntries: number): Promise<FileTree> {
  const tree = new FileTree();
  let count = 0;
  const dirs: string[] = ['/'];
  while (dirs.length > 0) {
    const dirPath = dirs.pop() as string;
    let dirents: Dirent[];
    try {
      dirents = await readdir(join(root, dirPath), { withFileTypes: true });
    } catch {
      // An unreadable directory stays in the tree, empty, as `find` would go on past it.
      continue;
    }
    count += dirents.length;
    if (count > maxEntries) {
      throw new SextantError('LIMIT_EXCEEDED', `${root}: more than ${maxEntries} files (maxEntries)`);
    }
    for (let i = 0; i < dirents.length; i += LSTAT_BATCH) {
      const batch = dirents.slice(i, i + LSTAT_BATCH);
      const records = await Promise.all(batch.map((d) => recordFor(root, joinPath(dirPath, d.name))));
      for (const rec of records) {
        if (rec === undefined) continue;
        tree.put(rec);
        if (rec.type === 'dir') dirs.push(rec.path);
      }
    }
  }
  return tree;
}

async function recordFor(root: string, path: string): Promise<FileRecord | undefined> {
  const host = join(root, path);
  let st: Stats;
  try {
    st = await lstat(host);
  } catch {
    return undefined; // vanished while walking
  }
  const type = fileType(st);
  if (type === undefined) return undefined;
  let linkTarget: string | null = null;
  if (type === 'symlink') {
    try {
      linkTarget = await readlink(host);
    } catch {
      linkTarget = '';
    }
  }
  return {
    path,
    type,
    size: type === 'file' ? st.size : 0,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    linkTarget,
    layer: null,
  };
}

function fileType(st: Stats): FileType | undefined {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return undefined; // sockets: nothing to catalog, no FileType
}

/**
 * Reads a resolved regular file. `rec.path` holds no symlink as walked; the containment check and O_NOFOLLOW
 * guard against the tree having changed since (a swapped-in symlink). Node has no openat2(RESOLVE_IN_ROOT), so a
 * directory swapped for a symlink between the check and the open remains possible; rootfs inputs are the
 * user's own directories, not hostile archives.
 */
async function readInside(root: string, rec: FileRecord, capture: CapturePredicate | undefined, maxBytes: number): Promise<Buffer | undefined> {
  if (rec.size > maxBytes) return undefined;
  if (capture !== undefined && !capture(rec.path, rec.size)) return undefined;
  return withFileInside(root, rec, async (handle, size) => {
    if (size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < buf.length) {
        const { bytesRead } = await handle.read(buf, at, buf.length - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
    return at === buf.length ? buf : buf.subarray(0, at);
  });
}

/** Opens a resolved regular file inside `root` (containment check, O_NOFOLLOW) for `use`; undefined when it cannot. */
async function withFileInside<T>(root: string, rec: FileRecord, use: (handle: FileHandle, size: number) => Promise<T | undefined>): Promise<T | undefined> {
  const host = join(root, rec.path);
  try {
    const real = await realpath(host);
    if (!real.startsWith(root.endsWith('/') ? root : root + '/')) return undefined;
    const handle = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const st = await handle.stat();
      if (!st.isFile()) return undefined;
      return await use(handle, st.size);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Streams every regular file of a root filesystem that `inspect` picks through its inspector, 1 MiB at a time,
 * and returns the results by path: the directory counterpart of the inspectors a layer walk runs.
 */
export async function inspectRootfs(dir: string, resolver: FileResolver, inspect: InspectorFactory): Promise<Map<string, unknown>> {
  const root = await realpath(dir);
  const results = new Map<string, unknown>();
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (const rec of resolver.files()) {
    if (rec.type !== 'file') continue;
    const inspector = inspect(rec.path, rec.size, rec.mode);
    if (inspector === null) continue;
    const done = await withFileInside(root, rec, async (handle) => {
      for (let at = 0; ; ) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, at);
        if (bytesRead === 0) return true;
        // Inspectors may keep what they are given, so each gets its own copy of the shared read buffer.
        inspector.write(Buffer.from(chunk.subarray(0, bytesRead)));
        at += bytesRead;
      }
    });
    const result = done ? inspector.end() : undefined;
    if (result !== undefined) results.set(rec.path, result);
  }
  return results;
}
