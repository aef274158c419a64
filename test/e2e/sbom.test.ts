// End-to-end: `sextant sbom` on a real layered image holding OS and application packages in different layers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/core/sbom.ts';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let layout: string;
let diffIds: string[];

const STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Installed-Size: 12000
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: zlib1g
Status: install ok installed
Installed-Size: 160
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Depends: libc6 (>= 2.14)
Description: compression library - runtime
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-sbom-'));
  const os = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', content: STATUS },
    { name: 'var/lib/dpkg/info/zlib1g:amd64.list', content: '/.\n/usr/lib/x86_64-linux-gnu/libz.so.1\n' },
  ]);
  const app = await buildTar([
    { name: 'app/package.json', content: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { ms: '^2.1.3' } }) },
    { name: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT', description: 'Tiny ms conversion utility' }) },
    { name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\nSummary: Python 2 and 3 compatibility utilities\n' },
  ]);
  const image = buildImage({ layers: [{ tar: os, createdBy: 'debootstrap' }, { tar: app, compression: 'zstd', createdBy: 'COPY app' }] });
  diffIds = [sha256(os), sha256(app)];
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sextant sbom', () => {
  it('catalogs OS and application packages with purls, licences, directness and the layer of each file', async () => {
    const r = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sbom = JSON.parse(r.stdout) as Sbom;
    expect(sbom).toMatchObject({ schema: 'sextant-sbom/1', distro: { id: 'debian', versionId: '12' }, packageCount: 4 });
    const byName = new Map(sbom.packages.map((p) => [p.name, p]));
    expect(byName.get('zlib1g')).toMatchObject({
      type: 'deb',
      version: '1:1.2.13.dfsg-1',
      purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12',
      source: { name: 'zlib', version: '1:1.2.13.dfsg-1' },
      size: 160 * 1024,
      locations: expect.arrayContaining([{ path: '/var/lib/dpkg/status', layerDigest: diffIds[0] }]),
    });
    expect(byName.get('ms')).toMatchObject({
      purl: 'pkg:npm/ms@2.1.3',
      licenses: 'MIT',
      direct: true,
      locations: [{ path: '/app/node_modules/ms/package.json', layerDigest: diffIds[1] }],
    });
    expect(byName.get('six')).toMatchObject({ purl: 'pkg:pypi/six@1.16.0', licenses: 'MIT', locations: [{ path: '/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', layerDigest: diffIds[1] }] });
    expect(sbom.relationships).toContainEqual({ from: byName.get('zlib1g')?.purl, to: byName.get('libc6')?.purl, type: 'depends-on' });
  });

  it('prints a list for people and writes to a file with -o', async () => {
    const r = await runCli(['sbom', `oci-dir://${layout}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 packages \(2 deb, 1 npm, 1 pypi\) on Debian GNU\/Linux 12/);
    const out = join(dir, 'sbom.json');
    const w = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'json', '-o', out]);
    expect(w).toMatchObject({ code: 0, stdout: '' });
    const { readFile } = await import('node:fs/promises');
    expect((JSON.parse(await readFile(out, 'utf8')) as Sbom).packageCount).toBe(4);
  });

  it('attributes each package to the layer that introduced it, though a later layer rewrote the database', async () => {
    const libc = STATUS.split('\n\n')[0] as string;
    const apkDb = (names: string[]) => names.map((n) => `P:${n}\nV:1.0-r0\nA:x86_64\nL:MIT\n`).join('\n');
    const base = await buildTar([
      { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
      { name: 'var/lib/dpkg/status', content: `${libc}\n` },
      { name: 'lib/apk/db/installed', content: apkDb(['musl']) },
    ]);
    const upper = await buildTar([
      { name: 'var/lib/dpkg/status', content: STATUS },
      { name: 'lib/apk/db/installed', content: apkDb(['musl', 'busybox']) },
    ]);
    const image = buildImage({ layers: [{ tar: base }, { tar: upper }] });
    const path = join(dir, 'two-layer-db');
    await writeOciLayout(path, [indexEntry(image)], image.blobs);
    const r = await runCli(['sbom', `oci-dir://${path}`, '--format', 'json']);
    expect(r.stderr).toBe('');
    const sbom = JSON.parse(r.stdout) as Sbom;
    const layerOf = (name: string, file: string) => sbom.packages.find((p) => p.name === name)?.locations.find((l) => l.path === file)?.layerDigest;
    expect(layerOf('libc6', '/var/lib/dpkg/status')).toBe(sha256(base));
    expect(layerOf('zlib1g', '/var/lib/dpkg/status')).toBe(sha256(upper));
    expect(layerOf('musl', '/lib/apk/db/installed')).toBe(sha256(base));
    expect(layerOf('busybox', '/lib/apk/db/installed')).toBe(sha256(upper));
  });

  it('refuses an unknown format in one line', async () => {
    const r = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'cyclonedx-xml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('sextant: unknown format "cyclonedx-xml" (use json, cyclonedx, spdx, list)');
  });
});
