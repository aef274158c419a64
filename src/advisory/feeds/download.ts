// HTTP downloads for the advisory feeds: a conditional GET streamed to a file in bounded memory, and a fingerprint
// (ETag, else Last-Modified, else the sha256 of the bytes) that lets the next run skip what has not changed.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { SextantError } from '../../core/errors.ts';
import { describeNetworkError } from '../../core/network-errors.ts';

/** Largest file a feed may send (osv.dev's biggest dumps are a few hundred MiB). */
export const MAX_DOWNLOAD_BYTES = 4 * 2 ** 30;
/** A download that receives nothing (no headers, no bytes) for this long is given up. */
export const DOWNLOAD_IDLE_TIMEOUT_MS = 2 * 60_000;
/** A download still running after this long is given up, however steadily it flows. */
export const DOWNLOAD_TIMEOUT_MS = 2 * 60 * 60_000;

const USER_AGENT = 'sextant (advisory updater)';

/** Limits and hooks of one download; the defaults are the constants above. */
export interface DownloadOptions {
  /** The fingerprint recorded by the previous run: sent as If-None-Match / If-Modified-Since. */
  previous?: string | null;
  maxBytes?: number;
  idleTimeoutMs?: number;
  timeoutMs?: number;
  /** Aborts the download (another download of the same update failed). */
  signal?: AbortSignal;
  /** Bytes received so far, as they arrive. */
  onBytes?: (bytes: number) => void;
}

/** What a download found: the same content as `previous` (nothing kept), or new content in `path`. */
export type DownloadResult = { changed: false; fingerprint: string } | { changed: true; fingerprint: string; path: string; bytes: number };

/** The conditional request headers a fingerprint allows (a content digest allows none). */
function conditionalHeaders(previous: string | null | undefined): Record<string, string> {
  if (previous?.startsWith('etag:')) return { 'if-none-match': previous.slice('etag:'.length) };
  if (previous?.startsWith('last-modified:')) return { 'if-modified-since': previous.slice('last-modified:'.length) };
  return {};
}

/** Why a request failed: why its signal fired (its timers say which limit), else the transport failure. */
function failureReason(signal: AbortSignal, err: unknown): string {
  const reason: unknown = signal.reason;
  const stopped = reason instanceof Error && (reason.name === 'TimeoutError' || reason.name === 'AbortError');
  return stopped && reason.message ? reason.message : describeNetworkError(reason ?? err);
}

/** An HTTP answer other than 200 or 304, as one line naming the URL and the status. */
function httpError(url: string, res: Response): SextantError {
  const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  return new SextantError(res.status === 404 ? 'NOT_FOUND' : 'NETWORK', `cannot download ${url}: ${status}`);
}

/**
 * The timers of one request: an overall limit, an idle limit re-armed by every chunk, and the caller's signal,
 * folded into one AbortSignal whose reason says which fired.
 */
function requestTimers(options: DownloadOptions) {
  const idleMs = options.idleTimeoutMs ?? DOWNLOAD_IDLE_TIMEOUT_MS;
  const totalMs = options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(timeoutError(`timed out (nothing received for ${idleMs / 1000} s)`)), idleMs);
  };
  const overall = new AbortController();
  const overallTimer = setTimeout(() => overall.abort(timeoutError(`timed out (still running after ${totalMs / 1000} s)`)), totalMs);
  const signals = [idle.signal, overall.signal, ...(options.signal ? [options.signal] : [])];
  arm();
  return {
    signal: AbortSignal.any(signals),
    arm,
    stop() {
      clearTimeout(timer);
      clearTimeout(overallTimer);
    },
  };
}

function timeoutError(message: string): Error {
  const err = new Error(message);
  err.name = 'TimeoutError';
  return err;
}

/** Start a GET of `url`; transport failures become NETWORK errors naming the URL. */
async function get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, { headers: { 'user-agent': USER_AGENT, ...headers }, signal, redirect: 'follow' });
  } catch (err) {
    throw new SextantError('NETWORK', `cannot download ${url}: ${failureReason(signal, err)}`, { cause: err });
  }
}

/**
 * Download `url` into the file `path` unless it is unchanged since `options.previous`: a 304 answer, or a fingerprint
 * equal to the previous one (servers without conditional requests are recognised by the sha256 of what they sent;
 * the file is then removed). Memory stays bounded whatever the size; more than `maxBytes`, a body shorter than its
 * Content-Length, an HTTP error, a refused connection or a timeout is a one-line SextantError, and no file is left.
 */
export async function download(url: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const maxBytes = options.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const timers = requestTimers(options);
  try {
    const res = await get(url, conditionalHeaders(options.previous), timers.signal);
    if (res.status === 304 && options.previous) {
      await res.body?.cancel();
      return { changed: false, fingerprint: options.previous };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw httpError(url, res);
    }
    // Content-Length counts the encoded bytes: it can be checked only when fetch does not decode them.
    const declared = res.headers.get('content-encoding') ? null : Number(res.headers.get('content-length') ?? Number.NaN);
    const expected = declared !== null && Number.isSafeInteger(declared) ? declared : null;
    if (expected !== null && expected > maxBytes) {
      await res.body?.cancel();
      throw new SextantError('LIMIT_EXCEEDED', `cannot download ${url}: ${expected} bytes, more than the limit of ${maxBytes}`);
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        timers.arm();
        bytes += chunk.length;
        if (bytes > maxBytes) return done(new SextantError('LIMIT_EXCEEDED', `cannot download ${url}: more than the limit of ${maxBytes} bytes`));
        hash.update(chunk);
        options.onBytes?.(bytes);
        done(null, chunk);
      },
    });
    try {
      if (!res.body) throw new SextantError('NETWORK', `cannot download ${url}: the answer has no body`);
      await pipeline(Readable.fromWeb(res.body as ReadableStream<Uint8Array>), meter, createWriteStream(path));
      if (expected !== null && bytes !== expected) throw truncated(url, bytes, expected);
    } catch (err) {
      await rm(path, { force: true });
      if (err instanceof SextantError) throw err;
      if (expected !== null && bytes < expected && !timers.signal.aborted) throw truncated(url, bytes, expected, err);
      throw new SextantError('NETWORK', `cannot download ${url}: ${failureReason(timers.signal, err)}`, { cause: err });
    }
    const etag = res.headers.get('etag');
    const lastModified = res.headers.get('last-modified');
    const fingerprint = etag ? `etag:${etag}` : lastModified ? `last-modified:${lastModified}` : `sha256:${hash.digest('hex')}`;
    if (fingerprint === options.previous) {
      await rm(path, { force: true });
      return { changed: false, fingerprint };
    }
    return { changed: true, fingerprint, path, bytes };
  } finally {
    timers.stop();
  }
}

function truncated(url: string, got: number, expected: number, cause?: unknown): SextantError {
  return new SextantError('CORRUPT', `cannot download ${url}: truncated (${got} of ${expected} bytes received)`, { cause });
}

/** A small text document (a list, an index), at most `maxBytes`, unconditionally. */
export async function downloadText(url: string, options: Omit<DownloadOptions, 'previous' | 'onBytes'> & { maxBytes: number }): Promise<string> {
  const timers = requestTimers(options);
  try {
    const res = await get(url, {}, timers.signal);
    if (res.status !== 200) {
      await res.body?.cancel();
      throw httpError(url, res);
    }
    if (!res.body) return '';
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of Readable.fromWeb(res.body as ReadableStream<Uint8Array>)) {
        timers.arm();
        bytes += (chunk as Buffer).length;
        if (bytes > options.maxBytes) throw new SextantError('LIMIT_EXCEEDED', `cannot download ${url}: more than the limit of ${options.maxBytes} bytes`);
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof SextantError) throw err;
      throw new SextantError('NETWORK', `cannot download ${url}: ${failureReason(timers.signal, err)}`, { cause: err });
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    timers.stop();
  }
}
