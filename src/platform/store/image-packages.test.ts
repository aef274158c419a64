// An image's package pages (filters, sorts, offsets, totals, rows) and its layers with their packages and findings,
// on SQLite and (when DATABASE_URL is set) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { assembleSbom } from '../../sbom/assemble.ts';
import type { ImagePackageQuery } from '../model.ts';
import { BASE, RUNTIME, deb, handFinding, layer, metadata, npm } from '../../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../../test/support/pg-schemas.ts';
import { PlatformStore } from './platform-store.ts';

const { backends, cleanup } = testStoreLocations('sextant_image_packages', { skipped: 'image packages' });
afterAll(cleanup);

const APP = layer('app packages', 'COPY . /app');

const openssl = deb('openssl', '3.0.11-1~deb12u1', null, BASE.diffId);
const libc6 = deb('libc6', '2.36-9+deb12u4', { name: 'glibc', version: '2.36-9+deb12u4' }, BASE.diffId);
const lodash = npm('lodash', '4.17.20', APP.diffId, { direct: true });
const ms = npm('ms', '2.1.3', APP.diffId, { direct: false });
/** Upper-case (names sort case-blind), with locations in two layers, the later one first. */
const zed = npm('Zed', '10.0.0', APP.diffId, {
  direct: true,
  authors: ['Zed Team <zed@example.com>'],
  description: 'the last letter',
  size: 1234,
  locations: [
    { path: '/app/node_modules/Zed/package.json', layerDigest: APP.diffId },
    { path: '/usr/lib/node_modules/Zed/package.json', layerDigest: RUNTIME.diffId },
  ],
});
const nolayer = npm('nolayer', '0.1.0', APP.diffId, { direct: null, licenses: 'NOASSERTION', locations: [{ path: '/lock/package-lock.json', layerDigest: null }] });
/** A second copy of ms (another cataloger: other content, same purl) in the same layer: its finding is the same finding. */
const msAgain: Package = { ...ms, foundBy: 'npm-lock@1', direct: null, locations: [{ path: '/app/package-lock.json', layerDigest: APP.diffId }] };

const FINDINGS: Record<string, Finding[]> = {
  [openssl.purl]: [handFinding('DSA-1', openssl.purl, 'high')],
  [lodash.purl]: [handFinding('CVE-1', lodash.purl, 'critical'), handFinding('CVE-2', lodash.purl, 'medium')],
  [ms.purl]: [handFinding('CVE-3', ms.purl, 'low')],
};

function payload() {
  const sbom = assembleSbom(metadata('shop', '1', [BASE, RUNTIME, APP]), [openssl, libc6, lodash, ms, zed, nolayer], '0.1.0', new Date('2024-05-02T00:00:00Z'));
  sbom.packages.push(msAgain);
  sbom.packageCount = sbom.packages.length;
  return { sbom, secrets: [] };
}

describe.each(backends)('image packages and layers on %s', (_name, newLocation) => {
  let store: PlatformStore;
  let orgId: string;
  const image = payload();
  const digest = image.sbom.image.digest as string;
  const positionOf = (p: Package) => image.sbom.packages.findIndex((x) => x.purl === p.purl);
  const page = async (query: Partial<ImagePackageQuery>) => {
    const answer = await store.imagePackages(orgId, digest, { limit: 100, offset: 0, ...query });
    if (!answer) throw new Error('no image');
    return answer;
  };
  /** Names (with the copy of ms as `ms2`) of a page, in order. */
  const names = async (query: Partial<ImagePackageQuery>) => (await page(query)).packages.map((p) => (p.position === image.sbom.packages.length - 1 ? 'ms2' : p.name));

  beforeAll(async () => {
    store = await PlatformStore.open(newLocation());
    orgId = (await store.createOrg('acme')).id;
    await store.putImage(orgId, image, (packages) => packages.flatMap((p) => FINDINGS[p.purl] ?? []), 'sha256:db');
  });
  afterAll(async () => store.close());

  it('gives every field of a page row, and leaves packages out of the stored image on request', async () => {
    const { total, packages } = await page({ search: 'zed' });
    expect(total).toBe(1);
    expect(packages).toEqual([
      {
        position: positionOf(zed),
        purl: 'pkg:npm/Zed@10.0.0',
        type: 'npm',
        namespace: null,
        name: 'Zed',
        version: '10.0.0',
        licenses: 'MIT',
        description: 'the last letter',
        authors: ['Zed Team <zed@example.com>'],
        size: 1234,
        paths: ['/app/node_modules/Zed/package.json', '/usr/lib/node_modules/Zed/package.json'],
        layers: [RUNTIME.diffId, APP.diffId],
        layerIndex: 2,
        direct: true,
        vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
      },
    ]);
    const [row] = (await page({ search: 'lodash' })).packages;
    expect(row).toMatchObject({ name: 'lodash', layers: [APP.diffId], layerIndex: 2, direct: true, vulnerabilities: { critical: 1, high: 0, medium: 1, low: 0, unknown: 0 } });
    const [loose] = (await page({ search: 'nolayer' })).packages;
    expect(loose).toMatchObject({ layers: [], layerIndex: null, direct: null, licenses: 'NOASSERTION', paths: ['/lock/package-lock.json'] });
    const [os] = (await page({ search: 'openssl' })).packages;
    expect(os).toMatchObject({ namespace: 'debian', layerIndex: 0, direct: null, size: 5_000_000, vulnerabilities: { high: 1 } });

    const full = await store.getImage(orgId, digest);
    expect(full?.packages).toHaveLength(7);
    const light = await store.getImage(orgId, digest, { packages: false });
    expect(light).toEqual({ ...full, packages: [], relationships: [] });
  });

  it('sorts by name (case-blind, ties by position), type, version, findings and layer, in both orders', async () => {
    expect(await names({})).toEqual(['libc6', 'lodash', 'ms', 'ms2', 'nolayer', 'openssl', 'Zed']);
    expect(await names({ order: 'desc' })).toEqual(['Zed', 'openssl', 'nolayer', 'ms', 'ms2', 'lodash', 'libc6']);
    expect(await names({ sort: 'type' })).toEqual(['libc6', 'openssl', 'lodash', 'ms', 'ms2', 'nolayer', 'Zed']);
    expect(await names({ sort: 'type', order: 'desc' })).toEqual(['lodash', 'ms', 'ms2', 'nolayer', 'Zed', 'libc6', 'openssl']);
    expect(await names({ sort: 'version' })).toEqual(['nolayer', 'Zed', 'ms', 'ms2', 'libc6', 'openssl', 'lodash']);
    expect(await names({ sort: 'vulnerabilities' })).toEqual(['lodash', 'openssl', 'ms', 'ms2', 'libc6', 'nolayer', 'Zed']);
    expect(await names({ sort: 'vulnerabilities', order: 'asc' })).toEqual(['libc6', 'nolayer', 'Zed', 'ms', 'ms2', 'openssl', 'lodash']);
    expect(await names({ sort: 'layer' })).toEqual(['libc6', 'openssl', 'lodash', 'ms', 'ms2', 'Zed', 'nolayer']);
    expect(await names({ sort: 'layer', order: 'desc' })).toEqual(['lodash', 'ms', 'ms2', 'Zed', 'libc6', 'openssl', 'nolayer']);
  });

  it('filters by search, type, layer, direct and vulnerable, and pages by offset with the total', async () => {
    expect(await names({ search: 'LOD' })).toEqual(['lodash']);
    expect(await names({ search: 'pkg:deb/debian' })).toEqual(['libc6', 'openssl']);
    expect(await names({ search: '_' })).toEqual([]);
    // LIKE's characters are taken as they are: libc6's purl has an escaped plus.
    expect(await names({ search: '%2b' })).toEqual(['libc6']);
    expect(await names({ type: 'deb' })).toEqual(['libc6', 'openssl']);
    expect(await names({ type: 'pypi' })).toEqual([]);
    expect(await names({ layer: BASE.diffId })).toEqual(['libc6', 'openssl']);
    expect(await names({ layer: RUNTIME.diffId })).toEqual(['Zed']);
    expect(await names({ layer: APP.diffId })).toEqual(['lodash', 'ms', 'ms2', 'Zed']);
    expect(await names({ layer: `sha256:${'0'.repeat(64)}` })).toEqual([]);
    expect(await names({ direct: true })).toEqual(['lodash', 'Zed']);
    expect(await names({ direct: false })).toEqual(['ms']);
    expect(await names({ vulnerable: true })).toEqual(['lodash', 'ms', 'ms2', 'openssl']);
    expect(await names({ vulnerable: false })).toHaveLength(7);
    expect(await names({ type: 'npm', layer: APP.diffId, vulnerable: true, sort: 'vulnerabilities' })).toEqual(['lodash', 'ms', 'ms2']);

    const second = await page({ limit: 2, offset: 2 });
    expect(second.total).toBe(7);
    expect(second.packages.map((p) => p.name)).toEqual(['ms', 'ms']);
    const last = await page({ limit: 5, offset: 5 });
    expect(last.packages.map((p) => p.name)).toEqual(['openssl', 'Zed']);
    expect(await page({ offset: 7 })).toEqual({ total: 7, packages: [] });
    expect(await page({ type: 'npm', limit: 1, offset: 1 })).toMatchObject({ total: 5, packages: [{ name: 'ms' }] });
  });

  it("counts each layer's packages and their distinct findings, in image order", async () => {
    const layers = await store.imageLayers(orgId, digest);
    expect(layers).toEqual([
      { position: 0, digest: BASE.digest, diffId: BASE.diffId, size: BASE.size, mediaType: BASE.mediaType, createdBy: BASE.createdBy, packages: 2, vulnerabilities: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 } },
      { position: 1, digest: RUNTIME.digest, diffId: RUNTIME.diffId, size: RUNTIME.size, mediaType: RUNTIME.mediaType, createdBy: RUNTIME.createdBy, packages: 1, vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } },
      // lodash, ms (twice: one finding) and Zed.
      { position: 2, digest: APP.digest, diffId: APP.diffId, size: APP.size, mediaType: APP.mediaType, createdBy: APP.createdBy, packages: 4, vulnerabilities: { critical: 1, high: 0, medium: 1, low: 1, unknown: 0 } },
    ]);
  });

  it('answers null for an image the org does not have', async () => {
    const other = await store.createOrg('other');
    expect(await store.imagePackages(other.id, digest, { limit: 10, offset: 0 })).toBeNull();
    expect(await store.imageLayers(other.id, digest)).toBeNull();
    expect(await store.imagePackages(orgId, `sha256:${'9'.repeat(64)}`, { limit: 10, offset: 0 })).toBeNull();
  });
});
