// Tenancy, as one table over every route: org B's tokens try to read or change org A's images, findings, base
// images, environments, tokens, webhooks and jobs, and get 404 or 403 (or only their own org's data), while nothing
// of org A changes.
// On a real store: SQLite, and PostgreSQL when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenScope } from '../model.ts';
import type { StoreLocation } from '../store/platform-store.ts';
import { digestOf, msAdvisory, openTestApi, samplePush, testDatabases, type TestApi, type TestOrg } from './api-test-support.ts';

const { backends, cleanup } = testDatabases('http-tenancy');
afterAll(cleanup);

const image = samplePush({ reference: 'registry.example/a/secret-app:1', environment: 'prod' });
const digestA = image.sbom.image.digest as string;
const layersA = image.sbom.image.layers.map((l) => l.diffId);
/** Org A's webhook subscription and registry-analysis job, made before the table runs. */
let webhookA = '';
let jobA = '';

interface Row {
  /** `METHOD /path` as the contract names the route. */
  route: string;
  url: string | ((a: TestOrg) => string);
  scope: TokenScope;
  body?: unknown;
  status: number;
  /** `refused`: every table's row count stays the same; `own`: B may change its own org, A stays as it was. */
  effect: 'refused' | 'own';
  /** What B's answer must (not) show. */
  check?: (answer: unknown, a: TestOrg) => void;
}

/** Every route of the API, with what org B tries against org A. */
const TABLE: Row[] = [
  { route: 'GET /api/v1/health', url: '/api/v1/health', scope: 'read', status: 200, effect: 'refused' },
  { route: 'GET /api/v1/openapi.json', url: '/api/v1/openapi.json', scope: 'read', status: 200, effect: 'refused' },
  { route: 'GET /api/v1/images', url: '/api/v1/images', scope: 'read', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ images: [], next: null, total: 0 }) },
  { route: 'GET /api/v1/images', url: `/api/v1/images?search=${encodeURIComponent(digestA)}`, scope: 'admin', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ images: [], next: null, total: 0 }) },
  { route: 'GET /api/v1/images', url: '/api/v1/images?search=secret-app', scope: 'read', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ images: [], next: null, total: 0 }) },
  { route: 'GET /api/v1/images/{digest}', url: `/api/v1/images/${digestA}`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'GET /api/v1/images/{digest}/findings', url: `/api/v1/images/${digestA}/findings`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'GET /api/v1/images/{digest}/base', url: `/api/v1/images/${digestA}/base`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'GET /api/v1/images/{digest}/packages', url: `/api/v1/images/${digestA}/packages`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'GET /api/v1/images/{digest}/layers', url: `/api/v1/images/${digestA}/layers`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'GET /api/v1/images', url: '/api/v1/images?environment=prod&severity=low&sort=vulnerabilities', scope: 'read', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ images: [], next: null, total: 0 }) },
  {
    route: 'GET /api/v1/overview',
    url: '/api/v1/overview?days=3',
    scope: 'read',
    status: 200,
    effect: 'refused',
    check: (a) => expect(a).toMatchObject({ images: 0, packages: 0, environments: [], findings: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, newFindings: { total: 0, findings: [] }, topImages: [], outdatedBases: [] }),
  },
  { route: 'GET /api/v1/vulnerabilities', url: '/api/v1/vulnerabilities?search=ms', scope: 'read', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ total: 0, vulnerabilities: [] }) },
  // The advisory is public; A's images having it are not.
  { route: 'GET /api/v1/vulnerabilities/{id}', url: '/api/v1/vulnerabilities/CVE-2099-0001', scope: 'read', status: 200, effect: 'refused', check: (a) => expect(a).toMatchObject({ images: [], environments: [] }) },
  // B's local analysis of a child of A's image must not find A's image as its base (before B has a copy of it).
  {
    route: 'POST /api/v1/analysis',
    url: '/api/v1/analysis',
    scope: 'read',
    body: { schema: 'sextant-local-analysis/1', layers: [...layersA, digestOf('3')], packages: [] },
    status: 200,
    effect: 'refused',
    check: (a) => expect((a as { base: unknown }).base).toEqual({ base: null, provenance: null, agrees: null }),
  },
  { route: 'POST /api/v1/images', url: '/api/v1/images', scope: 'read', body: image, status: 403, effect: 'refused' },
  // B pushes an image with A's digest: B gets its own copy; A's stays as it was.
  { route: 'POST /api/v1/images', url: '/api/v1/images', scope: 'push', body: samplePush({ reference: 'evil.example/b/app:1' }), status: 201, effect: 'own' },
  { route: 'POST /api/v1/advisories/sync', url: '/api/v1/advisories/sync', scope: 'push', body: {}, status: 403, effect: 'refused' },
  { route: 'GET /api/v1/advisories/status', url: '/api/v1/advisories/status', scope: 'read', status: 200, effect: 'refused' },
  { route: 'GET /api/v1/catalog', url: '/api/v1/catalog', scope: 'read', status: 200, effect: 'refused' },
  { route: 'POST /api/v1/catalog', url: '/api/v1/catalog', scope: 'push', body: { entries: [{ name: 'x', tag: '1', digest: null, layers: layersA }] }, status: 403, effect: 'refused' },
  { route: 'GET /api/v1/environments', url: '/api/v1/environments', scope: 'admin', status: 200, effect: 'refused', check: (a) => expect(a).toEqual({ environments: [] }) },
  { route: 'GET /api/v1/environments/{name}/history', url: '/api/v1/environments/prod/history', scope: 'admin', status: 404, effect: 'refused' },
  { route: 'PUT /api/v1/environments/{name}/deployments', url: '/api/v1/environments/prod/deployments', scope: 'read', body: { deployments: [] }, status: 403, effect: 'refused' },
  // An empty snapshot of B's "prod" removes nothing from A's "prod".
  { route: 'PUT /api/v1/environments/{name}/deployments', url: '/api/v1/environments/prod/deployments', scope: 'push', body: { deployments: [] }, status: 200, effect: 'own', check: (a) => expect(a).toEqual({ added: 0, removed: 0 }) },
  { route: 'POST /api/v1/environments/{name}/images', url: '/api/v1/environments/prod/images', scope: 'read', body: { digest: digestA }, status: 403, effect: 'refused' },
  // Recording A's digest in B's "prod" is B's own business, and does not learn A's repository name.
  { route: 'POST /api/v1/environments/{name}/images', url: '/api/v1/environments/staging/images', scope: 'push', body: { digest: digestOf('c') }, status: 200, effect: 'own', check: (a) => expect(a).toEqual({ added: 1, removed: 0 }) },
  { route: 'GET /api/v1/tokens', url: '/api/v1/tokens', scope: 'push', status: 403, effect: 'refused' },
  { route: 'GET /api/v1/tokens', url: '/api/v1/tokens', scope: 'admin', status: 200, effect: 'refused', check: (answer, a) => expect((answer as { tokens: { orgId: string }[] }).tokens.map((t) => t.orgId)).not.toContain(a.orgId) },
  { route: 'POST /api/v1/tokens', url: '/api/v1/tokens', scope: 'push', body: { name: 'sneaky', scopes: ['admin'] }, status: 403, effect: 'refused' },
  { route: 'DELETE /api/v1/tokens/{id}', url: (a) => `/api/v1/tokens/${a.tokenIds.admin}`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'DELETE /api/v1/tokens/{id}', url: (a) => `/api/v1/tokens/${a.tokenIds.read}`, scope: 'push', status: 403, effect: 'refused' },
  { route: 'POST /api/v1/webhooks', url: '/api/v1/webhooks', scope: 'push', body: { url: 'https://evil.example/hook' }, status: 403, effect: 'refused' },
  // B subscribes for itself: its subscription starts after B's own events and never sees A's.
  { route: 'POST /api/v1/webhooks', url: '/api/v1/webhooks', scope: 'admin', body: { url: 'https://evil.example/hook' }, status: 201, effect: 'own', check: (answer, a) => expect((answer as { webhook: { orgId: string } }).webhook.orgId).not.toBe(a.orgId) },
  { route: 'GET /api/v1/webhooks', url: '/api/v1/webhooks', scope: 'admin', status: 200, effect: 'refused', check: (answer) => expect(JSON.stringify(answer)).not.toContain(webhookA) },
  { route: 'GET /api/v1/webhooks', url: '/api/v1/webhooks', scope: 'push', status: 403, effect: 'refused' },
  { route: 'DELETE /api/v1/webhooks/{id}', url: () => `/api/v1/webhooks/${webhookA}`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'DELETE /api/v1/webhooks/{id}', url: () => `/api/v1/webhooks/${webhookA}`, scope: 'push', status: 403, effect: 'refused' },
  { route: 'GET /api/v1/webhooks/{id}/deliveries', url: () => `/api/v1/webhooks/${webhookA}/deliveries`, scope: 'admin', status: 404, effect: 'refused' },
  { route: 'POST /api/v1/images/analyze', url: '/api/v1/images/analyze', scope: 'read', body: { reference: 'registry.example/a/secret-app:1' }, status: 403, effect: 'refused' },
  // B may have an image analysed for B; the job is B's.
  { route: 'POST /api/v1/images/analyze', url: '/api/v1/images/analyze', scope: 'push', body: { reference: 'registry.example/a/secret-app:1' }, status: 202, effect: 'own', check: (answer) => expect((answer as { job: string }).job).not.toBe(jobA) },
  { route: 'GET /api/v1/jobs/{id}', url: () => `/api/v1/jobs/${jobA}`, scope: 'admin', status: 404, effect: 'refused' },
];

describe.each(backends)('tenancy on %s', (_name, location: () => StoreLocation) => {
  let api: TestApi;
  let a: TestOrg;
  let b: TestOrg;

  beforeAll(async () => {
    api = await openTestApi(location());
    a = await api.org('org-a');
    b = await api.org('org-b');
    await api.advisories.upsert([msAdvisory()], 'test');
    expect((await api.call('POST', '/api/v1/images', { token: a.tokens.push, body: image })).statusCode).toBe(201);
    await api.call('PUT', '/api/v1/environments/prod/deployments', {
      token: a.tokens.push,
      body: { deployments: [{ namespace: 'shop', workload: 'web', workloadType: 'Deployment', digest: digestA }] },
    });
    const subscribed = await api.call('POST', '/api/v1/webhooks', { token: a.tokens.admin, body: { url: 'https://a.example/hook', secret: 'org-a-webhook-secret-000' } });
    expect(subscribed.statusCode).toBe(201);
    webhookA = (subscribed.json() as { webhook: { id: string } }).webhook.id;
    const analysis = await api.call('POST', '/api/v1/images/analyze', { token: a.tokens.push, body: { reference: 'registry.example/a/secret-app:1' } });
    expect(analysis.statusCode).toBe(202);
    jobA = (analysis.json() as { job: string }).job;
  });
  afterAll(async () => api.close());

  /** Everything org A has, as its own tokens see it through the API (token use times left out). */
  async function orgAView(): Promise<unknown> {
    const get = async (url: string, scope: TokenScope = 'read') => {
      const res = await api.call('GET', url, { token: a.tokens[scope] });
      return { status: res.statusCode, body: res.json() as unknown };
    };
    const tokens = (await get('/api/v1/tokens', 'admin')) as { status: number; body: { tokens: Record<string, unknown>[] } };
    return {
      images: await get('/api/v1/images'),
      image: await get(`/api/v1/images/${digestA}`),
      findings: await get(`/api/v1/images/${digestA}/findings`),
      base: await get(`/api/v1/images/${digestA}/base`),
      environments: await get('/api/v1/environments'),
      history: await get('/api/v1/environments/prod/history'),
      tokens: tokens.body.tokens.map(({ lastUsedAt: _lastUsedAt, ...rest }) => rest),
      webhooks: await get('/api/v1/webhooks', 'admin'),
      deliveries: await get(`/api/v1/webhooks/${webhookA}/deliveries`, 'admin'),
      job: await get(`/api/v1/jobs/${jobA}`),
    };
  }

  it('org A has what the table attacks', async () => {
    const view = (await orgAView()) as { findings: { body: { findings: unknown[] } }; environments: { body: { environments: { name: string }[] } }; webhooks: { body: { webhooks: unknown[] } }; job: { status: number } };
    expect(view.findings.body.findings).toHaveLength(1);
    expect(view.environments.body.environments.map((e) => e.name)).toEqual(['prod']);
    expect(view.webhooks.body.webhooks).toHaveLength(1);
    expect(view.job.status).toBe(200);
  });

  it.each(TABLE.map((row) => [`${row.route} with B's ${row.scope} token${row.body !== undefined ? ' and a body' : ''}`, row] as const))('%s', async (_title, row) => {
    const before = await orgAView();
    const counts = await api.store.tableCounts();
    const url = typeof row.url === 'function' ? row.url(a) : row.url;
    const [method, path] = row.route.split(' ') as [string, string];
    const pattern = url
      .split('?')[0]
      ?.replace(/sha256:[0-9a-f]{64}/, '{digest}')
      .replace(/\/environments\/[^/]+/, '/environments/{name}')
      .replace(/\/(tokens|webhooks|jobs|vulnerabilities)\/[^/]+/, '/$1/{id}');
    expect(pattern).toBe(path);
    const res = await api.call(method as 'GET', url, { token: b.tokens[row.scope], ...(row.body !== undefined ? { body: row.body } : {}) });
    expect(res.statusCode, res.body).toBe(row.status);
    if (row.status >= 400) expect((res.json() as { error: { code: string } }).error.code).toBe(row.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
    row.check?.(res.json(), a);
    if (row.effect === 'refused') expect(await api.store.tableCounts()).toEqual(counts);
    expect(await orgAView()).toEqual(before);
  });

  it('the table covers every route of the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', { token: a.tokens.read })).json() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(TABLE.map((r) => r.route))).toEqual(new Set(routes));
  });

  it("B's own copy of A's digest is B's, and A's token still works after B's attempts", async () => {
    const mine = (await api.call('GET', `/api/v1/images/${digestA}`, { token: b.tokens.read })).json() as { summary: { reference: string } };
    expect(mine.summary.reference).toBe('evil.example/b/app:1');
    const theirs = (await api.call('GET', `/api/v1/images/${digestA}`, { token: a.tokens.read })).json() as { summary: { reference: string } };
    expect(theirs.summary.reference).toBe('registry.example/a/secret-app:1');
    expect(await api.store.authenticate(a.tokens.admin)).toMatchObject({ orgId: a.orgId });
    const staging = (await api.call('GET', '/api/v1/environments', { token: b.tokens.read })).json() as { environments: { name: string; deployments: { workload: string }[] }[] };
    expect(staging.environments.find((e) => e.name === 'staging')?.deployments.map((d) => d.workload)).toEqual([digestOf('c')]);
  });
});
