// Tests for the apk installed-database parser: fields, files, dependency resolution, licences, noise.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import type { OsRelease } from '../../../core/model.ts';
import type { ParseContext } from '../../cataloger.ts';
import { parseApkInstalled } from './parse-installed.ts';

const alpine: OsRelease = { id: 'alpine', versionId: '3.20.3', prettyName: null, name: null, versionCodename: null, idLike: [], path: '/etc/os-release' };
const ctx = (distro: OsRelease | null = alpine): ParseContext => ({
  location: { path: '/lib/apk/db/installed', layerDigest: 'sha256:bb' },
  distro,
  foundBy: 'apk@1',
  readFile: () => Promise.resolve(undefined),
});
const db = readFileSync(new URL('testdata/installed', import.meta.url));

describe('parseApkInstalled', () => {
  const pkgs = parseApkInstalled(db, ctx());
  const get = (name: string) => pkgs.find((p) => p.name === name);

  it('skips blocks without a version', () => {
    expect(pkgs.map((p) => p.name)).toEqual(['musl', 'busybox', 'ssl_client']);
  });

  it('fills the package model', () => {
    expect(get('busybox')).toMatchObject({
      type: 'apk',
      namespace: 'alpine',
      version: '1.36.1-r29',
      purl: 'pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3',
      authors: ['Sören Tempel <soeren+alpine@soeren-tempel.net>'],
      description: 'Size optimized toolbox of many common UNIX utilities',
      licenses: 'GPL-2.0-only',
      size: 924000,
      locations: [{ path: '/lib/apk/db/installed', layerDigest: 'sha256:bb' }],
      direct: null,
      source: { name: 'busybox', version: '1.36.1-r29' },
      arch: 'x86_64',
      foundBy: 'apk@1',
      metadata: { url: 'https://busybox.net/', commit: '5e6f7a8b', buildTime: 1712600001, downloadSize: 509000, replaces: ['busybox-initscripts'] },
    });
  });

  it('rebuilds owned files from F and R lines', () => {
    expect(get('musl')?.metadata['files']).toEqual(['/lib', '/lib/ld-musl-x86_64.so.1', '/lib/libc.musl-x86_64.so.1']);
    expect(get('busybox')?.metadata['files']).toEqual(['/bin', '/bin/busybox', '/bin/sh', '/etc', '/etc/securetty']);
    expect(get('ssl_client')?.metadata['files']).toEqual(['/top-level-file']);
  });

  it('resolves dependencies through names and provides, leaving out conflicts and what nothing satisfies', () => {
    expect(get('musl')?.dependsOn).toEqual([]);
    expect(get('busybox')?.dependsOn).toEqual(['musl']);
    expect(get('ssl_client')?.dependsOn).toEqual(['musl', 'busybox']);
    expect(get('ssl_client')?.metadata['depends']).toEqual(['so:libc.musl-x86_64.so.1', 'cmd:sh', 'libcrypto3>=3.0', 'so:libmissing.so.9']);
    // The origin names the source package; subpackages share its version.
    expect(get('ssl_client')?.source).toEqual({ name: 'busybox', version: '1.36.1-r29' });
  });

  it('reads SPDX expressions and space-separated licence lists', () => {
    expect(get('ssl_client')?.licenses).toBe('GPL-2.0-only AND MIT');
    const one = (l: string) => parseApkInstalled(Buffer.from(`P:x\nV:1\nL:${l}\n`), ctx())[0]?.licenses;
    expect(one('MIT BSD GPL2+')).toMatch(/^MIT AND BSD-\d-Clause AND GPL-2.0-or-later$/);
    expect(one('openssl')).toBe('OpenSSL');
    expect(one('GPL')).toBe('GPL-1.0-or-later');
    expect(one('( Apache-2.0 OR MIT ) AND MPL-2.0')).toBe('(Apache-2.0 OR MIT) AND MPL-2.0');
    expect(parseApkInstalled(Buffer.from('P:x\nV:1\n'), ctx())[0]?.licenses).toBe('NOASSERTION');
  });

  it('names the distro from os-release, and defaults to alpine without one', () => {
    expect(parseApkInstalled(db, ctx({ ...alpine, id: 'wolfi', versionId: '20230201' }))[0]?.purl).toBe(
      'pkg:apk/wolfi/musl@1.2.5-r0?arch=x86_64&distro=wolfi-20230201',
    );
    expect(parseApkInstalled(db, ctx(null))[0]?.purl).toBe('pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64');
  });

  it('tolerates CRLF, noise and an empty file, and throws CORRUPT for binary content', () => {
    expect(parseApkInstalled(Buffer.from('P:a\r\nV:1\r\nnoise\r\n\r\n'), ctx()).map((p) => p.version)).toEqual(['1']);
    expect(parseApkInstalled(Buffer.alloc(0), ctx())).toEqual([]);
    let err: unknown;
    try {
      parseApkInstalled(Buffer.from([0x50, 0x3a, 0x00]), ctx());
    } catch (e) {
      err = e;
    }
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
  });
});
