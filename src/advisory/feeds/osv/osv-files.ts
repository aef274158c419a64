// OSV JSON documents from local files: one `.json` file, a directory of them (recursively), or a `.zip` dump as
// osv.dev publishes (`<Ecosystem>/all.zip`), read entry by entry in bounded memory. Names inside a zip are only
// labels: nothing is ever written from them.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
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

/** The `.json` entries of a zip, one at a time (each inflated into memory, at most MAX_RECORD_BYTES). */
async function* zipDocuments(path: string): AsyncGenerator<OsvDocument> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    throw new SextantError('CORRUPT', `${path}: not a readable zip (${(err as Error).message})`, { cause: err });
  }
  try {
    for (;;) {
      const entry = await nextEntry(zip, path);
      if (entry === null) return;
      if (entry.fileName.endsWith('/') || !entry.fileName.endsWith('.json')) continue;
      const origin = `${path}:${entry.fileName}`;
      if (entry.uncompressedSize > MAX_RECORD_BYTES) throw new SextantError('LIMIT_EXCEEDED', `${origin}: larger than ${MAX_RECORD_BYTES} bytes, not an OSV record`);
      let stream: Readable;
      try {
        stream = await zip.openReadStreamPromise(entry);
      } catch (err) {
        throw new SextantError('CORRUPT', `${origin}: ${(err as Error).message}`, { cause: err });
      }
      yield { origin, bytes: await readBounded(stream, origin) };
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile, path: string): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new SextantError('CORRUPT', `${path}: corrupt zip (${err.message})`, { cause: err }));
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** A stream's bytes, refusing more than MAX_RECORD_BYTES (yauzl also checks them against the entry's sizes). */
async function readBounded(stream: Readable, origin: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > MAX_RECORD_BYTES) {
        stream.destroy();
        throw new SextantError('LIMIT_EXCEEDED', `${origin}: larger than ${MAX_RECORD_BYTES} bytes, not an OSV record`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof SextantError) throw err;
    throw new SextantError('CORRUPT', `${origin}: ${(err as Error).message}`, { cause: err });
  }
  return Buffer.concat(chunks);
}
