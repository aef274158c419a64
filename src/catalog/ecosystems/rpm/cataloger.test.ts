// End-to-end test of the rpm cataloger through a real root filesystem resolver, with all three database formats.
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import type { CatalogEnv } from '../../cataloger.ts';
import { readOsRelease } from '../../distro.ts';
import { rpmCataloger } from './cataloger.ts';

const fixtures = new URL('../../../../../shared/vectors/fixtures/', import.meta.url);
const roots: string[] = [];

async function rootWith(files: Record<string, string | URL>, links: Record<string, string> = {}): Promise<CatalogEnv> {
  const root = await mkdtemp(join(tmpdir(), 'sextant-rpm-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    if (content instanceof URL) await copyFile(fileURLToPath(content), join(root, path));
    else await writeFile(join(root, path), content);
  }
  for (const [path, target] of Object.entries(links)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await symlink(target, join(root, path));
  }
  const resolver = await openRootfs(root);
  return { resolver, distro: await readOsRelease(resolver), layerDigest: (p) => `sha256:layer-of-${p}` };
}

const SQLITE = new URL('rpm-sqlite/go-rpmdb__cbl-mariner-2.0/rpmdb.sqlite', fixtures);
const BDB = new URL('rpm-bdb/go-rpmdb__libuuid/Packages', fixtures);
const NDB = new URL('rpm-ndb/go-rpmdb__sle15-bci/Packages.db', fixtures);

afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('rpm cataloger', () => {
  it('reads an SQLite database under /var/lib/rpm with distro purls', async () => {
    const env = await rootWith({ 'etc/os-release': 'ID=mariner\nVERSION_ID="2.0"\n', 'var/lib/rpm/rpmdb.sqlite': SQLITE });
    const got = await rpmCataloger.catalog(env);
    expect(got).toHaveLength(129);
    const curl = got.find((p) => p.name === 'curl');
    expect(curl).toMatchObject({
      version: '7.76.0-6.cm2',
      purl: 'pkg:rpm/mariner/curl@7.76.0-6.cm2?arch=x86_64&distro=mariner-2.0',
      foundBy: 'rpm-db@1',
      source: { name: 'curl', version: '7.76.0-6.cm2' },
      locations: [{ path: '/var/lib/rpm/rpmdb.sqlite', layerDigest: 'sha256:layer-of-/var/lib/rpm/rpmdb.sqlite' }],
    });
    expect(curl?.dependsOn).toEqual(expect.arrayContaining(['curl-libs', 'glibc', 'openssl', 'krb5', 'bash']));
  });

  it('reads a Berkeley DB Packages file (RHEL namespace redhat)', async () => {
    const env = await rootWith({ 'etc/os-release': 'ID="rhel"\nVERSION_ID="8.8"\n', 'var/lib/rpm/Packages': BDB });
    const got = await rpmCataloger.catalog(env);
    expect(got.map((p) => p.purl)).toEqual(['pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=rhel-8.8']);
    expect(got[0]?.locations).toEqual([{ path: '/var/lib/rpm/Packages', layerDigest: 'sha256:layer-of-/var/lib/rpm/Packages' }]);
  });

  it('reads an NDB Packages.db under /usr/lib/sysimage/rpm once, even with /var/lib/rpm linked to it', async () => {
    const env = await rootWith(
      { 'usr/lib/os-release': 'ID="sles"\nVERSION_ID="15.3"\n', 'usr/lib/sysimage/rpm/Packages.db': NDB },
      { 'var/lib/rpm': '../../usr/lib/sysimage/rpm' },
    );
    const got = await rpmCataloger.catalog(env);
    expect(got).toHaveLength(35);
    expect(got.find((p) => p.name === 'bash')).toMatchObject({
      purl: 'pkg:rpm/suse/bash@4.4-19.6.1?arch=x86_64&distro=sles-15.3',
      licenses: 'GPL-3.0-or-later',
      locations: [{ path: '/usr/lib/sysimage/rpm/Packages.db', layerDigest: 'sha256:layer-of-/usr/lib/sysimage/rpm/Packages.db' }],
    });
  });

  it('ignores look-alike files outside rpm directories', async () => {
    const env = await rootWith({ 'srv/Packages': BDB, 'var/lib/rpm/Packages.bak': BDB, 'var/lib/rpm/__db.001': 'x' });
    expect(await rpmCataloger.catalog(env)).toEqual([]);
  });

  it('finds old SUSE /usr/share/rpm databases and those of nested root filesystems', async () => {
    const env = await rootWith({ 'usr/share/rpm/Packages': BDB, 'mnt/sysroot/var/lib/rpm/Packages': BDB });
    const got = await rpmCataloger.catalog(env);
    expect(got.map((p) => p.locations[0]?.path).sort()).toEqual(['/mnt/sysroot/var/lib/rpm/Packages', '/usr/share/rpm/Packages']);
    // No os-release: no namespace and no distro qualifier, rather than a guess.
    expect(got[0]?.purl).toBe('pkg:rpm/libuuid@2.32.1-42.el8_8?arch=x86_64');
  });
});
