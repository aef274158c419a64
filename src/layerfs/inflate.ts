// Decompressors for layer blobs: compression sniffed from magic bytes, gzip and multi-frame zstd on node:zlib.
import zlib from 'node:zlib';

/** How a layer blob is compressed. */
export type Compression = 'gzip' | 'zstd' | 'none';

/** Bytes needed to tell the compressions apart. */
export const SNIFF_BYTES = 4;

/**
 * The compression of a blob from its first bytes: gzip (1f 8b), zstd (28 b5 2f fd, or a skippable frame
 * 5? 2a 4d 18, as zstd:chunked can start with), otherwise a plain tar. Media types only hint at this and are
 * sometimes wrong, so the bytes decide.
 */
export function sniffCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  if (head.length >= 4 && ((head[0] as number) & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  return 'none';
}

/** Receives what an inflater produces; `end` comes once, after the last `data`. */
export interface InflateSink {
  data(chunk: Buffer): void;
  /** The inflater can take more input after a `write` returned false. */
  drain(): void;
  end(): void;
  error(err: Error): void;
}

/** A push-style decompressor: plain methods and callbacks, no extra stream stage on the hot path. */
export interface Inflater {
  /**
   * Feeds compressed bytes; false asks the caller to wait for `sink.drain`. `consumed`, when given, is called once
   * the decompressor will never read `chunk` again (so its memory may be reused); an inflater that cannot tell
   * never calls it.
   */
  write(chunk: Buffer, consumed?: () => void): boolean;
  end(): void;
  /** Stops producing `data` until `resume` (backpressure from the tar parser). */
  pause(): void;
  resume(): void;
  destroy(): void;
}

/**
 * Output chunk size. node:zlib's default (16 KiB) makes a thread-pool round trip per 16 KiB of output, which
 * halves gunzip throughput; 1 MiB makes that overhead negligible while keeping buffers at a few MB per layer.
 */
export const INFLATE_CHUNK_BYTES = 1024 * 1024;

/** A decompressor for `kind` feeding `sink`. */
export function createInflater(kind: 'gzip' | 'zstd', sink: InflateSink): Inflater {
  return kind === 'gzip' ? new GzipInflater(sink) : new ZstdInflater(sink);
}

function noop(): void {}

class GzipInflater implements Inflater {
  private readonly z: zlib.Gunzip;

  constructor(sink: InflateSink) {
    // Gunzip reads concatenated members itself, as `gzip -d` and Go's gzip reader do.
    this.z = zlib.createGunzip({ chunkSize: INFLATE_CHUNK_BYTES });
    this.z.on('data', (c: Buffer) => sink.data(c));
    this.z.on('drain', () => sink.drain());
    this.z.on('end', () => sink.end());
    this.z.on('error', (e: Error) => sink.error(e));
  }

  write(chunk: Buffer, consumed?: () => void): boolean {
    // zlib calls back once it has inflated all of the chunk (or failed, when the walk is over anyway).
    return consumed ? this.z.write(chunk, (err) => err || consumed()) : this.z.write(chunk);
  }

  end(): void {
    this.z.end();
  }

  pause(): void {
    this.z.pause();
  }

  resume(): void {
    this.z.resume();
  }

  destroy(): void {
    this.z.removeAllListeners('error');
    this.z.on('error', noop);
    this.z.destroy();
  }
}

/**
 * zstd over node:zlib, which stops at the end of the first frame when more input follows in the same write.
 * A blob may hold several frames (zstd:chunked, pzstd, concatenated files), so when a frame ends early the
 * input it did not consume is replayed into a fresh decompressor. Input is held only until zlib reports it
 * consumed (`bytesWritten`), so this keeps at most the writable buffer's worth.
 */
class ZstdInflater implements Inflater {
  private z: zlib.ZstdDecompress;
  private readonly sink: InflateSink;
  /** Input written to `z` and not yet known to be consumed, oldest first. */
  private held: Buffer[] = [];
  /** `z.bytesWritten` at the start of `held[0]`. */
  private heldBase = 0;
  private ended = false;
  private paused = false;
  private dead = false;

  constructor(sink: InflateSink) {
    this.sink = sink;
    this.z = this.open();
  }

  // A frame's end can hand a chunk's unread rest to the next decompressor after zlib called back for it, so zstd
  // input is never reported consumed: the caller lets it go to the garbage collector instead.
  write(chunk: Buffer): boolean {
    this.trim();
    this.held.push(chunk);
    return this.z.write(chunk);
  }

  end(): void {
    this.ended = true;
    this.z.end();
  }

  pause(): void {
    this.paused = true;
    this.z.pause();
  }

  resume(): void {
    this.paused = false;
    this.z.resume();
  }

  destroy(): void {
    this.dead = true;
    this.retire(this.z);
  }

  private open(): zlib.ZstdDecompress {
    const z = zlib.createZstdDecompress({ chunkSize: INFLATE_CHUNK_BYTES });
    z.on('data', (c: Buffer) => {
      this.sink.data(c);
    });
    z.on('drain', () => {
      if (z === this.z) this.sink.drain();
    });
    z.on('end', () => this.frameEnded(z));
    z.on('error', (e: Error) => {
      if (z === this.z && !this.dead) this.sink.error(e);
    });
    if (this.paused) z.pause();
    return z;
  }

  /** Drops held chunks that zlib has fully consumed. */
  private trim(): void {
    let consumed = this.z.bytesWritten - this.heldBase;
    while (this.held.length > 0 && (this.held[0] as Buffer).length <= consumed) {
      const first = this.held.shift() as Buffer;
      consumed -= first.length;
      this.heldBase += first.length;
    }
  }

  private frameEnded(z: zlib.ZstdDecompress): void {
    if (z !== this.z || this.dead) return;
    this.trim();
    const skip = z.bytesWritten - this.heldBase;
    const rest = this.held.length === 0 ? Buffer.alloc(0) : Buffer.concat(this.held).subarray(skip);
    if (rest.length === 0 && this.ended) {
      this.sink.end();
      return;
    }
    // More input follows the frame: start a fresh decompressor on it.
    this.retire(z);
    this.held = [];
    this.heldBase = 0;
    this.z = this.open();
    if (rest.length > 0) this.write(rest);
    if (this.ended) this.z.end();
    // The old decompressor may have been holding the source back; it will never emit `drain` now.
    this.sink.drain();
  }

  private retire(z: zlib.ZstdDecompress): void {
    z.removeAllListeners();
    z.on('error', noop);
    z.destroy();
  }
}
