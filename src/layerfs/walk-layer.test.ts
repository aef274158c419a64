// Tests for walkLayer: compressions, digests, corrupt and truncated input, unsafe names, whiteouts and limits.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTar, gzip, rawTarHeader, sha256, TAR_END, zstd } from '../../test/support/tar-builder.ts';
import { isSextantError } from '../core/errors.ts';
import type { ErrorCode } from '../core/errors.ts';
import type { WalkLimits } from './types.ts';
import { defaultWalkLimits, limitsFromEnv, shortDigest, walkLayer } from './walk-layer.ts';
import type { WalkOptions } from './walk-layer.ts';

/** A stream that hands out `bytes` in `chunk`-sized pieces, and records whether it was destroyed. */
function streamOf(bytes: Buffer, chunk = 64 * 1024): Readable & { wasDestroyed: () => boolean } {
  let at = 0;
  const s = new Readable({
    read() {
      if (at >= bytes.length) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(at, at + chunk));
      at += chunk;
    },
  });
  return Object.assign(s, { wasDestroyed: () => s.destroyed });
}

function walk(bytes: Buffer, opts: Partial<WalkOptions> = {}, chunk?: number) {
  return walkLayer(streamOf(bytes, chunk), { index: 0, capture: () => true, limits: defaultWalkLimits, ...opts });
}

async function expectCode(p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<Error> {
  const err = await p.then(
    () => {
      throw new Error(`expected ${code}, got success`);
    },
    (e: unknown) => e,
  );
  expect(isSextantError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  const e = err as Error;
  expect(e.message).not.toContain('\n');
  if (message) expect(e.message).toMatch(message);
  return e;
}

const basic = await buildTar([
  { name: 'etc/', type: 'dir' },
  { name: 'etc/os-release', content: 'ID=debian\n' },
  { name: 'etc/big', content: 'x'.repeat(5000) },
  { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
  { name: 'etc/hard', type: 'link', linkname: 'etc/os-release' },
  { name: 'dev/null', type: 'char' },
  { name: 'run/fifo', type: 'fifo' },
]);

describe('walkLayer', () => {
  it.each([
    ['gzip', gzip(basic)],
    ['zstd', zstd(basic)],
    ['none', basic],
  ] as const)('reads a %s layer and verifies its digests', async (compression, stored) => {
    const layer = await walk(stored, {
      index: 3,
      expectedDigest: sha256(stored),
      expectedDiffId: sha256(basic),
      expectedSize: stored.length,
      capture: (path) => path === '/etc/os-release',
    });
    expect(layer.compression).toBe(compression);
    expect(layer.index).toBe(3);
    expect(layer.digest).toBe(sha256(stored));
    expect(layer.diffId).toBe(sha256(basic));
    expect(layer.compressedBytes).toBe(stored.length);
    expect(layer.uncompressedBytes).toBe(basic.length);
    expect(layer.entries.map((e) => [e.path, e.type])).toEqual([
      ['/etc', 'dir'],
      ['/etc/os-release', 'file'],
      ['/etc/big', 'file'],
      ['/bin', 'symlink'],
      ['/etc/hard', 'hardlink'],
      ['/dev/null', 'char'],
      ['/run/fifo', 'fifo'],
    ]);
    expect(layer.entries.every((e) => e.layer === 3)).toBe(true);
    expect(layer.entries[1]).toMatchObject({ size: 10, mode: 0o644, uid: 0, gid: 0, linkTarget: null });
    expect(layer.entries[3]?.linkTarget).toBe('usr/bin');
    expect(layer.entries[4]?.linkTarget).toBe('/etc/os-release');
    expect([...layer.captured.keys()]).toEqual(['/etc/os-release']);
    expect(layer.captured.get('/etc/os-release')?.toString()).toBe('ID=debian\n');
  });

  it('sniffs bytes and ignores a wrong media type, even with one-byte chunks', async () => {
    const layer = await walk(basic, { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, 1);
    expect(layer.compression).toBe('none');
    expect(layer.entries).toHaveLength(7);
    const zs = await walk(zstd(basic), { mediaType: 'application/vnd.oci.image.layer.v1.tar' }, 3);
    expect(zs.compression).toBe('zstd');
    expect(zs.diffId).toBe(sha256(basic));
  });

  it('reads an empty blob as an empty layer', async () => {
    const layer = await walk(Buffer.alloc(0), { expectedDigest: sha256(''), expectedDiffId: sha256('') });
    expect(layer).toMatchObject({ compression: 'none', entries: [], compressedBytes: 0, uncompressedBytes: 0 });
  });

  it('does not capture files over maxCaptureBytes, but records them', async () => {
    const layer = await walk(gzip(basic), { limits: { ...defaultWalkLimits, maxCaptureBytes: 100 } });
    expect(layer.captured.has('/etc/big')).toBe(false);
    expect(layer.captured.get('/etc/os-release')?.toString()).toBe('ID=debian\n');
    expect(layer.entries.find((e) => e.path === '/etc/big')?.size).toBe(5000);
  });

  it('passes path and size to the capture predicate', async () => {
    const seen: [string, number][] = [];
    await walk(basic, { capture: (p, s) => (seen.push([p, s]), false) });
    expect(seen).toEqual([
      ['/etc/os-release', 10],
      ['/etc/big', 5000],
    ]);
  });

  it('hashes trailing zero blocks after the end-of-archive marker', async () => {
    const padded = Buffer.concat([basic, Buffer.alloc(20 * 512)]);
    const stored = Buffer.concat([gzip(padded), Buffer.alloc(4096)]); // and zero padding after the gzip member
    const layer = await walk(stored, { expectedDigest: sha256(stored), expectedDiffId: sha256(padded), expectedSize: stored.length });
    expect(layer.uncompressedBytes).toBe(padded.length);
    expect(layer.compressedBytes).toBe(stored.length);
  });

  it('reads concatenated gzip members and multi-frame zstd', async () => {
    const half = 512 * 3;
    const parts = [basic.subarray(0, half), basic.subarray(half)];
    const gz = Buffer.concat(parts.map((p) => gzipSync(p)));
    expect((await walk(gz, { expectedDiffId: sha256(basic) })).entries).toHaveLength(7);
    const zs = Buffer.concat(parts.map((p) => zstd(p)));
    for (const chunk of [7, 1000, zs.length]) {
      const layer = await walk(zs, { expectedDiffId: sha256(basic), expectedDigest: sha256(zs) }, chunk);
      expect(layer.entries).toHaveLength(7);
    }
  });

  it('rejects a digest mismatch naming the layer and both digests', async () => {
    const stored = gzip(basic);
    const wrong = sha256('something else');
    const err = await expectCode(walk(stored, { index: 2, expectedDigest: wrong }), 'DIGEST_MISMATCH');
    expect(err.message).toContain('layer 2');
    expect(err.message).toContain(shortDigest(wrong));
    expect(err.message).toContain(shortDigest(sha256(stored)));
  });

  it('rejects a diffID mismatch', async () => {
    const stored = gzip(basic);
    const err = await expectCode(walk(stored, { expectedDigest: sha256(stored), expectedDiffId: sha256(stored) }), 'DIGEST_MISMATCH', /diffID/);
    expect(err.message).toContain(shortDigest(sha256(basic)));
  });

  it('rejects a size mismatch, early when the blob is too long', async () => {
    const stored = gzip(basic);
    await expectCode(walk(stored, { expectedSize: stored.length + 1 }), 'DIGEST_MISMATCH');
    const s = streamOf(stored, 16);
    await expectCode(walkLayer(s, { index: 0, capture: () => false, limits: defaultWalkLimits, expectedSize: 20 }), 'DIGEST_MISMATCH');
    expect(s.wasDestroyed()).toBe(true);
  });

  it('uses the label in messages when given', async () => {
    await expectCode(walk(gzip(basic), { label: 'layer 5/7 of foo', expectedDiffId: sha256('x') }), 'DIGEST_MISMATCH', /^layer 5\/7 of foo: /);
  });

  it('refuses non-sha256 digests', async () => {
    await expectCode(walk(basic, { expectedDigest: 'sha512:abcd' }), 'UNSUPPORTED');
  });

  describe('corrupt input ends in CORRUPT, never a hang', () => {
    const gz = gzip(basic);
    it('truncated gzip', async () => {
      const s = streamOf(gz.subarray(0, gz.length - 20));
      await expectCode(walkLayer(s, { index: 1, capture: () => false, limits: defaultWalkLimits }), 'CORRUPT', /^layer 1: truncated gzip stream$/);
    });
    it('truncated zstd', async () => {
      const zs = zstd(basic);
      await expectCode(walk(zs.subarray(0, zs.length >> 1)), 'CORRUPT', /truncated zstd stream/);
    });
    it('corrupt gzip', async () => {
      const bad = Buffer.from(gz);
      bad.fill(0xa5, 20, 60);
      await expectCode(walk(bad), 'CORRUPT', /corrupt gzip stream/);
    });
    it('corrupt zstd', async () => {
      const bad = Buffer.from(zstd(basic));
      bad.fill(0xa5, 10, 40);
      await expectCode(walk(bad), 'CORRUPT', /zstd/);
    });
    it('truncated tar inside a valid gzip', async () => {
      await expectCode(walk(gzip(basic.subarray(0, 700))), 'CORRUPT', /truncated tar/);
    });
    it('truncated plain tar in the middle of file data', async () => {
      const tarBytes = await buildTar([{ name: 'a', content: 'y'.repeat(4000) }]);
      await expectCode(walk(tarBytes.subarray(0, 1536)), 'CORRUPT', /truncated tar/);
    });
    it('garbage that is no tar', async () => {
      await expectCode(walk(Buffer.alloc(2048, 0x41)), 'CORRUPT', /corrupt tar/);
    });
    it('a failing source', async () => {
      const s = new Readable({
        read() {
          this.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
        },
      });
      await expectCode(walkLayer(s, { index: 0, capture: () => false, limits: defaultWalkLimits }), 'NETWORK');
    });
  });

  describe('entry names', () => {
    it('rejects an entry climbing out of the root, naming it', async () => {
      const t = await buildTar([{ name: 'ok', content: 'a' }, { name: 'a/../../etc/passwd', content: 'x' }]);
      await expectCode(walk(gzip(t)), 'UNSAFE_PATH', /"a\/\.\.\/\.\.\/etc\/passwd"/);
    });
    it('rejects a hard link whose target climbs out', async () => {
      const t = await buildTar([{ name: 'h', type: 'link', linkname: '../../etc/shadow' }]);
      await expectCode(walk(t), 'UNSAFE_PATH', /"\.\.\/\.\.\/etc\/shadow"/);
    });
    it('takes absolute names as relative to the root and normalises', async () => {
      const t = await buildTar([
        { name: '/etc/passwd', content: 'root' },
        { name: './usr//lib/./x/../y', content: 'y' },
        { name: './', type: 'dir' },
        { name: 'h', type: 'link', linkname: '/etc/passwd' },
        { name: 'h2', type: 'link', linkname: './etc/../etc/passwd' },
      ]);
      const layer = await walk(t);
      expect(layer.entries.map((e) => e.path)).toEqual(['/etc/passwd', '/usr/lib/y', '/h', '/h2']);
      expect(layer.entries.slice(2).map((e) => e.linkTarget)).toEqual(['/etc/passwd', '/etc/passwd']);
      expect(layer.captured.get('/etc/passwd')?.toString()).toBe('root');
    });
    it('keeps long names (pax and ustar prefix)', async () => {
      const deep = 'd/'.repeat(120) + 'file.txt';
      const layer = await walk(await buildTar([{ name: deep, content: 'deep' }]));
      expect(layer.entries[0]?.path).toBe('/' + deep);
      expect(layer.captured.get('/' + deep)?.toString()).toBe('deep');
    });
  });

  it('collects whiteouts and opaque directories and leaves them out of entries', async () => {
    const t = await buildTar([
      { name: 'etc/.wh.passwd', content: '' },
      { name: 'var/cache/.wh..wh..opq', content: '' },
      { name: '.wh.tmp', content: '' },
      { name: 'x/.wh..wh.plnk', type: 'dir' },
      { name: 'x/.wh...', content: '' },
      { name: 'etc/group', content: 'g' },
    ]);
    const layer = await walk(t);
    expect(layer.whiteouts).toEqual(['/etc/passwd', '/tmp']);
    expect(layer.opaqueDirs).toEqual(['/var/cache']);
    expect(layer.entries.map((e) => e.path)).toEqual(['/etc/group']);
  });

  it('walks tens of thousands of empty entries in a row without deep recursion', async () => {
    const t = await buildTar(Array.from({ length: 30_000 }, (_, i) => ({ name: `e/${i}`, content: '' })));
    const layer = await walk(gzip(t), { capture: (p) => p.endsWith('7') });
    expect(layer.entries).toHaveLength(30_000);
    expect(layer.captured.size).toBe(3000);
  });

  it('fails, and does not hang, when the capture predicate throws', async () => {
    const boom = () => {
      throw new Error('predicate bug');
    };
    await expect(walk(gzip(basic), { capture: boom })).rejects.toThrow('predicate bug');
  });

  it('skips entry types it does not know, data included', async () => {
    const t = Buffer.concat([
      rawTarHeader({ name: 'volume-label', size: 600, typeflag: 'V' }),
      Buffer.alloc(1024, 0x61),
      rawTarHeader({ name: 'after', size: 2 }),
      Buffer.from('ok'),
      Buffer.alloc(510),
      TAR_END,
    ]);
    const layer = await walk(t);
    expect(layer.entries.map((e) => e.path)).toEqual(['/after']);
    expect(layer.captured.get('/after')?.toString()).toBe('ok');
  });

  it('keeps the last content when a layer writes a path twice', async () => {
    const t = await buildTar([
      { name: 'f', content: 'first' },
      { name: 'f', content: 'second' },
      { name: 'g', content: 'small' },
      { name: 'g', content: 'far too large to capture' },
    ]);
    const layer = await walk(t, { limits: { ...defaultWalkLimits, maxCaptureBytes: 10 } });
    expect(layer.captured.get('/f')?.toString()).toBe('second');
    expect(layer.captured.has('/g')).toBe(false);
  });

  describe('limits', () => {
    const low = (l: Partial<WalkLimits>): WalkLimits => ({ ...defaultWalkLimits, ...l });

    it('cuts off a gzip bomb by ratio, early, and destroys the source', async () => {
      const zeros = await buildTar([{ name: 'bomb', content: Buffer.alloc(50 * 2 ** 20) }]);
      const bomb = gzip(zeros);
      expect(bomb.length).toBeLessThan(200_000);
      const s = streamOf(bomb, 4096);
      const err = await expectCode(
        walkLayer(s, { index: 0, capture: () => false, limits: low({ maxCompressionRatio: 20, ratioGraceBytes: 2 ** 20 }) }),
        'LIMIT_EXCEEDED',
        /expands more than the compression ratio limit of 20×/,
      );
      expect(err.message).toMatch(/^layer 0: /);
      expect(s.wasDestroyed()).toBe(true);
    });

    it('cuts off a layer expanding beyond maxLayerBytes', async () => {
      const zeros = await buildTar([{ name: 'bomb', content: Buffer.alloc(50 * 2 ** 20) }]);
      await expectCode(walk(gzip(zeros), { limits: low({ maxLayerBytes: 10 * 2 ** 20 }) }), 'LIMIT_EXCEEDED', /layer size limit/);
      await expectCode(walk(zstd(zeros), { limits: low({ maxLayerBytes: 10 * 2 ** 20 }) }), 'LIMIT_EXCEEDED', /layer size limit/);
    });

    it('refuses an entry header claiming an absurd size', async () => {
      const t = Buffer.concat([rawTarHeader({ name: 'huge', size: 8 * 2 ** 30 }), Buffer.alloc(4096)]);
      await expectCode(walk(gzip(t), { limits: low({ maxLayerBytes: 2 ** 30 }) }), 'LIMIT_EXCEEDED', /"huge" claims 8589934592 bytes/);
    });

    it('refuses more than maxEntries entries', async () => {
      const t = await buildTar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
      await expectCode(walk(t, { limits: low({ maxEntries: 10 }) }), 'LIMIT_EXCEEDED', /more than 10 entries/);
      expect((await walk(t, { limits: low({ maxEntries: 20 }) })).entries).toHaveLength(20);
    });

    it('leaves ordinary layers alone under the default limits', async () => {
      const t = Buffer.concat([rawTarHeader({ name: 'a', size: 3 }), Buffer.from('abc'), Buffer.alloc(509), TAR_END]);
      const layer = await walk(gzip(t));
      expect(layer.captured.get('/a')?.toString()).toBe('abc');
    });
  });
});

describe('limitsFromEnv', () => {
  it('overrides defaults from SEXTANT_* variables', () => {
    const limits = limitsFromEnv({ SEXTANT_MAX_LAYER_BYTES: '512M', SEXTANT_MAX_COMPRESSION_RATIO: '12.5', SEXTANT_MAX_ENTRIES: '1000' });
    expect(limits).toEqual({ ...defaultWalkLimits, maxLayerBytes: 512 * 2 ** 20, maxCompressionRatio: 12.5, maxEntries: 1000 });
    expect(limitsFromEnv({ SEXTANT_MAX_LAYER_BYTES: '2GiB' }).maxLayerBytes).toBe(2 * 2 ** 30);
    expect(limitsFromEnv({})).toEqual(defaultWalkLimits);
  });
  it('rejects nonsense with USAGE', () => {
    expect(() => limitsFromEnv({ SEXTANT_MAX_COMPRESSION_RATIO: 'lots' })).toThrow(/SEXTANT_MAX_COMPRESSION_RATIO/);
    expect(() => limitsFromEnv({ SEXTANT_MAX_LAYER_BYTES: '0' })).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('walkLayer file inspectors', () => {
  it('streams every chosen file through its inspector, across chunk boundaries, without capturing it', async () => {
    const big = Buffer.concat([Buffer.alloc(300_000, 0x61), Buffer.from('NEEDLE'), Buffer.alloc(200_000, 0x62)]);
    const tar = await buildTar([
      { name: 'bin/app', content: big, mode: 0o755 },
      { name: 'etc/conf', content: 'no needle here' },
      { name: 'empty', content: '' },
    ]);
    const seen: string[] = [];
    const contents = await walk(
      gzip(tar),
      {
        capture: () => false,
        inspect: (path, size, mode) => {
          seen.push(`${path}:${size}:${(mode & 0o111) !== 0 ? 'x' : '-'}`);
          let bytes = 0;
          let tail = '';
          let found = false;
          return {
            write(chunk) {
              bytes += chunk.length;
              const text = tail + chunk.toString('latin1');
              if (text.includes('NEEDLE')) found = true;
              tail = text.slice(-5); // the marker may straddle two chunks
            },
            end: () => (found ? { bytes } : path === '/empty' ? { bytes } : undefined),
          };
        },
      },
      4099,
    );
    expect(seen).toEqual(['/bin/app:500006:x', '/etc/conf:14:-', '/empty:0:-']);
    expect([...contents.inspected]).toEqual([
      ['/bin/app', { bytes: 500_006 }],
      ['/empty', { bytes: 0 }],
    ]);
    expect(contents.captured.size).toBe(0);
  });
});
