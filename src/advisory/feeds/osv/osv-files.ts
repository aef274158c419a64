// OSV JSON documents from local files: one `.json` file, a directory of them (recursively), or a `.zip` dump as
// osv.dev publishes (`<Ecosystem>/all.zip`), read entry by entry in bounded memory. Names inside a zip are only
// labels: nothing is ever written from them.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import StreamZip from 'node-stream-zip';
import { SextantError } from '../../../core/errors.ts';

/** Largest single OSV record read (the biggest real ones, kernel advisories with thousands of versions, are ~5 MiB). */
export const MAX_RECORD_BYTES = 32 * 2 ** 20;

/** One document: where it came from (for messages) and its bytes. */
export interface OsvDocument {
  origin: string;
  bytes: Buffer;
}

/** Every OSV JSON document under `path`, in a stable order. Throws SextantError NOT_FOUND / CORRUPT / LIMIT_EXCEEDED. */
export async function* osvDocuments(path: string): AsyncGenerator<OsvDocument> {
  const info = await stat(path).catch((err: Error) => {
    throw new SextantError('NOT_FOUND', `${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : err.message}`, { cause: err });
  });
  if (info.isDirectory()) {
    const names = (await readdir(path, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile() && (d.name.endsWith('.json') || d.name.endsWith('.zip')))
      .map((d) => join(d.parentPath, d.name))
      .sort();
    for (const name of names) yield* osvDocuments(name);
    return;
  }
  if (path.endsWith('.zip') || (await isZip(path))) {
    yield* zipDocuments(path);
    return;
  }
  if (info.size > MAX_RECORD_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${path}: larger than ${MAX_RECORD_BYTES} bytes, not an OSV record`);
  yield { origin: path, bytes: await readFile(path) };
}

async function isZip(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 3 });
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).equals(Buffer.from('PK\x03\x04', 'latin1'));
}

/** What is kept of one zip entry to read it. */
interface ZipEntryRef {
  name: string;
  offset: number;
  compressedSize: number;
  size: number;
  method: number;
  crc: number;
  encrypted: boolean;
}

/** Bytes read from the zip file per read call: many small entries are sliced out of one window. */
const WINDOW_BYTES = 4 * 2 ** 20;

/**
 * The `.json` entries of a zip, one at a time (each inflated into memory, at most MAX_RECORD_BYTES). node-stream-zip
 * reads the central directory (ZIP64 included); each entry's data is then read and inflated synchronously, through
 * a sliding window of the file: an OSV dump is tens of thousands of small records, and a thread-pool round trip per
 * entry would cost more than the inflating. Sizes are checked before inflating and the output is capped, so a zip
 * bomb stops at the limit; each entry's CRC-32 is checked.
 */
async function* zipDocuments(path: string): AsyncGenerator<OsvDocument> {
  // The library's own entry objects weigh over a kilobyte each; a dump has tens of thousands: keep only what is read.
  const entries: ZipEntryRef[] = [];
  const zip = new StreamZip({ file: path, storeEntries: false, skipEntryNameValidation: true });
  zip.on('entry', (e: StreamZip.ZipEntry) => {
    if (!e.isDirectory && e.name.endsWith('.json')) entries.push({ name: e.name, offset: e.offset, compressedSize: e.compressedSize, size: e.size, method: e.method, crc: e.crc, encrypted: e.encrypted });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('ready', resolve);
      zip.on('error', reject);
    });
  } catch (err) {
    zip.close();
    throw new SextantError('CORRUPT', `${path}: not a readable zip (${(err as Error).message})`, { cause: err });
  }
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  const window = { start: 0, length: 0, buffer: Buffer.allocUnsafe(WINDOW_BYTES) };
  /** `length` bytes at `offset`: a view into the window when they fit in it, else a buffer of their own. */
  const read = (offset: number, length: number, origin: string): Buffer => {
    if (offset + length > size) throw new SextantError('CORRUPT', `${origin}: truncated (entry runs past the end of the zip)`);
    if (length > WINDOW_BYTES) {
      const own = Buffer.allocUnsafe(length);
      readSync(fd, own, 0, length, offset);
      return own;
    }
    if (offset < window.start || offset + length > window.start + window.length) {
      window.start = offset;
      window.length = readSync(fd, window.buffer, 0, Math.min(WINDOW_BYTES, size - offset), offset);
    }
    return window.buffer.subarray(offset - window.start, offset - window.start + length);
  };
  try {
    entries.sort((a, b) => a.offset - b.offset);
    for (const entry of entries) {
      const origin = `${path}:${entry.name}`;
      if (entry.size > MAX_RECORD_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${origin}: larger than ${MAX_RECORD_BYTES} bytes, not an OSV record`);
      if (entry.encrypted) throw new SextantError('UNSUPPORTED', `${origin}: encrypted zip entries are not supported`);
      yield { origin, bytes: entryBytes(entry, origin, read) };
    }
  } finally {
    closeSync(fd);
    zip.close();
  }
}

/** One entry's content: its local header skipped, inflated (stored and deflate only) and checked against its CRC-32. */
function entryBytes(entry: ZipEntryRef, origin: string, read: (offset: number, length: number, origin: string) => Buffer): Buffer {
  const header = read(entry.offset, 30, origin);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new SextantError('CORRUPT', `${origin}: bad local header`);
  const data = read(entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), entry.compressedSize, origin);
  let bytes: Buffer;
  if (entry.method === 0) bytes = Buffer.from(data);
  else if (entry.method === 8) {
    try {
      // Output sized to the entry: no oversized chunks left for the collector.
      bytes = inflateRawSync(data, { maxOutputLength: MAX_RECORD_BYTES, chunkSize: Math.max(64, entry.size + 64) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new SextantError('LIMIT_EXCEEDED', `${origin}: larger than ${MAX_RECORD_BYTES} bytes, not an OSV record`);
      throw new SextantError('CORRUPT', `${origin}: ${(err as Error).message}`, { cause: err });
    }
  } else throw new SextantError('UNSUPPORTED', `${origin}: compression method ${entry.method} is not supported (stored and deflate are)`);
  if (bytes.length !== entry.size || crc32(bytes) !== entry.crc) throw new SextantError('CORRUPT', `${origin}: content does not match its size and CRC-32`);
  return bytes;
}
