// A local file range as a stream of chunks read into a small pool of reused buffers. Reading a 500 MB layer
// through fresh 1 MiB buffers makes V8 run a full garbage collection every few dozen MB (each buffer is external
// memory); handing the same few buffers back and forth keeps the read allocation-free.
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { SextantError } from '../core/errors.ts';
import type { FileRange } from './file-range-digest.ts';

/** Bytes per read. */
const CHUNK_BYTES = 1 << 20;

/** A stream of a file range whose chunks go back to the pool once the reader says it is done with them. */
export interface PooledRangeStream {
  stream: Readable;
  /**
   * Give a chunk this stream emitted back for reuse. After this call nothing may read the chunk or any view of it
   * again. Chunks from elsewhere are ignored, so a consumer may call it for every chunk it finishes with. A chunk
   * never released costs nothing but its allocation: it is collected like any buffer.
   */
  release(chunk: Buffer): void;
}

/**
 * Open `range` for reading through pooled buffers. With SEXTANT_POISON_RELEASED_BUFFERS=1 every released buffer is
 * overwritten at once, so a consumer that kept a view of one reads garbage and tests catch it.
 */
export async function openPooledRange(range: FileRange): Promise<PooledRangeStream> {
  const handle: FileHandle = await open(range.path, 'r').catch((err: Error) => {
    throw new SextantError('NOT_FOUND', `${range.path}: cannot open (${err.message})`, { cause: err });
  });
  const poison = process.env.SEXTANT_POISON_RELEASED_BUFFERS === '1';
  // Buffers out with the consumer, by their memory: each goes back to `free` once, however often it is released.
  // Held weakly: a chunk the consumer never releases (one a decompressor may still need) is garbage once dropped,
  // rather than kept here for the life of the stream, which would hold the whole range in memory.
  const lent = new WeakMap<ArrayBufferLike, Buffer>();
  const free: Buffer[] = [];
  const end = range.length === undefined ? Infinity : range.start + range.length;
  let position = range.start;
  const stream = new Readable({
    // Flow control is the consumer's (it pauses the stream); reading up to four chunks ahead keeps the disk busy.
    highWaterMark: 4 * CHUNK_BYTES,
    read() {
      const want = Math.min(CHUNK_BYTES, end - position);
      if (want <= 0) {
        this.push(null);
        return;
      }
      const into = free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
      handle.read(into, 0, want, position).then(
        ({ bytesRead }) => {
          if (bytesRead === 0) {
            free.push(into);
            this.push(null);
            return;
          }
          position += bytesRead;
          lent.set(into.buffer, into);
          this.push(into.subarray(0, bytesRead));
        },
        (err: Error) => this.destroy(err),
      );
    },
    destroy(err, callback) {
      handle.close().then(
        () => callback(err),
        () => callback(err),
      );
    },
  });
  return {
    stream,
    release(chunk) {
      const whole = lent.get(chunk.buffer);
      if (whole === undefined) return;
      lent.delete(chunk.buffer);
      if (poison) whole.fill(0xa5);
      free.push(whole);
    },
  };
}
