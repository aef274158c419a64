// LayoutFiles over a directory on disk (an `oci-dir://` layout).
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { SextantError } from '../../../core/errors.ts';
import type { LayoutFiles } from '../layout-files.ts';

/** Open `dir` as layout files. NOT_FOUND when it does not exist, NOT_AN_IMAGE when it is not a directory. */
export async function openDirectoryFiles(dir: string): Promise<LayoutFiles> {
  const s = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    throw new SextantError('NOT_FOUND', `${dir}: no such directory`, { cause: err });
  });
  if (!s.isDirectory()) throw new SextantError('NOT_AN_IMAGE', `${dir} is not a directory (for a tar archive use archive://)`);
  // Names come from Sextant itself (index.json, blobs/<alg>/<hex> from validated digests), never from the image.
  const sizeOf = async (name: string) => {
    const st = await stat(join(dir, name)).catch(() => undefined);
    return st?.isFile() ? st.size : undefined;
  };
  return {
    label: dir,
    size: sizeOf,
    read: async (name) => readFile(join(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new SextantError('NOT_FOUND', `${dir}/${name}: ${err.message}`, { cause: err });
    }),
    open: (name): Readable => createReadStream(join(dir, name), { highWaterMark: 1 << 20 }),
    range: (name) => ({ path: join(dir, name), start: 0 }),
    close: async () => {},
  };
}
