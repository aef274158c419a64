// End to end: the dpkg cataloger over a real FileResolver (a root filesystem on disk), classic and distroless.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readOsRelease } from '../../distro.ts';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { dpkgCataloger } from './cataloger.ts';

const testdata = (name: string): string => new URL(`testdata/${name}`, import.meta.url).pathname;
const dirs: string[] = [];

function rootfs(files: Record<string, string>, contents: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-dpkg-'));
  dirs.push(dir);
  for (const [path, from] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    copyFileSync(testdata(from), join(dir, path));
  }
  for (const [path, text] of Object.entries(contents)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function catalog(dir: string) {
  const resolver = await openRootfs(dir);
  return dpkgCataloger.catalog({ resolver, distro: await readOsRelease(resolver), layerDigest: (p) => `sha256:${p.length}` });
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('dpkgCataloger', () => {
  it('declares its name, version and globs', () => {
    expect(dpkgCataloger.name).toBe('dpkg');
    expect(dpkgCataloger.version).toBe(1);
    expect(dpkgCataloger.globs).toEqual(expect.arrayContaining(['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*', '/var/lib/dpkg/info/*.list', '/usr/share/doc/*/copyright']));
  });

  it('reads the status database with owned files, licences and resolved dependencies', async () => {
    const dir = rootfs(
      {
        '/var/lib/dpkg/status': 'status',
        // libc6 is Multi-Arch: same, so its list carries the architecture; bsdutils' does not.
        '/var/lib/dpkg/info/libc6:amd64.list': 'libc6.list',
        '/var/lib/dpkg/info/bsdutils.list': 'bsdutils.list',
        '/usr/share/doc/bsdutils/copyright': 'copyright-dep5',
        '/usr/share/doc/libc6/copyright': 'copyright-freeform',
      },
      { '/etc/os-release': 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
    );
    const pkgs = await catalog(dir);
    expect(pkgs.map((p) => p.name)).toEqual(['libc6', 'libgcc-s1', 'bsdutils', 'debconf', 'adduser']);

    const libc = pkgs[0];
    expect(libc?.purl).toBe('pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12');
    expect(libc?.foundBy).toBe('dpkg@1');
    expect(libc?.locations).toEqual([
      { path: '/var/lib/dpkg/status', layerDigest: 'sha256:20' },
      { path: '/var/lib/dpkg/info/libc6:amd64.list', layerDigest: 'sha256:35' },
    ]);
    expect(libc?.metadata['files']).toEqual(['/lib', '/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu/libc.so.6']);
    // A free-form copyright file names no licence we can trust.
    expect(libc?.licenses).toBe('NOASSERTION');
    expect(libc?.dependsOn).toEqual(['libgcc-s1']);

    const bsd = pkgs.find((p) => p.name === 'bsdutils');
    expect(bsd?.purl).toBe('pkg:deb/debian/bsdutils@1:2.38.1-5+b1?arch=amd64&distro=debian-12');
    expect(bsd?.locations.map((l) => l.path)).toEqual(['/var/lib/dpkg/status', '/var/lib/dpkg/info/bsdutils.list']);
    expect(bsd?.licenses).toBe('GPL-2.0-or-later AND LicenseRef-public-domain AND (LGPL-2.1-or-later OR BSD-3-Clause)');
    expect(pkgs.find((p) => p.name === 'adduser')?.dependsOn).toEqual(['debconf']);
    // No list, no copyright: one location, no licence.
    expect(pkgs.find((p) => p.name === 'debconf')).toMatchObject({ locations: [{ path: '/var/lib/dpkg/status' }], licenses: 'NOASSERTION' });
  });

  it('reads distroless status.d entries, their md5sums, and resolves dependencies across files', async () => {
    const dir = rootfs(
      {
        '/var/lib/dpkg/status.d/libc6': 'distroless/libc6',
        '/var/lib/dpkg/status.d/libc6.md5sums': 'distroless/libc6.md5sums',
        '/var/lib/dpkg/status.d/libgcc-s1': 'distroless/libgcc-s1',
        '/usr/share/doc/libgcc-s1/copyright': 'copyright-dep5',
      },
      { '/etc/os-release': 'ID=debian\nVERSION_ID="12"\n' },
    );
    const pkgs = await catalog(dir);
    expect(pkgs.map((p) => p.purl)).toEqual([
      'pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&distro=debian-12',
      'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12',
    ]);
    expect(pkgs[0]?.locations.map((l) => l.path)).toEqual(['/var/lib/dpkg/status.d/libc6', '/var/lib/dpkg/status.d/libc6.md5sums']);
    expect(pkgs[0]?.metadata['files']).toEqual(['/lib/x86_64-linux-gnu/libc.so.6']);
    expect(pkgs[0]?.dependsOn).toEqual(['libgcc-s1']);
    expect(pkgs[1]?.dependsOn).toEqual(['libc6']);
    expect(pkgs[1]?.locations).toHaveLength(1);
    expect(pkgs[1]?.licenses).toContain('GPL-2.0-or-later');
  });

  it('reads opkg status files', async () => {
    const dir = rootfs({}, {
      '/usr/lib/opkg/status': 'Package: busybox\nVersion: 1.36.1-r3\nStatus: install user installed\nArchitecture: x86_64\nLicense: GPL-2.0-only\n',
      '/etc/os-release': 'ID=openwrt\nVERSION_ID="23.05.3"\n',
    });
    const pkgs = await catalog(dir);
    expect(pkgs.map((p) => [p.purl, p.licenses, p.locations[0]?.path])).toEqual([
      ['pkg:deb/openwrt/busybox@1.36.1-r3?arch=x86_64&distro=openwrt-23.05.3', 'GPL-2.0-only', '/usr/lib/opkg/status'],
    ]);
  });

  it('finds nothing in an image without a database', async () => {
    expect(await catalog(rootfs({}, { '/etc/hostname': 'x\n' }))).toEqual([]);
  });
});
