// Test fixture: an SBOM built by hand, with packages of several ecosystems and the awkward cases the writers handle.
import type { ImageMetadata } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import type { Sbom } from '../../../core/sbom.ts';

/** Layer diffIDs of the sample image, base first. */
export const LAYERS = [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`] as const;

/** A value that must never appear in any output: it is an environment variable's value. */
export const SECRET_ENV_VALUE = 'hunter2-not-for-sboms';

/** The sample image's metadata: from Docker Hub, with a tag and a digest. */
export function sampleImage(overrides: Partial<ImageMetadata> = {}): ImageMetadata {
  return {
    reference: 'docker.io/library/app:1.0',
    source: 'registry',
    id: `sha256:${'c'.repeat(64)}`,
    digest: `sha256:${'d'.repeat(64)}`,
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    indexDigest: `sha256:${'e'.repeat(64)}`,
    created: '2024-05-01T10:00:00Z',
    architecture: 'amd64',
    variant: null,
    os: 'linux',
    osRelease: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', name: 'Debian GNU/Linux', versionCodename: 'bookworm', idLike: [], path: '/etc/os-release' },
    ports: ['8080/tcp'],
    env: [
      { name: 'PATH', value: '/usr/local/bin:/usr/bin' },
      { name: 'API_TOKEN', value: SECRET_ENV_VALUE },
    ],
    labels: { 'org.opencontainers.image.source': 'https://example.com/app' },
    user: 'app',
    entrypoint: ['node'],
    cmd: ['server.js'],
    workingDir: '/app',
    stopSignal: null,
    layers: LAYERS.map((diffId, i) => ({ digest: `sha256:${String(i + 1).repeat(64)}`, diffId, size: 1000 * (i + 1), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', createdBy: `RUN --mount=secret ${SECRET_ENV_VALUE}`, created: null, changes: null })),
    history: [],
    size: 3000,
    registry: { url: 'https://registry-1.docker.io', type: 'dockerhub', repository: 'library/app', tag: '1.0' },
    provenance: null,
    sbomAttestations: [],
    ...overrides,
  };
}

function pkg(p: Partial<Package> & Pick<Package, 'type' | 'name' | 'version' | 'purl'>): Package {
  return { namespace: null, authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [], direct: null, dependsOn: [], source: null, arch: null, foundBy: `${p.type}@1`, metadata: {}, ...p };
}

/** Packages of several ecosystems, sorted as assembleSbom sorts them. */
export function samplePackages(): Package[] {
  return [
    pkg({ type: 'cargo', name: 'serde', version: '1.0.200', purl: 'pkg:cargo/serde@1.0.200', licenses: 'MIT OR Apache-2.0', metadata: { checksum: 'f'.repeat(64) }, locations: [{ path: '/src/Cargo.lock', layerDigest: LAYERS[1] }] }),
    pkg({
      type: 'deb', namespace: 'debian', name: 'libc6', version: '2.36-9+deb12u4', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12',
      authors: ['GNU Libc Maintainers <debian-glibc@lists.debian.org>'], description: 'GNU C Library: Shared libraries\n Contains the standard libraries.',
      licenses: 'LGPL-2.1-or-later AND GPL-2.0-or-later', size: 12_288_000, arch: 'amd64', source: { name: 'glibc', version: '2.36-9+deb12u4' }, foundBy: 'dpkg@1',
      locations: [{ path: '/var/lib/dpkg/status', layerDigest: LAYERS[0] }, { path: '/var/lib/dpkg/info/libc6:amd64.list', layerDigest: LAYERS[0] }],
    }),
    pkg({
      type: 'deb', namespace: 'debian', name: 'zlib1g', version: '1:1.2.13.dfsg-1', purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12',
      authors: ['Mark Brown <broonie@debian.org>'], licenses: 'Zlib', arch: 'amd64', source: { name: 'zlib', version: '1:1.2.13.dfsg-1' }, foundBy: 'dpkg@1',
      dependsOn: ['libc6'], locations: [{ path: '/var/lib/dpkg/status', layerDigest: LAYERS[0] }],
    }),
    pkg({ type: 'gem', name: 'inhouse', version: '0.3.0', purl: 'pkg:gem/inhouse@0.3.0', licenses: 'LicenseRef-Some-Custom-Licence-v1', direct: true, locations: [{ path: '/usr/lib/ruby/gems/3.1.0/specifications/inhouse-0.3.0.gemspec', layerDigest: LAYERS[1] }] }),
    pkg({ type: 'golang', namespace: 'github.com/acme', name: 'tool', version: 'v1.2.3', purl: 'pkg:golang/github.com/acme/tool@v1.2.3', locations: [{ path: '/usr/local/bin/tool', layerDigest: LAYERS[1] }] }),
    pkg({
      type: 'maven', namespace: 'org.apache.commons', name: 'commons-lang3', version: '3.14.0', purl: 'pkg:maven/org.apache.commons/commons-lang3@3.14.0',
      licenses: 'Apache-2.0', metadata: { sha1: '1'.repeat(40) }, locations: [{ path: '/app/lib/commons-lang3-3.14.0.jar', layerDigest: LAYERS[1] }],
    }),
    pkg({
      type: 'npm', namespace: '@babel', name: 'core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0', direct: true,
      authors: ['The Babel Team (https://babel.dev/team)'], description: 'Babel compiler core.', licenses: 'MIT', dependsOn: ['ms'],
      metadata: { integrity: `sha512-${Buffer.alloc(64, 7).toString('base64')}` },
      locations: [{ path: '/app/node_modules/@babel/core/package.json', layerDigest: LAYERS[1] }, { path: '/app/package-lock.json', layerDigest: LAYERS[0] }],
    }),
    pkg({ type: 'npm', name: 'ms', version: '2.1.3', purl: 'pkg:npm/ms@2.1.3', direct: false, licenses: 'MIT', locations: [{ path: '/app/node_modules/ms/package.json', layerDigest: LAYERS[1] }] }),
    pkg({ type: 'pypi', name: 'six', version: '1.16.0', purl: 'pkg:pypi/six@1.16.0', authors: ['Benjamin Peterson <benjamin@python.org>'], licenses: 'MIT', locations: [{ path: '/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', layerDigest: null }] }),
  ];
}

/** The sample SBOM: the packages above, their edges, on the sample image. */
export function sampleSbom(overrides: Partial<Sbom> = {}): Sbom {
  const packages = samplePackages();
  const purl = (name: string) => packages.find((p) => p.name === name)?.purl as string;
  const image = sampleImage();
  return {
    schema: 'sextant-sbom/1',
    generatedAt: '2024-06-01T12:34:56.789Z',
    tool: { name: 'sextant', version: '0.1.0' },
    image,
    distro: image.osRelease,
    packageCount: packages.length,
    packages,
    relationships: [
      { from: purl('zlib1g'), to: purl('libc6'), type: 'depends-on' },
      { from: purl('core'), to: purl('ms'), type: 'depends-on' },
    ],
    ...overrides,
  };
}
