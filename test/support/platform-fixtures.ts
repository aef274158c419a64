// Test support: image metadata and packages in the shapes the analysis produces, for platform tests that push
// SBOMs without building images (the store, the service and re-evaluation).
import { createHash } from 'node:crypto';
import type { Advisory, AffectedPackage } from '../../src/core/advisory.ts';
import type { ImageMetadata, LayerInfo, OsRelease } from '../../src/core/model.ts';
import type { Package } from '../../src/core/package.ts';
import type { SecretFinding } from '../../src/core/secret.ts';
import { AdvisoryStore } from '../../src/advisory/store/advisory-store.ts';
import type { Finding } from '../../src/match/matcher.ts';
import type { Principal, PushPayload } from '../../src/platform/model.ts';
import { PlatformStore, type StoreLocation } from '../../src/platform/store/platform-store.ts';
import { assembleSbom } from '../../src/sbom/assemble.ts';

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export const bookworm: OsRelease = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', name: 'Debian GNU/Linux', versionCodename: 'bookworm', idLike: [], path: '/etc/os-release' };

export function layer(name: string, createdBy: string): LayerInfo {
  return { digest: digestOf(`blob ${name}`), diffId: digestOf(`tar ${name}`), size: 1000 + name.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', createdBy, created: '2024-05-01T10:00:00Z', changes: { added: 10, changed: 1, removed: 0 } };
}

export const BASE = layer('debian-base', '# debian.sh --arch amd64 out/ bookworm');
export const RUNTIME = layer('node-runtime', 'RUN /bin/sh -c apt-get install -y nodejs');

export function metadata(name: string, tag: string, layers: LayerInfo[], over: Partial<ImageMetadata> = {}): ImageMetadata {
  return {
    reference: `registry.example.com/${name}:${tag}`,
    source: 'registry',
    id: digestOf(`config ${name}:${tag}`),
    digest: digestOf(`manifest ${name}:${tag}`),
    manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
    indexDigest: digestOf(`index ${name}:${tag}`),
    created: '2024-05-01T10:00:00Z',
    architecture: 'amd64',
    variant: null,
    os: 'linux',
    osRelease: bookworm,
    ports: ['8080/tcp'],
    env: [{ name: 'PATH', value: '/usr/local/bin:/usr/bin:/bin' }],
    labels: { 'org.opencontainers.image.source': 'https://github.com/example/app' },
    user: 'node',
    entrypoint: ['docker-entrypoint.sh'],
    cmd: ['node', 'server.js'],
    workingDir: '/app',
    stopSignal: null,
    layers,
    history: layers.map((l) => ({ created: l.created, createdBy: l.createdBy, comment: null, emptyLayer: false })),
    size: layers.reduce((n, l) => n + l.size, 0),
    registry: { url: 'https://registry.example.com', type: 'other', repository: name, tag },
    provenance: {
      predicateType: 'https://slsa.dev/provenance/v1',
      builderId: 'https://github.com/docker/buildx',
      buildType: 'https://mobyproject.org/buildkit@v1',
      materials: [{ uri: 'pkg:docker/debian@bookworm?platform=linux%2Famd64', digest: { sha256: 'a'.repeat(64) } }],
      baseImage: 'debian:bookworm',
      vcs: { source: 'https://github.com/example/app', revision: 'b'.repeat(40) },
      dockerfile: 'FROM debian:bookworm\nRUN apt-get install -y nodejs\n',
      dockerfilePath: 'Dockerfile',
    },
    sbomAttestations: [],
    ...over,
  };
}

export function deb(name: string, version: string, source: { name: string; version: string } | null, layerDigest: string): Package {
  return {
    type: 'deb',
    namespace: 'debian',
    name,
    version,
    purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}?arch=amd64&distro=debian-12`,
    authors: ['Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>'],
    description: `${name} package`,
    licenses: 'Apache-2.0',
    size: 5_000_000,
    locations: [{ path: '/var/lib/dpkg/status', layerDigest }],
    direct: null,
    dependsOn: ['libc6'],
    source,
    arch: 'amd64',
    foundBy: 'dpkg@1',
    metadata: { section: 'libs', priority: 'optional' },
  };
}

export function npm(name: string, version: string, layerDigest: string, over: Partial<Package> = {}): Package {
  return {
    type: 'npm',
    namespace: null,
    name,
    version,
    purl: `pkg:npm/${name}@${version}`,
    authors: [],
    description: null,
    licenses: 'MIT',
    size: null,
    locations: [{ path: `/app/node_modules/${name}/package.json`, layerDigest }],
    direct: true,
    dependsOn: [],
    source: null,
    arch: null,
    foundBy: 'npm-installed@1',
    metadata: { integrity: `sha512-${name}` },
    ...over,
  };
}

/** The app layer of image `name`, with an npm package set of its own on top of the shared OS packages. */
export function appImage(name: string, tag: string, npmPackages: [string, string][], over: Partial<ImageMetadata> = {}): { payload: PushPayload; app: LayerInfo } {
  const app = layer(`app ${name}:${tag}`, 'COPY . /app');
  const packages = [
    deb('openssl', '3.0.11-1~deb12u1', null, BASE.diffId),
    deb('libssl3', '3.0.11-1~deb12u1', { name: 'openssl', version: '3.0.11-1~deb12u1' }, BASE.diffId),
    deb('libc6', '2.36-9+deb12u4', { name: 'glibc', version: '2.36-9+deb12u4' }, BASE.diffId),
    ...npmPackages.map(([n, v]) => npm(n, v, app.diffId)),
  ];
  const sbom = assembleSbom(metadata(name, tag, [BASE, RUNTIME, app], over), packages, '0.1.0', new Date('2024-05-02T00:00:00Z'));
  const secrets: SecretFinding[] = [{ rule: 'github-token', severity: 'high', title: 'GitHub token', location: { path: '/app/.env', layer: app.diffId }, line: 3, preview: 'ghp_*****' }];
  return { payload: { sbom, secrets }, app };
}

export function advisory(id: string, aliases: string[], affected: AffectedPackage[], rating: 'critical' | 'high' | 'medium' | 'low'): Advisory {
  return { id, aliases, related: [], modified: '2024-04-01T00:00:00Z', published: null, withdrawn: null, summary: `${id} summary`, details: null, severity: { rating, score: null, vector: null, source: 'database_specific' }, affected, references: [], cwes: [] };
}

export const range = (ecosystem: string, name: string, fixed: string): AffectedPackage => ({ ecosystem, name, purl: null, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }], versions: [], severity: null });

/** Open the platform store at `location`, run `work` with it, and close it. */
export async function withPlatformStore<T>(location: StoreLocation, work: (store: PlatformStore) => Promise<T>): Promise<T> {
  const store = await PlatformStore.open(location);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Both stores on one database, as the server opens them, with an org and a push principal. */
export async function openPlatformStores(location: StoreLocation) {
  const store = await PlatformStore.open(location);
  const advisories = await AdvisoryStore.open(location);
  const org = await store.createOrg('acme');
  const principal: Principal = { orgId: org.id, tokenId: 't', scopes: ['push'] };
  return { store, advisories, principal, close: async () => (await store.close(), await advisories.close()) };
}

/**
 * A hand-made finding of `purl` (package name and version read from the purl) rated `rating` (null: unrated), for
 * tests that store findings without matching; `over` replaces any field.
 */
export function handFinding(id: string, purl: string, rating: 'critical' | 'high' | 'medium' | 'low' | null, over: Partial<Finding> = {}): Finding {
  return {
    id,
    ids: [id],
    advisoryIds: [id],
    purl,
    packageName: purl.replace(/^pkg:[^/]+\/(?:[^/]+\/)?([^@]+)@.*$/, '$1'),
    packageType: 'npm',
    installedVersion: purl.replace(/^.*@/, ''),
    fixedIn: [],
    severity: rating === null ? null : { rating, score: null, vector: null, source: 'database_specific' },
    summary: `${id} in ${purl}`,
    layers: [],
    explanations: [],
    kev: null,
    epss: null,
    vex: null,
    ...over,
  };
}
