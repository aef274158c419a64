import { describe, expect, it } from 'vitest';
import type { OsRelease } from '../core/model.ts';
import type { Package } from '../core/package.ts';
import { osvCoordinates } from './osv-coordinates.ts';

function pkg(fields: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package {
  return { namespace: null, purl: '', authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [], direct: null, dependsOn: [], source: null, arch: null, foundBy: 'test@1', metadata: {}, ...fields };
}

const distro = (id: string, versionId: string | null, prettyName: string | null = null): OsRelease => ({ id, versionId, prettyName, name: null, versionCodename: null, idLike: [], path: '/etc/os-release' });

describe('osvCoordinates', () => {
  it('looks a dpkg package up by its source package first, then by its own name, in the image’s Debian release', () => {
    const libssl = pkg({ type: 'deb', name: 'libssl3', version: '3.0.15-1~deb12u1', source: { name: 'openssl', version: '3.0.15-1~deb12u1' } });
    expect(osvCoordinates(libssl, distro('debian', '12'))).toEqual([
      { ecosystem: 'Debian', release: '12', name: 'openssl', version: '3.0.15-1~deb12u1', keyedBy: 'source package' },
      { ecosystem: 'Debian', release: '12', name: 'libssl3', version: '3.0.15-1~deb12u1', keyedBy: 'binary package' },
    ]);
    // A binNMU: the source version differs from the binary's, and the source's is the one advisories name.
    const binnmu = pkg({ type: 'deb', name: 'zlib1g', version: '1:1.2.13.dfsg-1+b1', source: { name: 'zlib', version: '1:1.2.13.dfsg-1' } });
    expect(osvCoordinates(binnmu, distro('debian', '12'))[0]).toMatchObject({ name: 'zlib', version: '1:1.2.13.dfsg-1' });
    const bash = pkg({ type: 'deb', name: 'bash', version: '5.2.15-2+b7' });
    expect(osvCoordinates(bash, distro('debian', '12'))).toEqual([{ ecosystem: 'Debian', release: '12', name: 'bash', version: '5.2.15-2+b7', keyedBy: 'source package' }]);
    expect(osvCoordinates(bash, distro('ubuntu', '22.04', 'Ubuntu 22.04.4 LTS'))[0]).toMatchObject({ ecosystem: 'Ubuntu', release: '22.04:LTS' });
    expect(osvCoordinates(bash, distro('ubuntu', '23.10', 'Ubuntu 23.10'))[0]).toMatchObject({ ecosystem: 'Ubuntu', release: '23.10' });
    // Debian testing and sid have no VERSION_ID: the codename names the release they become; without one, nothing.
    expect(osvCoordinates(bash, { ...distro('debian', null, 'Debian GNU/Linux trixie/sid'), versionCodename: 'trixie' })[0]).toMatchObject({ ecosystem: 'Debian', release: '13' });
    expect(osvCoordinates(bash, distro('debian', null))).toEqual([]);
  });

  it('maps apk and rpm packages to their distribution’s ecosystem and release', () => {
    const busybox = pkg({ type: 'apk', name: 'busybox', version: '1.36.1-r29', source: { name: 'busybox', version: '1.36.1-r29' } });
    expect(osvCoordinates(busybox, distro('alpine', '3.20.3'))).toEqual([{ ecosystem: 'Alpine', release: 'v3.20', name: 'busybox', version: '1.36.1-r29', keyedBy: 'source package' }]);
    // Alpine's secdb names origin packages: libssl3 is found under openssl.
    const libssl = pkg({ type: 'apk', name: 'libssl3', version: '3.3.2-r1', source: { name: 'openssl', version: '3.3.2-r1' } });
    expect(osvCoordinates(libssl, distro('alpine', '3.20.3')).map((c) => [c.name, c.keyedBy])).toEqual([
      ['openssl', 'source package'],
      ['libssl3', 'binary package'],
    ]);
    expect(osvCoordinates(busybox, distro('wolfi', '20230201'))[0]).toMatchObject({ ecosystem: 'Wolfi', release: null });
    const curl = pkg({ type: 'rpm', name: 'curl', version: '7.76.1-29.el9_4' });
    expect(osvCoordinates(curl, distro('rocky', '9.4'))[0]).toMatchObject({ ecosystem: 'Rocky Linux', release: '9' });
    expect(osvCoordinates(curl, distro('almalinux', '8.10'))[0]).toMatchObject({ ecosystem: 'AlmaLinux', release: '8' });
    expect(osvCoordinates(curl, distro('rhel', '9.4'))[0]).toMatchObject({ ecosystem: 'Red Hat', release: 'enterprise_linux:9' });
    expect(osvCoordinates(curl, distro('opensuse-leap', '15.5'))[0]).toMatchObject({ ecosystem: 'openSUSE', release: 'Leap 15.5' });
    expect(osvCoordinates(curl, distro('sles', '15.5'))[0]).toMatchObject({ ecosystem: 'SUSE', release: 'Linux Enterprise Server 15 SP5' });
    expect(osvCoordinates(curl, distro('sles', '15'))[0]).toMatchObject({ ecosystem: 'SUSE', release: 'Linux Enterprise Server 15' });
    expect(osvCoordinates(curl, null)).toEqual([]);
  });

  it('names language packages the way their OSV ecosystems do', () => {
    const at = (p: Package) => osvCoordinates(p, null).map((c) => `${c.ecosystem} ${c.name}@${c.version}`);
    expect(at(pkg({ type: 'npm', namespace: '@babel', name: 'core', version: '7.0.0' }))).toEqual(['npm @babel/core@7.0.0']);
    expect(at(pkg({ type: 'maven', namespace: 'org.apache.logging.log4j', name: 'log4j-core', version: '2.14.1' }))).toEqual(['Maven org.apache.logging.log4j:log4j-core@2.14.1']);
    expect(at(pkg({ type: 'golang', namespace: 'golang.org/x', name: 'net', version: 'v0.17.0' }))).toEqual(['Go golang.org/x/net@v0.17.0']);
    expect(at(pkg({ type: 'pypi', name: 'django', version: '4.2.1' }))).toEqual(['PyPI django@4.2.1']);
    expect(at(pkg({ type: 'composer', namespace: 'symfony', name: 'http-kernel', version: '6.4.0' }))).toEqual(['Packagist symfony/http-kernel@6.4.0']);
    expect(at(pkg({ type: 'cargo', name: 'hyper', version: '1.0.0' }))).toEqual(['crates.io hyper@1.0.0']);
    expect(at(pkg({ type: 'generic', name: 'node', version: '20.11.1' }))).toEqual([]);
  });
});
