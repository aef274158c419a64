// Accuracy: on a real Debian root filesystem (../shared/scripts/build-debian-image.sh), the dpkg cataloger finds
// exactly what `dpkg-query -W` reports: names, versions, architectures and source packages.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OS_RELEASE_PATHS, readOsRelease } from '../../distro.ts';
import { matchGlob } from '../../../layerfs/glob.ts';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { dpkgCataloger } from './cataloger.ts';
import { buildDebianImage, debianImageDir, debianImageUnavailable } from '../../../../test/support/debian-image.ts';

const out = debianImageDir;
const reason = debianImageUnavailable(['dpkg-query']);
if (reason) process.stderr.write(`SKIPPED the real Debian dpkg accuracy test: ${reason}\n`);

describe.skipIf(reason !== null)('dpkg cataloger on a real Debian bookworm root filesystem', () => {
  beforeAll(buildDebianImage, 900_000);

  it('equals dpkg-query -W exactly', async () => {
    const rootfs = join(out, 'rootfs');
    const q = spawnSync(
      'dpkg-query',
      [`--admindir=${rootfs}/var/lib/dpkg`, '-W', '-f=${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\n'],
      { encoding: 'utf8' },
    );
    expect(q.status).toBe(0);
    const want = q.stdout.split('\n').filter((l) => l !== '').sort();

    // Read the directory as an image would be read: only os-release and the files the cataloger asks for.
    const wanted = [...OS_RELEASE_PATHS, ...dpkgCataloger.globs];
    const resolver = await openRootfs(rootfs, (path) => wanted.some((g) => matchGlob(g, path)));
    const distro = await readOsRelease(resolver);
    const packages = await dpkgCataloger.catalog({ resolver, distro, layerDigest: () => null });
    const got = packages.map((p) => [p.name, p.version, p.arch, p.source?.name, p.source?.version].join('\t')).sort();
    expect(got).toEqual(want);
    expect(want.length).toBeGreaterThan(50);

    // Every package of a debootstrapped system has its file list, and purls carry the distro.
    for (const p of packages) {
      expect(p.locations[0]?.path).toBe('/var/lib/dpkg/status');
      expect(p.locations[1]?.path).toMatch(/^\/var\/lib\/dpkg\/info\/[^/]+\.list$/);
      expect(p.purl).toMatch(new RegExp(`^pkg:deb/debian/[^@]+@[^?]+\\?arch=${p.arch}&distro=debian-12$`));
      expect(p.size).toBeGreaterThanOrEqual(0);
    }
    const bash = packages.find((p) => p.name === 'bash');
    expect(bash?.metadata['files']).toContain('/bin/bash');
    expect(bash?.dependsOn).toEqual(expect.arrayContaining(['base-files', 'debianutils']));
    // Most bookworm packages ship machine-readable copyright files.
    expect(packages.filter((p) => p.licenses !== 'NOASSERTION').length).toBeGreaterThan(packages.length / 2);
    expect(packages.find((p) => p.name === 'coreutils')?.licenses).toContain('GPL-3.0-or-later');
  }, 120_000);
});
