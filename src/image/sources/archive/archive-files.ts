// LayoutFiles over the members of a tar archive, read in place by byte range (compressed ones after inflating).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { SextantError } from '../../../core/errors.ts';
import type { LayoutFiles } from '../layout-files.ts';
import { indexTar, normalize, type TarEntry } from './tar-index.ts';
import { type Compression, SNIFF_BYTES, sniffCompression } from '../../../layerfs/inflate.ts';
import type { WalkLimits } from '../../../layerfs/types.ts';
import { limitsFromEnv } from '../../../layerfs/walk-layer.ts';
import { spoolDecompressed } from './spool.ts';

/** LayoutFiles plus the names present, which tell an OCI archive from a legacy `docker save` one. */
export interface ArchiveFiles extends LayoutFiles {
  has(name: string): boolean;
  /** The first `n` bytes of a member (fewer when it is shorter), or undefined when it does not exist. */
  head(name: string, n: number): Promise<Buffer | undefined>;
}

/**
 * Open the tar at `path`; a gzip- or zstd-compressed one is first inflated into a private temporary file.
 * NOT_FOUND when missing; NOT_AN_IMAGE when not a tar.
 */
export async function openArchiveFiles(path: string, limits: WalkLimits = limitsFromEnv()): Promise<ArchiveFiles> {
  const kind = await compressionOf(path);
  if (kind === 'none') return openTar(path, path, async () => {});
  const spooled = await spoolDecompressed(path, kind, limits);
  try {
    return await openTar(spooled.path, path, spooled.remove);
  } catch (err) {
    await spooled.remove();
    throw err;
  }
}

/** The compression of the file at `path`, by its first bytes; errors for missing files and directories. */
async function compressionOf(path: string): Promise<Compression> {
  const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new SextantError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'NOT_AN_IMAGE', `${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  });
  try {
    if ((await file.stat()).isDirectory()) throw new SextantError('NOT_AN_IMAGE', `${path} is a directory (for an OCI layout use oci-dir://, for a root filesystem fs://)`);
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return sniffCompression(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** Index the uncompressed tar at `path`; `label` is what the user named, `cleanup` runs on close. */
async function openTar(path: string, label: string, cleanup: () => Promise<void>): Promise<ArchiveFiles> {
  const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new SextantError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'NOT_AN_IMAGE', `${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  });
  try {
    const st = await file.stat();
    if (st.size < 512) throw new SextantError('NOT_AN_IMAGE', `${label} is not an image archive (too short to be a tar)`);
    const entries = await indexTar(file, st.size, label);
    const entry = (name: string): TarEntry | undefined => entries.get(normalize(name));
    return {
      label,
      has: (name) => entry(name) !== undefined,
      size: async (name) => entry(name)?.size,
      head: async (name, n) => {
        const e = entry(name);
        if (!e) return undefined;
        const buf = Buffer.alloc(Math.min(n, e.size));
        await file.read(buf, 0, buf.length, e.offset);
        return buf;
      },
      read: async (name) => {
        const e = entry(name);
        if (!e) return undefined;
        const buf = Buffer.alloc(e.size);
        const { bytesRead } = await file.read(buf, 0, e.size, e.offset);
        if (bytesRead !== e.size) throw new SextantError('CORRUPT', `${label}: truncated member ${name}`);
        return buf;
      },
      open: (name): Readable => {
        const e = entry(name);
        if (!e) throw new SextantError('NOT_FOUND', `${label} has no member ${name}`);
        if (e.size === 0) return Readable.from([]);
        return createReadStream(path, { start: e.offset, end: e.offset + e.size - 1, highWaterMark: 1 << 20 });
      },
      range: (name) => {
        const e = entry(name);
        return e ? { path, start: e.offset, length: e.size } : undefined;
      },
      close: async () => {
        await file.close();
        await cleanup();
      },
    };
  } catch (err) {
    await file.close();
    throw err;
  }
}
