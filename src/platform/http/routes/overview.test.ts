// The overview route through fastify's inject over a real store (SQLite, and PostgreSQL when DATABASE_URL is set):
// its whole shape with every severity key, the trend's length and validation, the advisory database's last change
// and the findings an update brought, the worst images, and another org seeing nothing of this one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../../../core/advisory.ts';
import type { Overview } from '../../model.ts';
import { reevaluatePackages } from '../../reevaluate.ts';
import type { StoreLocation } from '../../store/platform-store.ts';
import { msAdvisory, openTestApi, samplePush, testDatabases, type TestApi, type TestOrg } from '../api-test-support.ts';

const { backends, cleanup } = testDatabases('http-overview');
afterAll(cleanup);

const none = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

/** A PyPI advisory on six 1.16.0 (in the sample SBOM), rated high. */
const SIX: Advisory = {
  id: 'PYSEC-2099-3',
  aliases: ['CVE-2099-0003'],
  related: [],
  modified: '2025-02-01T00:00:00Z',
  published: null,
  withdrawn: null,
  summary: 'six',
  details: null,
  severity: { rating: 'high', score: 7.5, vector: null, source: 'CVSS_V3' },
  affected: [{ ecosystem: 'PyPI', name: 'six', purl: null, ranges: [], versions: ['1.16.0'], severity: null }],
  references: [],
  cwes: [],
};

describe.each(backends)('overview route on %s', (_name, location: () => StoreLocation) => {
  let api: TestApi;
  let org: TestOrg;
  let other: TestOrg;
  const app = samplePush({ environment: 'prod' });
  const digest = app.sbom.image.digest as string;

  const overview = async (query = '', token = org.tokens.read) => {
    const res = await api.call('GET', `/api/v1/overview${query}`, { token });
    return { status: res.statusCode, body: res.json() as Overview };
  };

  beforeAll(async () => {
    api = await openTestApi(location());
    org = await api.org('acme');
    other = await api.org('other');
    // Imported without a source run: the database has never been synced.
    await api.advisories.upsert([msAdvisory()], 'test');
    expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: app })).statusCode).toBe(201);
  });
  afterAll(async () => api.close());

  it('answers the whole overview, every severity counted', async () => {
    const { status, body } = await overview();
    expect(status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(body).toEqual({
      images: 1,
      packages: app.sbom.packages.length,
      environments: [{ name: 'prod', images: 1, workloads: 1 }],
      findings: { ...none, unknown: 1 },
      vulnerabilities: { ...none, unknown: 1 },
      trend: expect.any(Array),
      advisories: { lastUpdate: null },
      newFindings: { since: null, total: 0, findings: [] },
      topImages: [expect.objectContaining({ digest, environments: ['prod'] })],
      outdatedBases: [],
    });
    expect(body.topImages[0]?.vulnerabilities.unknown).toBe(1);
    expect(body.trend).toHaveLength(30);
    expect(body.trend.at(-1)).toEqual({ day: today, ...none, unknown: 1 });
    expect(body.trend[0]?.day).toBe(new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10));
    expect((await overview('?days=7')).body.trend.map((d) => d.day)).toHaveLength(7);
    expect((await overview('?days=365')).body.trend).toHaveLength(365);
  });

  it('refuses a trend length out of range, and a request without a token', async () => {
    for (const query of ['?days=0', '?days=366', '?days=week']) {
      const res = await overview(query);
      expect(res.status, query).toBe(400);
      expect((res.body as unknown as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    }
    expect((await api.call('GET', '/api/v1/overview')).statusCode).toBe(401);
  });

  it('names the last advisory update and the findings it brought, then another org sees nothing of them', async () => {
    const changed = new Set<string>();
    await api.advisories.upsert([SIX], 'test', changed);
    await api.advisories.recordSource('test', 'run 2', 2);
    const lastUpdate = (await api.advisories.sources())[0]?.updatedAt as string;
    const { digest: database } = await api.advisories.summary();
    expect(await reevaluatePackages(api.store, api.advisories, changed, database, 'advisory update test')).toMatchObject({ appeared: 1 });

    const { body } = await overview('?days=2');
    expect(body.advisories).toEqual({ lastUpdate });
    expect(body.newFindings).toEqual({
      since: lastUpdate,
      total: 1,
      findings: [{ id: 'CVE-2099-0003', purl: 'pkg:pypi/six@1.16.0', severity: 'high', digest, reference: app.sbom.image.reference, at: expect.any(String) }],
    });
    expect((body.newFindings.findings[0]?.at ?? '') >= lastUpdate).toBe(true);
    expect(body.findings).toEqual({ ...none, high: 1, unknown: 1 });
    expect(body.trend.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), ...body.findings });

    expect((await overview('', other.tokens.read)).body).toEqual({
      images: 0,
      packages: 0,
      environments: [],
      findings: none,
      vulnerabilities: none,
      trend: expect.any(Array),
      advisories: { lastUpdate },
      newFindings: { since: lastUpdate, total: 0, findings: [] },
      topImages: [],
      outdatedBases: [],
    });
  });
});
