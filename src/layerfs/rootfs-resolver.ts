// A root filesystem directory (`fs://`) as a FileResolver: walked once with lstat, files read lazily inside the root.
import { constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { SextantError } from '../core/errors.ts';
import { FileTree } from './file-tree.ts';
import { comparePaths, joinPath } from './paths.ts';
import { TreeResolver } from './tree-resolver.ts';
import type { CapturePredicate, FileRecord, FileResolver, FileType, InspectorFactory, RandomAccessFile } from './types.ts';
import { defaultWalkLimits } from './walk-layer.ts';

/** Limits for a root filesystem; the defaults are the layer walk's. */
export interface RootfsOptions {
  /** Most paths walked; beyond it, LIMIT_EXCEEDED. */
  maxEntries?: number;
  /** Largest file `readFile` returns; larger files read as undefined, as uncaptured layer files do. */
  maxCaptureBytes?: number;
}

/** Files read at once by inspectors; each holds one read buffer. */
const INSPECT_CONCURRENCY = 8;
/** Read size for inspected files. */
const INSPECT_CHUNK = 1 << 20;

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
  const tree = walkRoot(root, maxEntries);
  return new TreeResolver(tree, (rec) => readInside(root, rec, capture, maxCaptureBytes));
}

/**
 * Every path under `root`, by lstat. The calls are synchronous on purpose: on a local tree they are answered from
 * the kernel's caches in microseconds, several times faster than a round trip through libuv's thread pool each.
 */
function walkRoot(root: string, maxEntries: number): FileTree {
  const tree = new FileTree();
  let count = 0;
  const dirs: string[] = ['/'];
  while (dirs.length > 0) {
    const dirPath = dirs.pop() as string;
    let names: string[];
    try {
      names = readdirSync(join(root, dirPath));
    } catch {
      // An unreadable directory stays in the tree, empty, as `find` would go on past it.
      continue;
    }
    count += names.length;
    if (count > maxEntries) {
      throw new SextantError('LIMIT_EXCEEDED', `${root}: more than ${maxEntries} files (maxEntries)`);
    }
    for (const name of names) {
      const rec = recordFor(root, joinPath(dirPath, name));
      if (rec === undefined) continue;
      tree.put(rec);
      if (rec.type === 'dir') dirs.push(rec.path);
    }
  }
  return tree;
}

function recordFor(root: string, path: string): FileRecord | undefined {
  const host = join(root, path);
  const st = lstatSync(host, { throwIfNoEntry: false });
  if (st === undefined) return undefined; // vanished while walking
  const type = fileType(st);
  if (type === undefined) return undefined;
  let linkTarget: string | null = null;
  if (type === 'symlink') {
    try {
      linkTarget = readlinkSync(host);
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
  return withFileInside(root, rec, async (handle, size) => (size > maxBytes ? undefined : randomAccess(handle, size).read(0, size)));
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

/** A file handle as a RandomAccessFile. */
function randomAccess(handle: FileHandle, size: number): RandomAccessFile {
  return {
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(want);
      let at = 0;
      while (at < want) {
        const { bytesRead } = await handle.read(buf, at, want - at, offset + at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === want ? buf : buf.subarray(0, at);
    },
  };
}

/**
 * Streams every regular file of a root filesystem that `inspect` picks through its inspector, 1 MiB at a time and
 * several files at once, and returns the results by path: the directory counterpart of the inspectors a layer walk runs.
 */
export async function inspectRootfs(dir: string, resolver: FileResolver, inspect: InspectorFactory): Promise<Map<string, unknown>> {
  const root = await realpath(dir);
  const results = new Map<string, unknown>();
  const limit = pLimit(INSPECT_CONCURRENCY);
  const chunks: Buffer[] = [];
  const jobs: Promise<void>[] = [];
  for (const rec of resolver.files()) {
    if (rec.type !== 'file') continue;
    const inspector = inspect(rec.path, rec.size, rec.mode);
    if (inspector === null) continue;
    jobs.push(
      limit(async () => {
        const chunk = chunks.pop() ?? Buffer.allocUnsafe(INSPECT_CHUNK);
        try {
          const readFrom = inspector.readFrom?.bind(inspector);
          if (readFrom) {
            // The inspector reads only what it needs, by offset.
            const result = await withFileInside(root, rec, (handle, size) => readFrom(randomAccess(handle, size)));
            if (result !== undefined) results.set(rec.path, result);
            return;
          }
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
        } finally {
          chunks.push(chunk);
        }
      }),
    );
  }
  await Promise.all(jobs);
  // Results in path order, as a layer walk gives them.
  return new Map([...results].sort((x, y) => comparePaths(x[0], y[0])));
}
