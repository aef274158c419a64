// The vulnerability routes through fastify's inject over a real store (SQLite, and PostgreSQL when DATABASE_URL is
// set): the org's vulnerability list (worst first, then most images; search, severity, pages), one vulnerability by
// its CVE or by an advisory id with the org's images and environments, exploit data, 404s and org boundaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory, AffectedPackage } from '../../../core/advisory.ts';
import type { Finding } from '../../../match/matcher.ts';
import type { PushPayload, VulnerabilityDetail, VulnerabilityPage } from '../../model.ts';
import type { StoreLocation } from '../../store/platform-store.ts';
import { digestOf, msAdvisory, openTestApi, samplePush, testDatabases, type TestApi, type TestOrg } from '../api-test-support.ts';

const { backends, cleanup } = testDatabases('http-vulnerabilities');
afterAll(cleanup);

function advisory(id: string, alias: string, affected: AffectedPackage, rating: 'critical' | 'high' | null): Advisory {
  return {
    id,
    aliases: [alias],
    related: [],
    modified: '2025-02-01T00:00:00Z',
    published: '2025-01-15T00:00:00Z',
    withdrawn: null,
    summary: `${id} summary`,
    details: `${id} details`,
    severity: rating && { rating, score: rating === 'critical' ? 9.8 : 7.5, vector: null, source: 'CVSS_V3' },
    affected: [affected],
    references: [{ type: 'ADVISORY', url: `https://example.com/${id}` }],
    cwes: [],
  };
}

const SERDE = advisory('GHSA-serd-e000-0001', 'CVE-2099-0002', { ecosystem: 'crates.io', name: 'serde', purl: null, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.201' }] }], versions: [], severity: null }, 'critical');
// No fixed version: only a listed one.
const SIX = advisory('PYSEC-2099-3', 'CVE-2099-0003', { ecosystem: 'PyPI', name: 'six', purl: null, ranges: [], versions: ['1.16.0'], severity: null }, 'high');
const INHOUSE = advisory('GHSA-inho-use0-0001', 'CVE-2099-0004', { ecosystem: 'RubyGems', name: 'inhouse', purl: null, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.4.0' }] }], versions: [], severity: null }, null);

describe.each(backends)('vulnerability routes on %s', (_name, location: () => StoreLocation) => {
  let api: TestApi;
  let org: TestOrg;
  let other: TestOrg;
  const app = samplePush({ environment: 'prod' });
  const twin = samplePush({ reference: 'docker.io/acme/twin:2', digest: digestOf('2'), environment: 'staging' });
  // A third image without ms.
  const slim = samplePush({ reference: 'docker.io/acme/slim:3', digest: digestOf('3') });
  slim.sbom = { ...slim.sbom, packages: slim.sbom.packages.filter((p) => p.name !== 'ms'), relationships: slim.sbom.relationships.filter((r) => !r.from.includes('/ms@') && !r.to.includes('/ms@')) };

  const get = async <T>(url: string, token = org.tokens.read) => {
    const res = await api.call('GET', url, { token });
    return { status: res.statusCode, body: res.json() as T };
  };

  beforeAll(async () => {
    api = await openTestApi(location());
    org = await api.org('acme');
    other = await api.org('other');
    await api.advisories.upsert([msAdvisory(), SERDE, SIX, INHOUSE], 'test');
    await api.advisories.replaceKnownExploited([{ cve: 'CVE-2099-0002', vendorProject: 'serde', product: 'serde', vulnerabilityName: 'serde RCE', dateAdded: '2025-02-01', dueDate: null, requiredAction: 'update', knownRansomware: false }]);
    await api.advisories.replaceExploitPredictions([{ cve: 'CVE-2099-0002', score: 0.5, percentile: 0.9, date: '2025-02-02' }]);
    for (const body of [app, twin, slim] as PushPayload[]) expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body })).statusCode).toBe(201);
  });
  afterAll(async () => api.close());

  it('lists the org\'s vulnerabilities worst first, then by images, with fixes and KEV', async () => {
    const { status, body } = await get<VulnerabilityPage>('/api/v1/vulnerabilities');
    expect(status).toBe(200);
    expect(body).toEqual({
      total: 4,
      vulnerabilities: [
        { id: 'CVE-2099-0002', severity: 'critical', summary: 'GHSA-serd-e000-0001 summary', images: 3, packages: 1, fixAvailable: true, kev: true },
        { id: 'CVE-2099-0003', severity: 'high', summary: 'PYSEC-2099-3 summary', images: 3, packages: 1, fixAvailable: false, kev: false },
        { id: 'CVE-2099-0004', severity: 'unknown', summary: 'GHSA-inho-use0-0001 summary', images: 3, packages: 1, fixAvailable: true, kev: false },
        { id: 'CVE-2099-0001', severity: 'unknown', summary: 'ms is slow on long strings', images: 2, packages: 1, fixAvailable: true, kev: false },
      ],
    });
    const ids = async (query: string) => (await get<VulnerabilityPage>(`/api/v1/vulnerabilities?${query}`)).body;
    expect(await ids('limit=2&offset=1')).toMatchObject({ total: 4, vulnerabilities: [{ id: 'CVE-2099-0003' }, { id: 'CVE-2099-0004' }] });
    expect(await ids('offset=10')).toEqual({ total: 4, vulnerabilities: [] });
    // By an alias, a purl, any case; by worst rating.
    expect(await ids('search=ghsa-serd')).toMatchObject({ total: 1, vulnerabilities: [{ id: 'CVE-2099-0002' }] });
    expect(await ids('search=PKG%3Anpm%2Fms')).toMatchObject({ total: 1, vulnerabilities: [{ id: 'CVE-2099-0001' }] });
    expect((await ids('severity=unknown')).vulnerabilities.map((v) => v.id)).toEqual(['CVE-2099-0004', 'CVE-2099-0001']);
    expect(await ids('severity=medium')).toEqual({ total: 0, vulnerabilities: [] });
    expect(await ids('search=nothing-like-it&severity=critical')).toEqual({ total: 0, vulnerabilities: [] });
  });

  it('refuses list queries that break the schema, and shows another org nothing', async () => {
    for (const query of ['limit=0', 'limit=501', 'offset=-1', 'severity=none', `search=${'x'.repeat(201)}`]) {
      const res = await get<{ error: { code: string } }>(`/api/v1/vulnerabilities?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
    }
    expect((await get<VulnerabilityPage>('/api/v1/vulnerabilities', other.tokens.read)).body).toEqual({ total: 0, vulnerabilities: [] });
    expect((await api.call('GET', '/api/v1/vulnerabilities')).statusCode).toBe(401);
  });

  it('describes a vulnerability by its CVE: the advisories, exploit data, and the org\'s images with their environments', async () => {
    const { status, body } = await get<VulnerabilityDetail>('/api/v1/vulnerabilities/CVE-2099-0002');
    expect(status).toBe(200);
    // samplePush changes the reference only: the registry's repository and tag stay the sample's.
    const entry = (reference: string, digest: string, environments: string[]) => ({ digest, reference, repository: 'library/app', tag: '1.0', purl: 'pkg:cargo/serde@1.0.200', packageName: 'serde', installedVersion: '1.0.200', fixedIn: ['1.0.201'], severity: 'critical', environments });
    expect(body).toEqual({
      id: 'CVE-2099-0002',
      aliases: ['GHSA-serd-e000-0001'],
      summary: 'GHSA-serd-e000-0001 summary',
      details: 'GHSA-serd-e000-0001 details',
      severity: { rating: 'critical', score: 9.8, vector: null, source: 'CVSS_V3' },
      published: '2025-01-15T00:00:00Z',
      modified: '2025-02-01T00:00:00Z',
      references: [{ type: 'ADVISORY', url: 'https://example.com/GHSA-serd-e000-0001' }],
      affected: [{ ecosystem: 'crates.io', name: 'serde', ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.201' }] }], versions: [] }],
      advisories: ['GHSA-serd-e000-0001'],
      kev: { cve: 'CVE-2099-0002', vendorProject: 'serde', product: 'serde', vulnerabilityName: 'serde RCE', dateAdded: '2025-02-01', dueDate: null, requiredAction: 'update', knownRansomware: false },
      epss: { cve: 'CVE-2099-0002', score: 0.5, percentile: 0.9, date: '2025-02-02' },
      images: [
        entry('docker.io/acme/slim:3', digestOf('3'), []),
        entry('docker.io/acme/twin:2', digestOf('2'), ['staging']),
        entry('docker.io/library/app:1.0', app.sbom.image.digest as string, ['prod']),
      ],
      environments: ['prod', 'staging'],
    });
    // By the advisory's own id: the same images, the CVE as an alias.
    const byAdvisory = await get<VulnerabilityDetail>('/api/v1/vulnerabilities/GHSA-serd-e000-0001');
    expect(byAdvisory.body).toEqual({ ...body, id: 'GHSA-serd-e000-0001', aliases: ['CVE-2099-0002'] });
  });

  it('answers 404 for an id nobody knows, and another org the advisories without this org\'s images', async () => {
    const missing = await get<{ error: { code: string } }>('/api/v1/vulnerabilities/CVE-1999-0000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    expect((await get<{ error: { code: string } }>(`/api/v1/vulnerabilities/${'X'.repeat(201)}`)).status).toBe(400);
    const seen = await get<VulnerabilityDetail>('/api/v1/vulnerabilities/CVE-2099-0001', other.tokens.read);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ id: 'CVE-2099-0001', advisories: ['GHSA-test-ms00-0001'], images: [], environments: [] });
  });

  it('describes a vulnerability only the org\'s findings know, and hides it from another org', async () => {
    // A finding of an advisory no longer in the store, on a package of its own.
    const ghost: Finding = {
      id: 'SXT-2099-0001',
      ids: ['SXT-2099-0001'],
      advisoryIds: ['SXT-2099-0001'],
      purl: 'pkg:npm/ghost@1.0.0',
      packageName: 'ghost',
      packageType: 'npm',
      installedVersion: '1.0.0',
      fixedIn: [],
      severity: { rating: 'medium', score: 5, vector: null, source: 'database_specific' },
      summary: 'a ghost',
      layers: [],
      explanations: [],
      kev: null,
      epss: null,
      vex: null,
    };
    const push = samplePush({ reference: 'docker.io/acme/ghost:1', digest: digestOf('4') });
    push.sbom = { ...push.sbom, packages: [...push.sbom.packages, { ...(push.sbom.packages.find((p) => p.name === 'ms') as PushPayload['sbom']['packages'][number]), name: 'ghost', version: '1.0.0', purl: ghost.purl }] };
    await api.store.putImage(org.orgId, push, (packages) => (packages.some((p) => p.purl === ghost.purl) ? [ghost] : []), 'sha256:db');
    const { status, body } = await get<VulnerabilityDetail>('/api/v1/vulnerabilities/SXT-2099-0001');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'SXT-2099-0001', aliases: [], summary: 'a ghost', severity: { rating: 'medium' }, advisories: [], kev: null, epss: null, images: [{ digest: digestOf('4'), purl: ghost.purl, severity: 'medium', fixedIn: [] }] });
    expect((await get<{ error: { code: string } }>('/api/v1/vulnerabilities/SXT-2099-0001', other.tokens.read)).status).toBe(404);
    // It joins the list, between high and unknown.
    expect((await get<VulnerabilityPage>('/api/v1/vulnerabilities')).body.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2099-0002', 'CVE-2099-0003', 'SXT-2099-0001', 'CVE-2099-0004', 'CVE-2099-0001']);
  });
});
