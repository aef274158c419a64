// Feed downloads against a real local HTTP server: conditional requests, the digest fallback, and every failure as
// one line with no file left behind.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../../test/support/feed-server.ts';
import { closedPort } from '../../../test/support/ports.ts';
import { download, downloadText } from './download.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-download-'));
let server: FeedServer;
beforeAll(async () => {
  server = await FeedServer.start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = Buffer.from('x'.repeat(100_000));

describe('download', () => {
  it('saves the body with an ETag fingerprint, then sends If-None-Match and takes 304 as unchanged', async () => {
    server.put('/a.bin', body, { etag: '"v1"' });
    const path = join(dir, 'a.bin');
    const first = await download(`${server.url}/a.bin`, path);
    expect(first).toEqual({ changed: true, fingerprint: 'etag:"v1"', path, bytes: body.length });
    expect(readFileSync(path).equals(body)).toBe(true);
    rmSync(path);
    server.takeRequests();
    expect(await download(`${server.url}/a.bin`, path, { previous: 'etag:"v1"' })).toEqual({ changed: false, fingerprint: 'etag:"v1"' });
    expect(server.takeRequests()).toEqual([{ path: '/a.bin', status: 304 }]);
    expect(existsSync(path)).toBe(false);
    // A new ETag is new content.
    server.put('/a.bin', Buffer.from('changed'), { etag: '"v2"' });
    expect(await download(`${server.url}/a.bin`, path, { previous: 'etag:"v1"' })).toMatchObject({ changed: true, fingerprint: 'etag:"v2"', bytes: 7 });
  });

  it('uses Last-Modified without an ETag, and the sha256 of the bytes without either', async () => {
    server.put('/lm.bin', body, { etag: null, lastModified: 'Tue, 02 Sep 2025 10:00:00 GMT' });
    const lm = await download(`${server.url}/lm.bin`, join(dir, 'lm.bin'));
    expect(lm.fingerprint).toBe('last-modified:Tue, 02 Sep 2025 10:00:00 GMT');
    server.takeRequests();
    expect(await download(`${server.url}/lm.bin`, join(dir, 'lm2.bin'), { previous: lm.fingerprint })).toEqual({ changed: false, fingerprint: lm.fingerprint });
    expect(server.takeRequests()).toEqual([{ path: '/lm.bin', status: 304 }]);

    server.put('/plain.bin', body, { etag: null, lastModified: null });
    const plain = await download(`${server.url}/plain.bin`, join(dir, 'plain.bin'));
    expect(plain.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Downloaded again in full, recognised by its digest, and not kept.
    const again = await download(`${server.url}/plain.bin`, join(dir, 'plain2.bin'), { previous: plain.fingerprint });
    expect(again).toEqual({ changed: false, fingerprint: plain.fingerprint });
    expect(existsSync(join(dir, 'plain2.bin'))).toBe(false);
  });

  it('fails in one line, leaving no file, on an HTTP error, a truncated body, a size over the limit, silence and a refused connection', async () => {
    const path = join(dir, 'fail.bin');
    const fails = async (url: string, code: string, message: RegExp, options = {}) => {
      const err = await download(url, path, options).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(err?.message).not.toContain('\n');
      expect(existsSync(path)).toBe(false);
    };
    server.put('/500', body, { status: 500 });
    await fails(`${server.url}/500`, 'NETWORK', /^cannot download http:\/\/127\.0\.0\.1:\d+\/500: HTTP 500 Internal Server Error$/);
    await fails(`${server.url}/missing`, 'NOT_FOUND', /\/missing: HTTP 404 Not Found$/);
    server.put('/cut', body, { truncateAt: 40_000 });
    await fails(`${server.url}/cut`, 'CORRUPT', /\/cut: truncated \(40000 of 100000 bytes received\)$/);
    server.put('/big', body);
    await fails(`${server.url}/big`, 'LIMIT_EXCEEDED', /\/big: 100000 bytes, more than the limit of 1000$/, { maxBytes: 1000 });
    server.put('/stall', body, { stall: true });
    await fails(`${server.url}/stall`, 'NETWORK', /\/stall: timed out \(nothing received for 0\.3 s\)$/, { idleTimeoutMs: 300 });
    await fails(`http://127.0.0.1:${await closedPort()}/x`, 'NETWORK', /^cannot download http:\/\/127\.0\.0\.1:\d+\/x: connection refused$/);
  });

  it('reads a small text document, refusing one over its limit', async () => {
    server.put('/list.txt', Buffer.from('npm\nPyPI\n'));
    expect(await downloadText(`${server.url}/list.txt`, { maxBytes: 100 })).toBe('npm\nPyPI\n');
    await expect(downloadText(`${server.url}/list.txt`, { maxBytes: 4 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});
