// Tests for the dpkg status parser: paragraphs, states, sources, sizes, relations and dependency resolution.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import type { OsRelease } from '../../../core/model.ts';
import type { ParseContext } from '../../cataloger.ts';
import { parseDeb822 } from './deb822.ts';
import { installedSizeBytes, parseDpkgStatus, parseRelations, resolveDpkgDependencies } from './parse-status.ts';

const debian: OsRelease = { id: 'debian', versionId: '12', prettyName: null, name: null, versionCodename: 'bookworm', idLike: [], path: '/etc/os-release' };
const ctx = (distro: OsRelease | null = debian): ParseContext => ({
  location: { path: '/var/lib/dpkg/status', layerDigest: 'sha256:aa' },
  distro,
  foundBy: 'dpkg@1',
  readFile: () => Promise.resolve(undefined),
});
const status = readFileSync(new URL('testdata/status', import.meta.url));

describe('parseDpkgStatus', () => {
  const pkgs = parseDpkgStatus(status, ctx());
  const get = (name: string) => pkgs.find((p) => p.name === name);

  it('keeps packages whose files are installed, skipping config-files leftovers', () => {
    expect(pkgs.map((p) => p.name)).toEqual(['libc6', 'libgcc-s1', 'bsdutils', 'debconf', 'adduser']);
    expect(get('debconf')?.metadata['status']).toBe('install ok triggers-pending');
  });

  it('fills the package model', () => {
    expect(get('libc6')).toMatchObject({
      type: 'deb',
      namespace: 'debian',
      version: '2.36-9+deb12u4',
      purl: 'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12',
      authors: ['GNU Libc Maintainers <debian-glibc@lists.debian.org>'],
      description: 'GNU C Library: Shared libraries',
      licenses: 'NOASSERTION',
      size: 12996 * 1024,
      locations: [{ path: '/var/lib/dpkg/status', layerDigest: 'sha256:aa' }],
      direct: null,
      source: { name: 'glibc', version: '2.36-9+deb12u4' },
      arch: 'amd64',
      foundBy: 'dpkg@1',
      metadata: { section: 'libs', multiArch: 'same', installedSize: '12996' },
    });
  });

  it('keeps the epoch in the version and reads a versioned Source', () => {
    const b = get('bsdutils');
    expect(b?.version).toBe('1:2.38.1-5+b1');
    expect(b?.purl).toBe('pkg:deb/debian/bsdutils@1:2.38.1-5+b1?arch=amd64&distro=debian-12');
    expect(b?.metadata['epoch']).toBe(1);
    expect(b?.metadata['essential']).toBe(true);
    expect(b?.source).toEqual({ name: 'util-linux', version: '2.38.1-5' });
    expect(get('libgcc-s1')?.source).toEqual({ name: 'gcc-12', version: '12.2.0-14' });
  });

  it('names the distro from os-release, and defaults to debian without one', () => {
    const ubuntu = parseDpkgStatus(status, ctx({ ...debian, id: 'ubuntu', versionId: '22.04' }));
    expect(ubuntu[0]?.purl).toBe('pkg:deb/ubuntu/libc6@2.36-9+deb12u4?arch=amd64&distro=ubuntu-22.04');
    const none = parseDpkgStatus(status, ctx(null));
    expect(none[0]?.purl).toBe('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64');
    const testing = parseDpkgStatus(status, ctx({ ...debian, versionId: null, versionCodename: 'trixie' }));
    expect(testing[0]?.purl).toContain('distro=debian-trixie');
  });

  it('lists every related name before resolution, and only installed targets after', () => {
    expect(get('adduser')?.dependsOn).toEqual(['passwd', 'cdebconf', 'debconf', 'debconf-2.0']);
    resolveDpkgDependencies(pkgs);
    // passwd and cdebconf are not installed; debconf is the first installed alternative.
    expect(get('adduser')?.dependsOn).toEqual(['debconf']);
    expect(get('libgcc-s1')?.dependsOn).toEqual(['libc6']);
    expect(get('bsdutils')?.dependsOn).toEqual(['libc6']);
    expect(get('adduser')?.metadata['depends']).toBe('passwd, cdebconf | debconf (>= 0.5) | debconf-2.0');
  });

  it('resolves virtual packages through Provides', () => {
    const text = 'Package: a\nVersion: 1\nDepends: debconf-2.0\n\nPackage: debconf\nVersion: 2\nProvides: debconf-2.0\n';
    const out = parseDpkgStatus(Buffer.from(text), ctx());
    resolveDpkgDependencies(out);
    expect(out[0]?.dependsOn).toEqual(['debconf']);
  });

  it('skips paragraphs without a name or version, and tolerates noise', () => {
    const text = 'Package:\n\nPackage: no-version\n\ngarbage line\n  stray\nPackage: ok\nVersion: 1.0\nStatus: hold ok installed\n\n\n';
    expect(parseDpkgStatus(Buffer.from(text), ctx()).map((p) => [p.name, p.version])).toEqual([['ok', '1.0']]);
    expect(parseDpkgStatus(Buffer.alloc(0), ctx())).toEqual([]);
  });

  it('reads CRLF files', () => {
    const out = parseDpkgStatus(Buffer.from('Package: a\r\nVersion: 1\r\nDescription: one\r\n two\r\n\r\nPackage: b\r\nVersion: 2\r\n'), ctx());
    expect(out.map((p) => [p.name, p.description])).toEqual([['a', 'one'], ['b', null]]);
  });

  it('throws CORRUPT for binary content', () => {
    let err: unknown;
    try {
      parseDpkgStatus(Buffer.from([0x50, 0x00, 0xff, 0x01]), ctx());
    } catch (e) {
      err = e;
    }
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toContain('/var/lib/dpkg/status');
  });
});

describe('parseRelations', () => {
  it('splits groups and alternatives, dropping architecture qualifiers and restrictions', () => {
    expect(parseRelations('libc6 (>= 2.34), python3:any | python3-minimal (<< 3.12), foo [amd64] <!nocheck>, bar (<= 2)')).toEqual([
      [{ name: 'libc6', constraint: '>= 2.34' }],
      [
        { name: 'python3', constraint: null },
        { name: 'python3-minimal', constraint: '<< 3.12' },
      ],
      [{ name: 'foo', constraint: null }],
      [{ name: 'bar', constraint: '<= 2' }],
    ]);
    expect(parseRelations(null)).toEqual([]);
    expect(parseRelations(' , ')).toEqual([]);
  });
});

describe('installedSizeBytes', () => {
  it('reads KiB, and explicit units where a hand-written entry has them', () => {
    expect(installedSizeBytes('4064')).toBe(4064 * 1024);
    expect(installedSizeBytes('4KB')).toBe(4000);
    expect(installedSizeBytes('4KiB')).toBe(4096);
    expect(installedSizeBytes('2 MB')).toBe(2_000_000);
    expect(installedSizeBytes('lots')).toBeNull();
    expect(installedSizeBytes(null)).toBeNull();
  });
});

describe('parseDeb822', () => {
  it('lower-cases field names and joins continuation lines', () => {
    const [p] = parseDeb822('Package: a\nDESCRIPTION: x\n y\n .\n z\n# comment\n');
    expect(p?.get('description')).toBe('x\ny\n.\nz');
    expect(p?.get('package')).toBe('a');
  });
});
