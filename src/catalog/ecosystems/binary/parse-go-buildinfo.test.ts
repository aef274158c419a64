// Tests of the Go build info reader: hand-made blobs fed in chunks of 1, 7 and 4096 bytes, hostile blobs, and a
// real binary built with `go build` (local file proxy, no network).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elfGated } from './elf.ts';
import { goBinaryPackages, goBuildInfoInspector, parseModInfo } from './parse-go-buildinfo.ts';
import type { GoBuildInfo } from './parse-go-buildinfo.ts';
import { buildGoBinary, fakeElfWithAligned, feed, goBuildInfoBlob, hasTool, uvarint } from './test-binaries.ts';

const ctx = { location: { path: '/usr/bin/app', layerDigest: 'sha256:aa' }, distro: null, foundBy: 'go-binary@1', readFile: async () => undefined };

const MODINFO = [
  'path\texample.com/app/cmd/app',
  'mod\texample.com/app\tv1.4.0\th1:main=',
  'dep\tgithub.com/pkg/errors\tv0.9.1\th1:errs=',
  'dep\tgolang.org/x/net\tv0.1.0\th1:old=',
  '=>\tgithub.com/fork/net\tv0.2.0\th1:fork=',
  'dep\texample.com/local\tv0.0.0',
  '=>\t../local\t(devel)\t',
  'build\t-compiler=gc',
  'build\t-ldflags="-s -w"',
  'build\tGOARCH=arm64',
  'build\tGOOS=linux',
  'build\tvcs.revision=0123abcd',
  '',
].join('\n');

const inspect = (bytes: Buffer, size: number) => feed(elfGated(goBuildInfoInspector), bytes, size) as GoBuildInfo | undefined;

describe('Go build info stream', () => {
  const file = fakeElfWithAligned(goBuildInfoBlob('go1.22.1', MODINFO));
  it.each([1, 7, 4096])('reads the blob in chunks of %i bytes', (size) => {
    const info = inspect(file, size);
    expect(info?.goVersion).toBe('go1.22.1');
    expect(info?.main).toEqual({ path: 'example.com/app', version: 'v1.4.0', sum: 'h1:main=', replace: null });
    expect(info?.deps.map((d) => d.path)).toEqual(['github.com/pkg/errors', 'golang.org/x/net', 'example.com/local']);
    expect(info?.settings).toMatchObject({ '-ldflags': '-s -w', GOARCH: 'arm64', 'vcs.revision': '0123abcd' });
  });

  it('passes over an unaligned copy of the magic and finds the aligned blob after it', () => {
    const decoy = Buffer.concat([Buffer.alloc(3), goBuildInfoBlob('go1.21.0', 'path\tdecoy\n')]);
    const blob = goBuildInfoBlob('go1.22.1', MODINFO);
    const body = Buffer.concat([decoy, Buffer.alloc(16 - (decoy.length % 16)), blob]);
    for (const size of [1, 7, 4096]) expect(inspect(fakeElfWithAligned(body), size)?.goVersion).toBe('go1.22.1');
  });

  it('ignores non-ELF files', () => {
    const notElf = Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.alloc(6), goBuildInfoBlob('go1.22.1', MODINFO)]);
    expect(inspect(notElf, 4096)).toBeUndefined();
  });

  it('survives hostile blobs: truncated, huge varints, absurd lengths, pointer format, a bad version', () => {
    const blob = goBuildInfoBlob('go1.22.1', MODINFO);
    const header = blob.subarray(0, 32);
    const cases = [
      blob.subarray(0, 60), // truncated in the module info (at end of file: trailing zeros are not read as data)
      Buffer.concat([header, Buffer.alloc(12, 0xff)]), // a varint that never ends
      Buffer.concat([header, uvarint(8), Buffer.from('go1.22.1'), uvarint(2 ** 40)]), // 1 TiB of module info
      Buffer.concat([header, uvarint(2 ** 20), Buffer.from('go1.22.1')]), // a 1 MiB Go version
      Buffer.concat([header, uvarint(5), Buffer.from('hello'), uvarint(0)]), // not a Go version
      Buffer.concat([Buffer.from(header.subarray(0, 15)), Buffer.from([0]), Buffer.alloc(32)]), // pre-1.18 pointer format
    ];
    for (const body of cases) {
      const head = Buffer.alloc(4096, 0x11);
      head.write('\x7fELF', 'latin1');
      for (const size of [1, 7, 4096]) {
        const started = Date.now();
        expect(() => inspect(Buffer.concat([head, body]), size)).not.toThrow();
        expect(Date.now() - started).toBeLessThan(2000);
      }
    }
    const truncated = Buffer.concat([Buffer.alloc(4096, 0x11), blob.subarray(0, 60)]);
    truncated.write('\x7fELF', 'latin1');
    expect(inspect(truncated, 7)).toBeUndefined();
  });
});

describe('goBinaryPackages', () => {
  it('emits the main module, dependencies (replacements applied) and the standard library', () => {
    const pkgs = goBinaryPackages(parseModInfo('go1.22.1', MODINFO), ctx);
    expect(pkgs.map((p) => p.purl)).toEqual([
      'pkg:golang/example.com/app@v1.4.0',
      'pkg:golang/github.com/pkg/errors@v0.9.1',
      'pkg:golang/github.com/fork/net@v0.2.0',
      'pkg:golang/example.com/local@v0.0.0',
      'pkg:golang/stdlib@1.22.1',
    ]);
    expect(pkgs.every((p) => p.direct === null && p.arch === 'arm64' && p.locations[0]?.path === '/usr/bin/app')).toBe(true);
    expect(pkgs[0]?.metadata).toMatchObject({ mainModule: true, goVersion: 'go1.22.1', mainPackage: 'example.com/app/cmd/app' });
    expect(pkgs[1]?.metadata).toMatchObject({ h1Digest: 'h1:errs=', build: { GOOS: 'linux', GOARCH: 'arm64', 'vcs.revision': '0123abcd' } });
    expect(pkgs[2]?.metadata).toMatchObject({ h1Digest: 'h1:fork=', replaces: { path: 'golang.org/x/net', version: 'v0.1.0' } });
    expect(pkgs[3]?.metadata).toMatchObject({ replacedBy: { path: '../local', local: true } });
    expect(pkgs[4]).toMatchObject({ name: 'stdlib', namespace: null, version: '1.22.1' });
  });

  it('keeps a (devel) main module version as written, marked', () => {
    const [main] = goBinaryPackages(parseModInfo('go1.19.8', 'mod\texample.com/app\t(devel)\t\n'), ctx);
    expect(main).toMatchObject({ version: '(devel)', purl: 'pkg:golang/example.com/app@(devel)', metadata: { develVersion: true } });
  });
});

describe.skipIf(!hasTool('go', ['version']))('a binary built by go build', () => {
  it('reads its build info in any chunking', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sextant-go-'));
    try {
      const bytes = await readFile(await buildGoBinary(dir));
      for (const size of [7, 4096, 1 << 20]) {
        const info = inspect(bytes, size);
        expect(info).toBeDefined();
        const pkgs = goBinaryPackages(info as GoBuildInfo, ctx);
        const byName = Object.fromEntries(pkgs.map((p) => [`${p.namespace}/${p.name}`, p]));
        expect(byName['example.com/app']).toMatchObject({ version: '(devel)', metadata: { mainModule: true } });
        expect(byName['example.com/dep']?.purl).toBe('pkg:golang/example.com/dep@v1.2.3');
        expect(byName['example.com/dep']?.metadata['h1Digest']).toMatch(/^h1:/);
        expect(byName['example.com/fork']).toMatchObject({ version: 'v1.0.0', metadata: { replaces: { path: 'example.com/old', version: 'v0.9.0' } } });
        expect(byName['example.com/local']).toMatchObject({ version: 'v0.0.0', metadata: { replacedBy: { path: '../local', local: true } } });
        expect(byName['null/stdlib']?.version).toMatch(/^1\.\d+/);
        expect(pkgs[0]?.metadata['build']).toMatchObject({ GOOS: 'linux' });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
