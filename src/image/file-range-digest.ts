// The sha256 of a byte range of a local file, computed on a worker thread: a layer read from a local archive or
// layout is hashed there while the main thread decompresses and parses the same bytes, instead of after them.
import { Worker } from 'node:worker_threads';
import { SextantError } from '../core/errors.ts';

/** Where a blob's bytes lie on local disk. */
export interface FileRange {
  path: string;
  start: number;
  /** Bytes from `start`; undefined to the end of the file. */
  length?: number;
}

/**
 * The worker, as plain JavaScript evaluated in the thread (so it needs no file of its own next to the bundle).
 * It hashes one range at a time, 1 MiB per read, and answers `{ id, digest }` or `{ id, error }`.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buf = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', ({ id, path, start, length }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hash = createHash('sha256');
    for (let at = 0; length === undefined || at < length; ) {
      const want = length === undefined ? buf.length : Math.min(buf.length, length - at);
      const n = readSync(fd, buf, 0, want, start + at);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      at += n;
    }
    parentPort.postMessage({ id, digest: 'sha256:' + hash.digest('hex') });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

type Reply = { id: number; digest: string } | { id: number; error: string };

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (digest: string) => void; reject: (err: Error) => void; range: FileRange }>();

/** The shared worker, started on first use and unref'ed whenever it has nothing to do, so it never keeps the process alive. */
function hashingWorker(): Worker {
  if (worker !== null) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (reply: Reply) => {
    const job = pending.get(reply.id);
    if (!job) return;
    pending.delete(reply.id);
    if (pending.size === 0) w.unref();
    if ('digest' in reply) job.resolve(reply.digest);
    else job.reject(new SextantError('CORRUPT', `${job.range.path}: cannot read to verify its digest (${reply.error})`));
  });
  w.on('error', (err) => {
    for (const job of pending.values()) job.reject(new SextantError('CORRUPT', `${job.range.path}: digest worker failed (${err.message})`));
    pending.clear();
    worker = null;
  });
  worker = w;
  return w;
}

/** `sha256:<hex>` of the bytes in `range`, hashed on the worker thread. */
export function fileRangeDigest(range: FileRange): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, range });
    const w = hashingWorker();
    w.ref();
    w.postMessage({ id, path: range.path, start: range.start, length: range.length });
  });
}
