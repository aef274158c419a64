// Builds real layer tars in memory for tests (tar-stream pack), plus compression, digest and raw-header helpers.
import { createHash } from 'node:crypto';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import tar from 'tar-stream';

/** One tar entry. `type` defaults to `file`; `content` only for files; `linkname` for symlinks and hard links. */
export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'link' | 'char' | 'block' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

const PACK_TYPES = {
  file: 'file',
  dir: 'directory',
  symlink: 'symlink',
  link: 'link',
  char: 'character-device',
  block: 'block-device',
  fifo: 'fifo',
} as const;

/** A tar of `entries` in order, names written as given (hostile names such as `../x` included). */
export async function buildTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = PACK_TYPES[e.type ?? 'file'];
    const content = e.content === undefined ? undefined : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      const header = {
        name: e.name,
        type,
        mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
        mtime: new Date(0),
        ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
      };
      if (type === 'file') pack.entry(header, content ?? Buffer.alloc(0), cb);
      else pack.entry({ ...header, size: 0 }, Buffer.alloc(0), cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** gzip, as `docker push` stores layers. */
export function gzip(bytes: Buffer): Buffer {
  return gzipSync(bytes);
}

/** zstd, one frame. */
export function zstd(bytes: Buffer): Buffer {
  return zstdCompressSync(bytes);
}

/** `sha256:<hex>` of bytes. */
export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * One raw 512-byte ustar header with a correct checksum, for archives tar-stream refuses to write: a size
 * field far larger than the data that follows, for instance. `size` is written in octal (at most 11 digits).
 */
export function rawTarHeader(opts: { name: string; size: number; typeflag?: string; linkname?: string }): Buffer {
  const h = Buffer.alloc(512);
  h.write(opts.name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(opts.size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write(opts.typeflag ?? '0', 156, 'ascii');
  if (opts.linkname !== undefined) h.write(opts.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** The two zero blocks that end a tar. */
export const TAR_END = Buffer.alloc(1024);
