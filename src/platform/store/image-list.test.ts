// The image list's filters, sorts, pages and totals, on SQLite and (when DATABASE_URL is set) PostgreSQL: five
// images with known findings, creation times, environments and packages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageMetadata } from '../../core/model.ts';
import type { Package } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { assembleSbom } from '../../sbom/assemble.ts';
import type { ImageListQuery, ImagePage } from '../model.ts';
import { BASE, handFinding, layer, metadata, npm } from '../../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../../test/support/pg-schemas.ts';
import { PlatformStore } from './platform-store.ts';

const { backends, cleanup } = testStoreLocations('sextant_image_list', { skipped: 'image list' });
afterAll(cleanup);

/** Every package's findings, by purl (findings belong to package content: the first push of a package stores them). */
const FINDINGS: Record<string, Finding[]> = {
  'pkg:npm/lodash@4.17.20': [handFinding('CVE-1', 'pkg:npm/lodash@4.17.20', 'critical'), handFinding('CVE-2', 'pkg:npm/lodash@4.17.20', 'medium')],
  'pkg:npm/ms@2.1.3': [handFinding('CVE-3', 'pkg:npm/ms@2.1.3', 'low')],
  'pkg:npm/qs@6.0.0': [handFinding('CVE-4', 'pkg:npm/qs@6.0.0', 'high'), handFinding('CVE-5', 'pkg:npm/qs@6.0.0', null)],
};

interface Spec {
  key: string;
  name: string;
  tag: string;
  packages: [string, string][];
  created: string | null;
  pushedAt: string;
}

/** A: critical+medium, 2 packages; B: low; C: nothing, no creation time; D: critical+medium+low, 2 packages; E: high+unknown. */
const SPECS: Spec[] = [
  { key: 'A', name: 'alpha', tag: '1', packages: [['lodash', '4.17.20'], ['express', '4.19.2']], created: '2024-01-01T00:00:00Z', pushedAt: '2024-06-01T00:00:00.000Z' },
  { key: 'B', name: 'beta', tag: '1', packages: [['ms', '2.1.3']], created: '2024-03-01T12:00:00.5Z', pushedAt: '2024-06-02T00:00:00.000Z' },
  { key: 'C', name: 'gamma', tag: '1', packages: [['left-pad', '1.3.0']], created: null, pushedAt: '2024-06-03T00:00:00.000Z' },
  { key: 'D', name: 'delta', tag: '1', packages: [['lodash', '4.17.20'], ['ms', '2.1.3']], created: '2024-02-01T00:00:00.123456789Z', pushedAt: '2024-06-04T00:00:00.000Z' },
  { key: 'E', name: 'alpha', tag: '2', packages: [['qs', '6.0.0']], created: '2024-03-01T12:00:00Z', pushedAt: '2024-06-04T00:00:00.000Z' },
];

function payload(spec: Spec) {
  const app = layer(`app ${spec.name}:${spec.tag}`, 'COPY . /app');
  const packages: Package[] = spec.packages.map(([n, v]) => npm(n, v, app.diffId));
  const over: Partial<ImageMetadata> = { created: spec.created };
  return { sbom: assembleSbom(metadata(spec.name, spec.tag, [BASE, app], over), packages, '0.1.0', new Date('2024-05-02T00:00:00Z')), secrets: [] };
}

describe.each(backends)('image list on %s', (_name, newLocation) => {
  let store: PlatformStore;
  let orgId: string;
  /** Digest by key. */
  const d: Record<string, string> = {};
  /** Key by digest. */
  const keyOf = (page: ImagePage) => page.images.map((i) => Object.entries(d).find(([, digest]) => digest === i.digest)?.[0]).join('');
  const list = async (query: Partial<ImageListQuery>) => store.findImages(orgId, { limit: 50, ...query });
  const keys = async (query: Partial<ImageListQuery>) => keyOf(await list(query));

  beforeAll(async () => {
    store = await PlatformStore.open(newLocation());
    orgId = (await store.createOrg('acme')).id;
    for (const spec of SPECS) {
      const p = payload(spec);
      d[spec.key] = p.sbom.image.digest as string;
      await store.putImage(orgId, { ...p, ...(spec.key === 'E' ? { environment: 'production' } : {}) }, (packages) => packages.flatMap((pkg) => FINDINGS[pkg.purl] ?? []), 'sha256:db', spec.pushedAt);
    }
    await store.recordDeployment(orgId, 'staging', { namespace: 'shop', workload: 'web', workloadType: 'Deployment', digest: d.B as string });
    // Another org's images are never listed.
    const other = await store.createOrg('other');
    await store.putImage(other.id, payload({ ...(SPECS[0] as Spec), name: 'alpha-other' }), () => [], 'sha256:db');
  });
  afterAll(async () => store.close());

  /** D and E were pushed at the same instant: by digest. */
  const twins = () => [d.D as string, d.E as string].sort().map((digest) => (digest === d.D ? 'D' : 'E')).join('');

  it('sorts by push time (newest first, ties by digest) by default, and ascending when asked, with the total', async () => {
    const page = await list({});
    expect(keyOf(page)).toBe(`${twins()}CBA`);
    expect(page.total).toBe(5);
    expect(page.next).toBeNull();
    expect(await keys({ order: 'asc' })).toBe(`ABC${twins()}`);
    expect(page.images.find((i) => i.digest === d.E)).toMatchObject({ repository: 'alpha', tag: '2', vulnerabilities: { high: 1, unknown: 1 }, environments: ['production'], packageCount: 1 });
  });

  it('pages the default sort by keyset in both orders, every page with the total', async () => {
    for (const order of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ImagePage = await list({ limit: 2, cursor, order });
        expect(page.total).toBe(5);
        expect(page.images.length).toBeLessThanOrEqual(2);
        seen.push(keyOf(page));
        cursor = page.next;
      } while (cursor);
      expect(seen.join('')).toBe(await keys({ order }));
      expect(seen).toHaveLength(3);
    }
  });

  it('sorts by creation time (fractions compared as times, images without one last), reference, findings and package count', async () => {
    expect(await keys({ sort: 'created' })).toBe('BEDAC');
    expect(await keys({ sort: 'created', order: 'asc' })).toBe('ADEBC');
    expect(await keys({ sort: 'reference' })).toBe('AEBDC');
    expect(await keys({ sort: 'reference', order: 'desc' })).toBe('CDBEA');
    // D: critical, medium, low; A: critical, medium; E: high, unknown; B: low; C: none.
    expect(await keys({ sort: 'vulnerabilities' })).toBe('DAEBC');
    expect(await keys({ sort: 'vulnerabilities', order: 'asc' })).toBe('CBEAD');
    const byDigest = (ks: string[]) => ks.sort((x, y) => ((d[x] as string) < (d[y] as string) ? -1 : 1)).join('');
    expect(await keys({ sort: 'packages' })).toBe(byDigest(['A', 'D']) + byDigest(['B', 'C', 'E']));
    expect(await keys({ sort: 'packages', order: 'asc' })).toBe(byDigest(['B', 'C', 'E']) + byDigest(['A', 'D']));
  });

  it('pages the other sorts by offset, and refuses a cursor of another sort', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ImagePage = await list({ sort: 'vulnerabilities', limit: 2, cursor });
      expect(page.total).toBe(5);
      seen.push(keyOf(page));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(['DA', 'EB', 'C']);
    const first = await list({ sort: 'reference', limit: 2 });
    await expect(list({ limit: 2, cursor: first.next })).rejects.toMatchObject({ code: 'USAGE' });
    const keyset = await list({ limit: 2 });
    await expect(list({ sort: 'created', limit: 2, cursor: keyset.next })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(list({ sort: 'created', cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('filters by repository, tag, environment, severity and creation time, the total counting every match', async () => {
    expect(await keys({ repository: 'alpha', sort: 'reference' })).toBe('AE');
    expect(await keys({ tag: '1', sort: 'reference' })).toBe('ABDC');
    expect(await keys({ repository: 'alph' })).toBe('');
    expect(await keys({ environment: 'production' })).toBe('E');
    expect(await keys({ environment: 'staging' })).toBe('B');
    expect(await keys({ environment: 'nowhere' })).toBe('');
    expect(await keys({ severity: 'critical', sort: 'reference' })).toBe('AD');
    expect(await keys({ severity: 'high', sort: 'reference' })).toBe('AED');
    expect(await keys({ severity: 'medium', sort: 'reference' })).toBe('AED');
    expect(await keys({ severity: 'low', sort: 'reference' })).toBe('AEBD');
    // At or after (the same instant included), and strictly before.
    expect(await keys({ createdAfter: '2024-03-01T12:00:00Z', sort: 'reference' })).toBe('EB');
    expect(await keys({ createdAfter: '2024-03-01T12:00:00.400Z', sort: 'reference' })).toBe('B');
    expect(await keys({ createdBefore: '2024-03-01T12:00:00.5Z', sort: 'reference' })).toBe('AED');
    expect(await keys({ createdAfter: '2024-02-01T00:00:00.123Z', createdBefore: '2024-03-01T12:00:00Z', sort: 'reference' })).toBe('D');
    expect(await keys({ createdAfter: '2024-02-01T01:00:00+01:00', createdBefore: '2024-02-01T00:00:00.124Z' })).toBe('D');
    await expect(list({ createdAfter: 'yesterday' })).rejects.toMatchObject({ code: 'USAGE' });

    const combined = await list({ repository: 'alpha', severity: 'high', sort: 'vulnerabilities', limit: 1 });
    expect(keyOf(combined)).toBe('A');
    expect(combined.total).toBe(2);
    const searched = await list({ search: 'ALPHA', severity: 'low', limit: 1 });
    expect(searched.total).toBe(2);
    expect(await store.findImages((await store.createOrg('empty')).id, { limit: 10, sort: 'vulnerabilities' })).toEqual({ images: [], next: null, total: 0 });
  });

  it('keeps listImages as it was: a page without the total', async () => {
    const page = await store.listImages(orgId, { limit: 2 });
    expect(Object.keys(page).sort()).toEqual(['images', 'next']);
    expect(page.images).toHaveLength(2);
  });
});
