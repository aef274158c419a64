// LayoutFiles over the members of an uncompressed tar archive, read in place by byte range.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { SextantError } from '../../../core/errors.ts';
import type { LayoutFiles } from '../layout-files.ts';
import { indexTar, normalize, type TarEntry } from './tar-index.ts';

/** LayoutFiles plus the names present, which tell an OCI archive from a legacy `docker save` one. */
export interface ArchiveFiles extends LayoutFiles {
  has(name: string): boolean;
}

/** Open the tar at `path`. NOT_FOUND when missing; UNSUPPORTED for a compressed archive; NOT_AN_IMAGE when not a tar. */
export async function openArchiveFiles(path: string): Promise<ArchiveFiles> {
  const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new SextantError(err.code === 'ENOENT' ? 'NOT_FOUND' : 'NOT_AN_IMAGE', `${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { cause: err });
  });
  try {
    const st = await file.stat();
    if (st.isDirectory()) throw new SextantError('NOT_AN_IMAGE', `${path} is a directory (for an OCI layout use oci-dir://, for a root filesystem fs://)`);
    const magic = Buffer.alloc(4);
    await file.read(magic, 0, 4, 0);
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      throw new SextantError('UNSUPPORTED', `${path} is gzip-compressed: decompress it first (gunzip), image archives are read in place`);
    }
    if (magic.readUInt32LE(0) === 0xfd2fb528) throw new SextantError('UNSUPPORTED', `${path} is zstd-compressed: decompress it first (unzstd)`);
    if (st.size < 512) throw new SextantError('NOT_AN_IMAGE', `${path} is not an image archive (too short to be a tar)`);
    const entries = await indexTar(file, st.size, path);
    const entry = (name: string): TarEntry | undefined => entries.get(normalize(name));
    return {
      label: path,
      has: (name) => entry(name) !== undefined,
      size: async (name) => entry(name)?.size,
      read: async (name) => {
        const e = entry(name);
        if (!e) return undefined;
        const buf = Buffer.alloc(e.size);
        const { bytesRead } = await file.read(buf, 0, e.size, e.offset);
        if (bytesRead !== e.size) throw new SextantError('CORRUPT', `${path}: truncated member ${name}`);
        return buf;
      },
      open: (name): Readable => {
        const e = entry(name);
        if (!e) throw new SextantError('NOT_FOUND', `${path} has no member ${name}`);
        if (e.size === 0) return Readable.from([]);
        return createReadStream(path, { start: e.offset, end: e.offset + e.size - 1, highWaterMark: 1 << 20 });
      },
      close: () => file.close(),
    };
  } catch (err) {
    await file.close();
    throw err;
  }
}
