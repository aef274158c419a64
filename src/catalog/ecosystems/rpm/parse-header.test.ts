// Tests for the rpm header parser and the package builder: tags, files, dribble entries, hostile bounds, purls, requires.
import { describe, expect, it } from 'vitest';
import type { OsRelease } from '../../../core/model.ts';
import type { ParseContext } from '../../cataloger.ts';
import { parseSourceRpm, rpmLicense, rpmNamespace, rpmPackages } from './packages.ts';
import { parsePgpSignature, parseRpmHeader, RpmTag } from './parse-header.ts';
import { buildHeader, packageHeader } from './testdata/build-header.ts';

function distro(id: string, versionId: string | null): OsRelease {
  return { id, versionId, prettyName: null, name: null, versionCodename: null, idLike: [], path: '/etc/os-release' };
}

function ctx(d: OsRelease | null = null): ParseContext {
  return { location: { path: '/var/lib/rpm/rpmdb.sqlite', layerDigest: 'sha256:ab' }, distro: d, foundBy: 'rpm-db@1', readFile: () => Promise.resolve(undefined) };
}

describe('parseRpmHeader', () => {
  it('reads the kept tags, joins compressed file names and prefers LONGSIZE', () => {
    const h = parseRpmHeader(
      packageHeader('bash', '5.2.26', '3.fc40', [
        [RpmTag.EPOCH, { i32: [2] }],
        [RpmTag.SUMMARY, { i18n: 'The GNU Bourne Again shell' }],
        [RpmTag.LICENSE, { s: 'GPLv3+' }],
        [RpmTag.VENDOR, { s: 'Fedora Project' }],
        [RpmTag.SIZE, { i32: [10] }],
        [RpmTag.SOURCE_RPM, { s: 'bash-5.2.26-3.fc40.src.rpm' }],
        [RpmTag.BASENAMES, { a: ['bash', 'sh', 'bashrc'] }],
        [RpmTag.DIR_NAMES, { a: ['/usr/bin/', '/etc/'] }],
        [RpmTag.DIR_INDEXES, { i32: [0, 0, 1] }],
        [RpmTag.PROVIDE_NAME, { a: ['bash', '/bin/sh'] }],
        [RpmTag.REQUIRE_NAME, { a: ['libc.so.6()(64bit)', 'rpmlib(CompressedFileNames)'] }],
        [RpmTag.SIG_MD5, { bin: Buffer.from('00112233445566778899aabbccddeeff', 'hex') }],
      ]),
      { files: true },
    );
    expect(h).toMatchObject({
      name: 'bash',
      version: '5.2.26',
      release: '3.fc40',
      epoch: 2,
      arch: 'x86_64',
      summary: 'The GNU Bourne Again shell',
      license: 'GPLv3+',
      vendor: 'Fedora Project',
      size: 10,
      sourceRpm: 'bash-5.2.26-3.fc40.src.rpm',
      sigMd5: '00112233445566778899aabbccddeeff',
      provides: ['bash', '/bin/sh'],
      fileCount: 3,
      files: ['/usr/bin/bash', '/usr/bin/sh', '/etc/bashrc'],
    });
    expect(parseRpmHeader(packageHeader('x', '1', '1'))?.files).toBeNull();
  });

  it('lets a later (dribble) entry replace an earlier one for the same tag', () => {
    const h = parseRpmHeader(buildHeader([[1000, { s: 'old' }], [1001, { s: '1' }], [1000, { s: 'new' }]]));
    expect(h?.name).toBe('new');
  });

  it('returns null for blobs that are not headers or lack a name', () => {
    expect(parseRpmHeader(Buffer.alloc(0))).toBeNull();
    expect(parseRpmHeader(Buffer.from([0, 0, 0, 1]))).toBeNull();
    expect(parseRpmHeader(buildHeader([[1001, { s: '1' }]]))).toBeNull();
    // il and dl claiming more than the blob holds.
    const lying = packageHeader('a', '1', '1');
    lying.writeUInt32BE(0xffff, 0);
    expect(parseRpmHeader(lying)).toBeNull();
    lying.writeUInt32BE(4, 0);
    lying.writeUInt32BE(0x7fffffff, 4);
    expect(parseRpmHeader(lying)).toBeNull();
  });

  it('bounds counts and offsets of single entries', () => {
    const blob = packageHeader('a', '1', '1', [
      [RpmTag.REQUIRE_NAME, { a: ['x'] }],
      [RpmTag.SIZE, { i32: [5] }],
    ]);
    // Entry 4 (REQUIRENAME): an absurd count; entry 5 (SIZE): an offset past the data.
    blob.writeUInt32BE(0xffffffff, 8 + 4 * 16 + 12);
    blob.writeUInt32BE(0xfffffff0, 8 + 5 * 16 + 8);
    const h = parseRpmHeader(blob);
    expect(h?.name).toBe('a');
    expect(h?.requires).toEqual([]);
    expect(h?.size).toBeNull();
  });

  it('reads an unterminated string as absent', () => {
    const blob = buildHeader([[1001, { s: '1' }], [1000, { s: 'name' }]]);
    const cut = blob.subarray(0, blob.length - 1);
    cut.writeUInt32BE(cut.readUInt32BE(4) - 1, 4);
    expect(parseRpmHeader(cut)).toBeNull();
  });
});

describe('parsePgpSignature', () => {
  it('reads a v3 signature packet', () => {
    const body = Buffer.alloc(19);
    body[0] = 3;
    body[1] = 5;
    body.writeUInt32BE(1680545439, 3);
    Buffer.from('199e2f91fd431d51', 'hex').copy(body, 7);
    body[15] = 1;
    body[16] = 8;
    const packet = Buffer.concat([Buffer.from([0x89, 0, body.length]), body]);
    expect(parsePgpSignature(packet)).toEqual({ algorithm: 'RSA/SHA256', created: 1680545439, keyId: '199e2f91fd431d51' });
  });

  it('reads a v4 packet (new format length) with the issuer in the unhashed area, and rejects garbage', () => {
    const hashed = Buffer.from([5, 2, 0x64, 0x2b, 0x17, 0x9f]);
    const unhashed = Buffer.concat([Buffer.from([9, 16]), Buffer.from('0cd9fed33135ce90', 'hex')]);
    const body = Buffer.concat([Buffer.from([4, 0, 1, 8, 0, hashed.length]), hashed, Buffer.from([0, unhashed.length]), unhashed, Buffer.alloc(4)]);
    const packet = Buffer.concat([Buffer.from([0xc2, body.length]), body]);
    expect(parsePgpSignature(packet)).toEqual({ algorithm: 'RSA/SHA256', created: 0x642b179f, keyId: '0cd9fed33135ce90' });
    expect(parsePgpSignature(Buffer.from([0x00, 1, 2]))).toBeNull();
    expect(parsePgpSignature(Buffer.from([0xc2, 0xff]))).toBeNull();
  });
});

describe('rpmPackages', () => {
  it('builds purls with namespace, arch, epoch and distro, and resolves requires to package names', () => {
    const blobs = [
      packageHeader('curl', '8.6.0', '1.fc40', [
        [RpmTag.EPOCH, { i32: [1] }],
        [RpmTag.REQUIRE_NAME, { a: ['/bin/sh', 'libc.so.6()(64bit)', 'curl', 'rpmlib(FileDigests)', 'missing-dep'] }],
        [RpmTag.PACKAGER, { s: 'Fedora Project' }],
        [RpmTag.VENDOR, { s: 'Fedora Project' }],
        [RpmTag.LICENSE, { s: 'curl' }],
        [RpmTag.SOURCE_RPM, { s: 'curl-8.6.0-1.fc40.src.rpm' }],
        [RpmTag.SIZE, { i32: [1234] }],
      ]),
      packageHeader('bash', '5.2.26', '3.fc40', [
        [RpmTag.BASENAMES, { a: ['sh'] }],
        [RpmTag.DIR_NAMES, { a: ['/bin/'] }],
        [RpmTag.DIR_INDEXES, { i32: [0] }],
      ]),
      packageHeader('glibc', '2.39', '2.fc40', [[RpmTag.PROVIDE_NAME, { a: ['libc.so.6()(64bit)', 'glibc'] }]]),
      buildHeader([
        [1000, { s: 'gpg-pubkey' }],
        [1001, { s: 'a15b79cc' }],
        [1002, { s: '63d04c2c' }],
      ]),
      Buffer.from('not a header'),
    ].map((blob, k) => ({ key: 10 - k, blob }));
    const pkgs = rpmPackages(blobs, ctx(distro('fedora', '40')));
    // Output in key order; gpg-pubkey and the unreadable blob are skipped.
    expect(pkgs.map((p) => p.name)).toEqual(['glibc', 'bash', 'curl']);
    const curl = pkgs[2];
    expect(curl).toMatchObject({
      type: 'rpm',
      namespace: 'fedora',
      version: '1:8.6.0-1.fc40',
      purl: 'pkg:rpm/fedora/curl@8.6.0-1.fc40?arch=x86_64&distro=fedora-40&epoch=1',
      authors: ['Fedora Project'],
      licenses: 'curl',
      size: 1234,
      source: { name: 'curl', version: '8.6.0-1.fc40' },
      arch: 'x86_64',
      direct: null,
      foundBy: 'rpm-db@1',
      locations: [{ path: '/var/lib/rpm/rpmdb.sqlite', layerDigest: 'sha256:ab' }],
      dependsOn: ['bash', 'glibc'],
    });
    expect(curl?.metadata).toMatchObject({ epoch: 1, version: '8.6.0', release: '1.fc40', fileCount: 0 });
    expect(curl?.metadata).not.toHaveProperty('files');
    expect(pkgs[1]?.purl).toBe('pkg:rpm/fedora/bash@5.2.26-3.fc40?arch=x86_64&distro=fedora-40');
    expect(rpmPackages(blobs, ctx(), { files: true })[1]?.metadata['files']).toEqual(['/bin/sh']);
    expect(rpmPackages(blobs, ctx())[1]?.purl).toBe('pkg:rpm/bash@5.2.26-3.fc40?arch=x86_64');
  });

  it('leaves epoch 0 out of the version and the purl', () => {
    const [p] = rpmPackages([{ key: 1, blob: packageHeader('a', '1', '2', [[RpmTag.EPOCH, { i32: [0] }]]) }], ctx(distro('rocky', '9.3')));
    expect(p?.version).toBe('1-2');
    expect(p?.purl).toBe('pkg:rpm/rocky/a@1-2?arch=x86_64&distro=rocky-9.3');
    expect(p?.metadata['epoch']).toBe(0);
  });
});

describe('helpers', () => {
  it('maps os-release IDs to purl namespaces', () => {
    expect(rpmNamespace(distro('rhel', '9.4'))).toBe('redhat');
    expect(rpmNamespace(distro('opensuse-leap', '15.6'))).toBe('opensuse');
    expect(rpmNamespace(distro('sles', '15.3'))).toBe('suse');
    expect(rpmNamespace(distro('almalinux', '9'))).toBe('almalinux');
    expect(rpmNamespace(null)).toBeNull();
  });

  it('splits source rpm names', () => {
    expect(parseSourceRpm('util-linux-2.32.1-42.el8_8.src.rpm')).toEqual({ name: 'util-linux', version: '2.32.1-42.el8_8' });
    expect(parseSourceRpm('foo-1-1.nosrc.rpm')).toEqual({ name: 'foo', version: '1-1' });
    expect(parseSourceRpm('nodashes.src.rpm')).toBeNull();
    expect(parseSourceRpm(null)).toBeNull();
  });

  it('turns rpm License tags into SPDX', () => {
    expect(rpmLicense('GPLv2+ and LGPLv2+')).toBe('GPL-2.0-or-later AND LGPL-2.0-or-later');
    expect(rpmLicense('GPLv3')).toBe('GPL-3.0-only');
    expect(rpmLicense('(MIT or ASL 2.0) and BSD-3-Clause')).toBe('(MIT OR Apache-2.0) AND BSD-3-Clause');
    expect(rpmLicense('GPL-3.0-or-later WITH GCC-exception-3.1')).toBe('GPL-3.0-or-later WITH GCC-exception-3.1');
    expect(rpmLicense('SUSE-GPL-2.0-with-OSI-exception')).toBe('LicenseRef-SUSE-GPL-2.0-with-OSI-exception');
    expect(rpmLicense('')).toBe('NOASSERTION');
    expect(rpmLicense(null)).toBe('NOASSERTION');
  });
});
