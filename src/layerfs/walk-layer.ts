// Walks one layer blob in a single streaming pass: digests, decompression, limits, tar entries, whiteouts, captures.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { SextantError } from '../core/errors.ts';
import { createInflater, SNIFF_BYTES, sniffCompression } from './inflate.ts';
import type { Compression, Inflater } from './inflate.ts';
import { baseName, joinPath, normalizeEntryName, parentPath } from './paths.ts';
import { type TarEntry, type TarHandler, TarParser } from './tar-parser.ts';
import type { CapturePredicate, FileInspector, FileRecord, FileType, InspectorFactory, LayerContents, WalkLimits } from './types.ts';
import { noteReleasedBytes } from './reclaim.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Default walk limits (docs/cli.md):
 * - maxLayerBytes 32 GiB: no real layer expands further, and a bomb is cut off long before filling a disk's worth;
 * - maxCompressionRatio 200 once ratioGraceBytes (256 MiB) have come out: real layers compress 2–10×, even
 *   sparse ones stay far below 200×, while gzip bombs reach 1000×;
 * - maxEntries 2,000,000: the largest real images hold a few hundred thousand files;
 * - maxCaptureBytes 8 MiB: package databases and manifests fit, whole binaries do not.
 */
export const defaultWalkLimits: Readonly<WalkLimits> = Object.freeze({
  maxLayerBytes: 32 * GiB,
  maxCompressionRatio: 200,
  ratioGraceBytes: 256 * MiB,
  maxEntries: 2_000_000,
  maxCaptureBytes: 8 * MiB,
});

/** The environment variables that override each limit. */
export const limitEnvVars: Readonly<Record<keyof WalkLimits, string>> = Object.freeze({
  maxLayerBytes: 'SEXTANT_MAX_LAYER_BYTES',
  maxCompressionRatio: 'SEXTANT_MAX_COMPRESSION_RATIO',
  ratioGraceBytes: 'SEXTANT_RATIO_GRACE_BYTES',
  maxEntries: 'SEXTANT_MAX_ENTRIES',
  maxCaptureBytes: 'SEXTANT_MAX_CAPTURE_BYTES',
});

const SIZE_SUFFIX: Record<string, number> = { '': 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB };

/**
 * Walk limits from the environment (SEXTANT_MAX_LAYER_BYTES, SEXTANT_MAX_COMPRESSION_RATIO,
 * SEXTANT_RATIO_GRACE_BYTES, SEXTANT_MAX_ENTRIES, SEXTANT_MAX_CAPTURE_BYTES) over `base`. Sizes take an optional
 * binary suffix (`512M`, `2GiB`). Throws USAGE for a value that is not a positive number.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env, base: Readonly<WalkLimits> = defaultWalkLimits): WalkLimits {
  const limits: WalkLimits = { ...base };
  for (const key of Object.keys(limitEnvVars) as (keyof WalkLimits)[]) {
    const name = limitEnvVars[key];
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(raw);
    const value = m ? Number(m[1]) * (SIZE_SUFFIX[(m[2] ?? '').toLowerCase()] ?? 1) : NaN;
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new SextantError('USAGE', `${name}=${JSON.stringify(raw)}: expected a positive number`);
    }
    limits[key] = key === 'maxCompressionRatio' ? value : Math.floor(value);
  }
  return limits;
}

/** What walkLayer needs besides the stream. */
export interface WalkOptions {
  /** Position of the layer in the image (0-based); it becomes FileRecord.layer. */
  index: number;
  /** `sha256:<hex>` the stored bytes must hash to. */
  expectedDigest?: string;
  /** `sha256:<hex>` the uncompressed tar must hash to. */
  expectedDiffId?: string;
  /** Stored size in bytes, from the descriptor. */
  expectedSize?: number;
  /** Descriptor media type; a hint only, the magic bytes decide the compression. */
  mediaType?: string;
  capture: CapturePredicate;
  /** Inspectors for files streamed past without being kept (secrets, binaries); none by default. */
  inspect?: InspectorFactory;
  limits: WalkLimits;
  /**
   * The stored bytes' `sha256:<hex>`, computed elsewhere from the same bytes (a worker thread reading the local
   * file the stream comes from). The walk then does not hash the stored bytes itself, and checks this instead.
   */
  storedDigest?: Promise<string>;
  /**
   * Called with each stored chunk once the walk is done with it, when the stored bytes are the tar itself
   * (uncompressed), so the source can reuse its buffer. Inspectors and captures copy what they keep.
   */
  release?: (chunk: Buffer) => void;
  /** How errors name the layer; defaults to `layer <index> (<short digest>)`. */
  label?: string;
}

/**
 * Walks one layer: reads `stream` exactly once to its end, hashing the stored bytes and the tar, decompressing
 * by magic bytes, enforcing `limits`, and recording every entry. Captured files (predicate true and at most
 * `maxCaptureBytes`) are kept in memory; every other byte is hashed and dropped, so memory stays at a few MB.
 * Rejects with DIGEST_MISMATCH, CORRUPT, UNSAFE_PATH, LIMIT_EXCEEDED or UNSUPPORTED (non-sha256 digests), after
 * destroying `stream` and every stage.
 */
export function walkLayer(stream: Readable, opts: WalkOptions): Promise<LayerContents> {
  return new Promise<LayerContents>((resolve, reject) => {
    new LayerWalk(stream, opts, resolve, reject).start();
  });
}

/** `sha256:0123456789ab…` */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon >= 0 && digest.length > colon + 13 ? `${digest.slice(0, colon + 13)}…` : digest;
}

/** Decompressed bytes waiting for the tar parser before the decompressor is paused; and when it resumes. */
const QUEUE_HIGH = 4 * MiB;
const QUEUE_LOW = 1 * MiB;
/**
 * Bytes hashed and parsed per turn before yielding to the event loop: each decompressor waits on the main
 * thread between chunks, so long turns here would leave the zlib threads idle.
 */
const PUMP_BUDGET = 1 * MiB;

/** Tar typeflags to file types; GNU sparse files ('S') hold file data too. Others (volume labels…) are skipped. */
const TYPES: Partial<Record<string, FileType>> = {
  '0': 'file',
  '7': 'file',
  S: 'file',
  '5': 'dir',
  '2': 'symlink',
  '1': 'hardlink',
  '3': 'char',
  '4': 'block',
  '6': 'fifo',
};

function noop(): void {}

/** One walk's state. A class so the hot callbacks are monomorphic methods, not fresh closures per chunk. */
class LayerWalk implements TarHandler {
  private readonly source: Readable;
  private readonly opts: WalkOptions;
  private readonly limits: WalkLimits;
  private readonly label: string;
  private readonly resolve: (c: LayerContents) => void;
  private readonly reject: (e: unknown) => void;

  private readonly storedHash = createHash('sha256');
  private readonly tarHash = createHash('sha256');
  private storedBytes = 0;
  private tarBytes = 0;

  /** Stored bytes held back until the magic bytes are known. */
  private head: Buffer[] = [];
  private headBytes = 0;
  private compression: Compression | null = null;
  private inflater: Inflater | null = null;

  /** Decompressed chunks not yet hashed nor parsed; see `onTarData` for why they wait. */
  private queue: Buffer[] = [];
  private queued = 0;
  private pumpScheduled = false;
  private upstreamPaused = false;
  private upstreamDone = false;
  private settled = false;
  private finalDigests: Promise<{ digest: string; diffId: string }> | null = null;

  private readonly parser: TarParser;
  private entryCount = 0;
  private readonly entries: FileRecord[] = [];
  private readonly whiteouts: string[] = [];
  private readonly opaqueDirs: string[] = [];
  private readonly captured = new Map<string, Buffer>();
  private readonly inspected = new Map<string, unknown>();
  /** The file being read: where its bytes go (a capture buffer, an inspector, or both). */
  private capture: { path: string; buf: Buffer; at: number } | null = null;
  private inspector: { path: string; inspector: FileInspector } | null = null;

  constructor(source: Readable, opts: WalkOptions, resolve: (c: LayerContents) => void, reject: (e: unknown) => void) {
    this.source = source;
    this.opts = opts;
    this.limits = opts.limits;
    this.resolve = resolve;
    this.reject = reject;
    const digest = opts.expectedDigest;
    this.label = opts.label ?? (digest ? `layer ${opts.index} (${shortDigest(digest)})` : `layer ${opts.index}`);
    this.parser = new TarParser(this, this.label);
  }

  start(): void {
    // A walk that fails early never awaits the digest; its failure must not surface as an unhandled rejection.
    this.opts.storedDigest?.catch(noop);
    for (const [what, d] of [['digest', this.opts.expectedDigest], ['diffID', this.opts.expectedDiffId]] as const) {
      if (d !== undefined && !d.startsWith('sha256:')) {
        this.fail(new SextantError('UNSUPPORTED', `${this.label}: ${what} ${JSON.stringify(d)} is not a sha256 digest`));
        return;
      }
    }
    this.source.on('data', this.onStored);
    this.source.on('end', this.onStoredEnd);
    this.source.on('error', this.onSourceError);
  }

  // --- stored bytes -------------------------------------------------------------------------------------------

  private readonly onStored = (chunk: Buffer): void => {
    if (this.settled) return;
    if (this.opts.storedDigest === undefined) this.storedHash.update(chunk);
    this.storedBytes += chunk.length;
    const expected = this.opts.expectedSize;
    if (expected !== undefined && this.storedBytes > expected) {
      this.fail(new SextantError('DIGEST_MISMATCH', `${this.label}: size mismatch: more than the ${expected} bytes its descriptor states`));
      return;
    }
    if (this.compression === null) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < SNIFF_BYTES) return;
      this.choose();
      return;
    }
    this.feed(chunk);
  };

  private readonly onStoredEnd = (): void => {
    if (this.settled) return;
    if (this.compression === null) this.choose();
    if (this.settled) return;
    if (this.inflater !== null) {
      this.inflater.end();
    } else {
      this.upstreamDone = true;
      this.schedulePump();
    }
  };

  private readonly onSourceError = (err: Error): void => {
    this.fail(err instanceof SextantError ? err : readError(this.label, err));
  };

  /** Picks the decompressor from the first bytes, then feeds it what was held back. */
  private choose(): void {
    const head = this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head);
    this.head = [];
    this.compression = sniffCompression(head);
    if (this.compression !== 'none') {
      const kind = this.compression;
      this.inflater = createInflater(kind, {
        data: this.onTarData,
        drain: () => {
          if (!this.settled) this.source.resume();
        },
        end: () => {
          if (this.settled) return;
          this.upstreamDone = true;
          this.schedulePump();
        },
        error: (err) => this.fail(inflateError(this.label, kind, err)),
      });
    }
    if (head.length > 0) this.feed(head);
  }

  private feed(chunk: Buffer): void {
    if (this.inflater === null) {
      this.onTarData(chunk);
    } else {
      const release = this.opts.release;
      if (!this.inflater.write(chunk, release ? () => release(chunk) : undefined)) this.source.pause();
    }
  }

  // --- tar bytes ----------------------------------------------------------------------------------------------

  /**
   * Decompressed bytes only join a queue here. node:zlib asks its thread pool for the next chunk only after this
   * callback returns, so hashing and parsing here would serialise them with decompression; deferred to
   * `pump`, they overlap with it.
   */
  private readonly onTarData = (chunk: Buffer): void => {
    if (this.settled) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (!this.upstreamPaused && this.queued >= QUEUE_HIGH) {
      this.upstreamPaused = true;
      if (this.inflater !== null) this.inflater.pause();
      else this.source.pause();
    }
    this.schedulePump();
  };

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    this.pumpScheduled = false;
    const limits = this.limits;
    let budget = PUMP_BUDGET;
    while (!this.settled && this.queue.length > 0) {
      if (budget <= 0) {
        this.schedulePump();
        break;
      }
      const chunk = this.queue.shift() as Buffer;
      budget -= chunk.length;
      this.queued -= chunk.length;
      // An uncompressed layer's tar is its stored bytes, already hashed as they came in: hashing twice is waste.
      if (this.compression !== 'none') this.tarHash.update(chunk);
      this.tarBytes += chunk.length;
      if (this.tarBytes > limits.maxLayerBytes) {
        this.fail(new SextantError('LIMIT_EXCEEDED', `${this.label}: expands beyond the layer size limit of ${limits.maxLayerBytes} bytes (SEXTANT_MAX_LAYER_BYTES)`));
        return;
      }
      if (this.compression !== 'none' && this.tarBytes > limits.ratioGraceBytes && this.tarBytes > limits.maxCompressionRatio * this.storedBytes) {
        this.fail(
          new SextantError(
            'LIMIT_EXCEEDED',
            `${this.label}: expands more than the compression ratio limit of ${limits.maxCompressionRatio}× (${this.tarBytes} bytes from ${this.storedBytes}; SEXTANT_MAX_COMPRESSION_RATIO), a decompression bomb?`,
          ),
        );
        return;
      }
      try {
        this.parser.write(chunk);
        if (this.inflater === null) this.opts.release?.(chunk);
        else noteReleasedBytes(chunk.length);
      } catch (err) {
        // Entries are handled synchronously inside write; whatever escapes must fail the walk, not hang it.
        this.fail(err);
        return;
      }
    }
    if (this.settled) return;
    if (this.upstreamPaused && this.queued <= QUEUE_LOW) {
      this.upstreamPaused = false;
      if (this.inflater !== null) this.inflater.resume();
      else this.source.resume();
    }
    if (this.queue.length === 0 && this.upstreamDone) {
      try {
        this.parser.end();
      } catch (err) {
        // A stream that is not what the manifest named is better reported as such than as the broken tar it makes.
        this.digests().then(
          ({ digest, diffId }) => this.fail(this.mismatch(digest, diffId) ?? err),
          (digestErr: unknown) => this.fail(digestErr),
        );
        return;
      }
      this.digests().then(
        (d) => this.finish(d),
        (digestErr: unknown) => this.fail(digestErr),
      );
    }
  };

  // --- entries ------------------------------------------------------------------------------------------------

  /** TarHandler: records the entry, and asks for its data when the capture predicate wants the file. */
  entry(header: TarEntry): boolean {
    const limits = this.limits;
    if (++this.entryCount > limits.maxEntries) {
      throw new SextantError('LIMIT_EXCEEDED', `${this.label}: more than ${limits.maxEntries} entries (limit: SEXTANT_MAX_ENTRIES)`);
    }
    const size = header.size;
    if (size > limits.maxLayerBytes) {
      throw new SextantError('LIMIT_EXCEEDED', `${this.label}: entry ${JSON.stringify(header.name)} claims ${size} bytes, over the layer size limit (SEXTANT_MAX_LAYER_BYTES)`);
    }
    const rec = this.record(header, size);
    if (rec === null) return false;
    // A later entry for the same path must not leave the earlier content or result behind.
    if (this.captured.size > 0) this.captured.delete(rec.path);
    if (this.inspected.size > 0) this.inspected.delete(rec.path);
    if (rec.type !== 'file') return false;
    if (size <= limits.maxCaptureBytes && this.opts.capture(rec.path, size)) {
      this.capture = { path: rec.path, buf: Buffer.allocUnsafe(size), at: 0 };
    }
    const inspector = this.opts.inspect?.(rec.path, size, rec.mode) ?? null;
    if (inspector !== null) this.inspector = { path: rec.path, inspector };
    // Empty files still end, so they are recorded as captured (and inspected) like any other.
    return this.capture !== null || this.inspector !== null;
  }

  /** TarHandler: part of the file's content, for its capture buffer and its inspector. */
  data(chunk: Buffer): void {
    const c = this.capture;
    if (c !== null) c.at += chunk.copy(c.buf, c.at);
    this.inspector?.inspector.write(chunk);
  }

  /** TarHandler: the file is complete. */
  entryEnd(): void {
    const c = this.capture;
    if (c !== null) this.captured.set(c.path, c.buf);
    this.capture = null;
    const i = this.inspector;
    this.inspector = null;
    if (i !== null) {
      const result = i.inspector.end();
      if (result !== undefined) this.inspected.set(i.path, result);
    }
  }

  /** The record for an entry, or null for whiteout markers, the root and types that hold no file. */
  private record(header: TarEntry, size: number): FileRecord | null {
    const path = normalizeEntryName(header.name);
    if (path === undefined) {
      throw new SextantError('UNSAFE_PATH', `${this.label}: entry ${JSON.stringify(header.name)} climbs out of the image root`);
    }
    if (path === '/') return null;
    const base = baseName(path);
    if (base.startsWith('.wh.')) {
      if (base === '.wh..wh..opq') {
        this.opaqueDirs.push(parentPath(path));
      } else if (!base.startsWith('.wh..wh.')) {
        // `.wh..wh.*` other than `.opq` is aufs bookkeeping (hard-link storage), not a deletion.
        const victim = base.slice(4);
        if (victim !== '' && victim !== '.' && victim !== '..') this.whiteouts.push(joinPath(parentPath(path), victim));
      }
      return null;
    }
    const type = TYPES[header.typeflag];
    if (type === undefined) return null;
    let linkTarget: string | null = null;
    if (type === 'symlink') {
      linkTarget = header.linkname;
    } else if (type === 'hardlink') {
      const target = normalizeEntryName(header.linkname);
      if (target === undefined) {
        throw new SextantError(
          'UNSAFE_PATH',
          `${this.label}: hard link ${JSON.stringify(header.name)} points at ${JSON.stringify(header.linkname)}, outside the image root`,
        );
      }
      linkTarget = target;
    }
    const rec: FileRecord = {
      path,
      type,
      size: type === 'file' ? size : 0,
      mode: header.mode & 0o7777,
      uid: header.uid,
      gid: header.gid,
      linkTarget,
      layer: this.opts.index,
    };
    this.entries.push(rec);
    return rec;
  }

  // --- end ----------------------------------------------------------------------------------------------------

  private finish({ digest, diffId }: { digest: string; diffId: string }): void {
    if (this.settled) return;
    const mismatch = this.mismatch(digest, diffId);
    if (mismatch) {
      this.fail(mismatch);
      return;
    }
    this.settled = true;
    this.resolve({
      index: this.opts.index,
      entries: this.entries,
      whiteouts: this.whiteouts,
      opaqueDirs: this.opaqueDirs,
      captured: this.captured,
      inspected: this.inspected,
      digest,
      diffId,
      compressedBytes: this.storedBytes,
      uncompressedBytes: this.tarBytes,
      compression: this.compression ?? 'none',
    });
  }

  /** Both digests, computed once (a hash can be finished only once); the stored one may come from elsewhere. */
  private digests(): Promise<{ digest: string; diffId: string }> {
    if (this.finalDigests === null) {
      const tarDigest = this.compression === 'none' ? null : `sha256:${this.tarHash.digest('hex')}`;
      const stored = this.opts.storedDigest ?? Promise.resolve(`sha256:${this.storedHash.digest('hex')}`);
      this.finalDigests = stored.then((digest) => ({ digest, diffId: tarDigest ?? digest }));
    }
    return this.finalDigests;
  }

  /** The size, digest or diffID mismatch of the whole stream, if any: checked in that order. */
  private mismatch(digest: string, diffId: string): SextantError | null {
    const { expectedSize, expectedDigest, expectedDiffId } = this.opts;
    if (expectedSize !== undefined && this.storedBytes !== expectedSize) {
      return new SextantError('DIGEST_MISMATCH', `${this.label}: size mismatch: ${this.storedBytes} bytes, but its descriptor states ${expectedSize}`);
    }
    if (expectedDigest !== undefined && expectedDigest !== digest) {
      return new SextantError('DIGEST_MISMATCH', `${this.label}: digest mismatch: content hashes to ${shortDigest(digest)}, expected ${shortDigest(expectedDigest)}`);
    }
    if (expectedDiffId !== undefined && expectedDiffId !== diffId) {
      return new SextantError('DIGEST_MISMATCH', `${this.label}: diffID mismatch: uncompressed tar hashes to ${shortDigest(diffId)}, expected ${shortDigest(expectedDiffId)}`);
    }
    return null;
  }

  /** Settles once with `err`, destroying every stage so nothing keeps reading, waiting or holding memory. */
  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.queue = [];
    this.head = [];
    this.source.off('data', this.onStored);
    this.source.on('error', noop);
    this.source.destroy();
    this.inflater?.destroy();
    this.reject(err);
  }
}

function inflateError(label: string, kind: 'gzip' | 'zstd', err: Error): SextantError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message)) {
    return new SextantError('CORRUPT', `${label}: truncated ${kind} stream`, { cause: err });
  }
  return new SextantError('CORRUPT', `${label}: corrupt ${kind} stream (${err.message})`, { cause: err });
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR)/;

function readError(label: string, err: Error): SextantError {
  const code = String((err as NodeJS.ErrnoException).code ?? '');
  if (NETWORK_CODES.test(code) || err.message === 'terminated') {
    return new SextantError('NETWORK', `${label}: reading the layer failed (${err.message})`, { cause: err });
  }
  if (code === 'ENOENT') return new SextantError('NOT_FOUND', `${label}: ${err.message}`, { cause: err });
  return new SextantError('CORRUPT', `${label}: reading the layer failed (${err.message})`, { cause: err });
}
