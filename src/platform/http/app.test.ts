// The HTTP API through fastify's inject, over a real store (SQLite, and PostgreSQL when DATABASE_URL is set) and the
// real service: auth and scopes, the error shape, body and rate limits, the OpenAPI document, and each route's answers.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreLocation } from '../store/platform-store.ts';
import { digestOf, msAdvisory, openTestApi, samplePush, testDatabases, type TestApi, type TestOrg } from './api-test-support.ts';

const { backends, cleanup } = testDatabases('http-app');
afterAll(cleanup);

/** Every route of the contract (docs/api.md), as the OpenAPI document names them. */
const ROUTES = [
  'get /api/v1/health',
  'get /api/v1/openapi.json',
  'post /api/v1/images',
  'get /api/v1/images',
  'get /api/v1/images/{digest}',
  'get /api/v1/images/{digest}/findings',
  'get /api/v1/images/{digest}/base',
  'get /api/v1/images/{digest}/packages',
  'get /api/v1/images/{digest}/layers',
  'post /api/v1/analysis',
  'post /api/v1/advisories/sync',
  'get /api/v1/advisories/status',
  'get /api/v1/catalog',
  'post /api/v1/catalog',
  'get /api/v1/environments',
  'put /api/v1/environments/{name}/deployments',
  'post /api/v1/environments/{name}/images',
  'get /api/v1/environments/{name}/history',
  'get /api/v1/tokens',
  'post /api/v1/tokens',
  'delete /api/v1/tokens/{id}',
  'post /api/v1/webhooks',
  'get /api/v1/webhooks',
  'delete /api/v1/webhooks/{id}',
  'get /api/v1/webhooks/{id}/deliveries',
  'post /api/v1/images/analyze',
  'get /api/v1/jobs/{id}',
  'get /api/v1/overview',
  'get /api/v1/vulnerabilities',
  'get /api/v1/vulnerabilities/{id}',
];

/** The error body's shape, with nothing else in it (no stack, no fastify fields). */
function expectError(res: { statusCode: number; json(): unknown; body: string }, status: number, code: string): { message: string } {
  expect(res.statusCode).toBe(status);
  const body = res.json() as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(body.error.message).not.toMatch(/\n|\bat .*:\d+:\d+/);
  return body.error;
}

describe.each(backends)('HTTP API on %s', (_name, location: () => StoreLocation) => {
  let api: TestApi;
  let org: TestOrg;
  const image = samplePush();
  const digest = image.sbom.image.digest as string;

  beforeAll(async () => {
    api = await openTestApi(location());
    org = await api.org('acme');
    await api.advisories.upsert([msAdvisory()], 'test');
  });
  afterAll(async () => api.close());

  describe('authentication and scopes', () => {
    it('answers health without a token', async () => {
      const res = await api.call('GET', '/api/v1/health');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok', version: '0.0.0-test' });
    });

    it('refuses a request without a token with 401 and a Bearer challenge', async () => {
      const res = await api.call('GET', '/api/v1/images');
      expectError(res, 401, 'UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('refuses unknown tokens and other schemes with 401', async () => {
      expectError(await api.call('GET', '/api/v1/images', { token: 'sxt_not-a-real-token-at-all' }), 401, 'UNAUTHENTICATED');
      expectError(await api.call('GET', '/api/v1/images', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'UNAUTHENTICATED');
      expectError(await api.call('GET', '/api/v1/images', { headers: { authorization: 'Bearer' } }), 401, 'UNAUTHENTICATED');
    });

    it('refuses a read token on a push route with 403 before reading the body, and a push token on admin routes', async () => {
      const counts = await api.store.tableCounts();
      const refused = expectError(await api.call('POST', '/api/v1/images', { token: org.tokens.read, body: samplePush({ digest: digestOf('7') }) }), 403, 'FORBIDDEN');
      expect(refused.message).toMatch(/push/);
      expectError(await api.call('GET', '/api/v1/tokens', { token: org.tokens.push }), 403, 'FORBIDDEN');
      expectError(await api.call('POST', '/api/v1/catalog', { token: org.tokens.push, body: { entries: [] } }), 403, 'FORBIDDEN');
      expectError(await api.call('POST', '/api/v1/advisories/sync', { token: org.tokens.push, body: {} }), 403, 'FORBIDDEN');
      expect(await api.store.tableCounts()).toEqual(counts);
    });

    it('lets higher scopes do what lower ones can (admin reads, push reads)', async () => {
      expect((await api.call('GET', '/api/v1/images', { token: org.tokens.admin })).statusCode).toBe(200);
      expect((await api.call('GET', '/api/v1/images', { token: org.tokens.push })).statusCode).toBe(200);
    });

    it('refuses a revoked token with 401', async () => {
      const created = await api.call('POST', '/api/v1/tokens', { token: org.tokens.admin, body: { name: 'short-lived', scopes: ['read'] } });
      expect(created.statusCode).toBe(201);
      const { token, info } = created.json() as { token: string; info: { id: string; scopes: string[]; name: string } };
      expect(info).toMatchObject({ name: 'short-lived', scopes: ['read'] });
      expect((await api.call('GET', '/api/v1/images', { token })).statusCode).toBe(200);
      expect((await api.call('DELETE', `/api/v1/tokens/${info.id}`, { token: org.tokens.admin })).statusCode).toBe(204);
      expectError(await api.call('GET', '/api/v1/images', { token }), 401, 'UNAUTHENTICATED');
      expectError(await api.call('DELETE', `/api/v1/tokens/${info.id}`, { token: org.tokens.admin }), 404, 'NOT_FOUND');
    });
  });

  describe('errors', () => {
    it('answers malformed JSON with 400 INVALID_REQUEST', async () => {
      const res = await api.call('POST', '/api/v1/tokens', { token: org.tokens.admin, body: '{"name": "x", "scopes": [', headers: { 'content-type': 'application/json' } });
      expect(expectError(res, 400, 'INVALID_REQUEST').message).toMatch(/JSON/);
    });

    it('answers a body that breaks the schema with 400 naming the field', async () => {
      const res = await api.call('POST', '/api/v1/tokens', { token: org.tokens.admin, body: { name: 'x', scopes: ['root'] } });
      expect(expectError(res, 400, 'INVALID_REQUEST').message).toMatch(/scopes/);
      const push = await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: { sbom: { ...image.sbom, schema: 'other/1' }, secrets: [] } });
      expect(expectError(push, 400, 'INVALID_REQUEST').message).toMatch(/schema/);
      const noPackages = await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: { sbom: { ...image.sbom, packages: undefined }, secrets: [] } });
      expect(expectError(noPackages, 400, 'INVALID_REQUEST').message).toMatch(/packages/);
    });

    it('answers a malformed digest with 400 and an unknown image with 404', async () => {
      expectError(await api.call('GET', '/api/v1/images/not-a-digest', { token: org.tokens.read }), 400, 'INVALID_REQUEST');
      expectError(await api.call('GET', `/api/v1/images/${digestOf('9')}`, { token: org.tokens.read }), 404, 'NOT_FOUND');
      expectError(await api.call('GET', `/api/v1/images/${digestOf('9')}/findings`, { token: org.tokens.read }), 404, 'NOT_FOUND');
      expectError(await api.call('GET', `/api/v1/images/${digestOf('9')}/base`, { token: org.tokens.read }), 404, 'NOT_FOUND');
    });

    it('answers an unknown route with 404 NOT_FOUND', async () => {
      expectError(await api.call('GET', '/api/v1/nothing-here', { token: org.tokens.read }), 404, 'NOT_FOUND');
      expectError(await api.call('GET', '/nothing'), 404, 'NOT_FOUND');
      expectError(await api.call('PATCH', '/api/v1/images'), 404, 'NOT_FOUND');
    });

    it('answers a body over the route limit with 413 (1 MiB on small routes, 16 MiB on local analysis)', async () => {
      const big = { name: 'x'.repeat(1024 * 1024 + 10), scopes: ['read'] };
      expectError(await api.call('POST', '/api/v1/tokens', { token: org.tokens.admin, body: big }), 413, 'PAYLOAD_TOO_LARGE');
      const layers = [digestOf('a')];
      const packages = Array.from({ length: 120_000 }, (_, i) => ({ purl: `pkg:npm/package-number-${i}-with-a-long-name-to-fill-the-body@1.0.${i}`, layers }));
      expectError(await api.call('POST', '/api/v1/analysis', { token: org.tokens.read, body: { schema: 'sextant-local-analysis/1', layers, packages } }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers an unsupported content type with 415 INVALID_REQUEST', async () => {
      const res = await api.call('POST', '/api/v1/tokens', { token: org.tokens.admin, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectError(res, 415, 'INVALID_REQUEST');
    });
  });

  describe('routes', () => {
    it('stores a push (201, then 200 for the same digest) and answers with findings and the base image', async () => {
      const first = await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: image });
      expect(first.statusCode).toBe(201);
      const answer = first.json() as { image: { digest: string; reference: string }; findings: { id: string; ids: string[]; purl: string; advisoryIds: string[] }[]; base: unknown; database: string };
      expect(answer.image).toEqual({ digest, reference: image.sbom.image.reference });
      expect(answer.findings.map((f) => [f.id, f.purl])).toEqual([['CVE-2099-0001', 'pkg:npm/ms@2.1.3']]);
      expect(answer.base).toEqual({ base: null, provenance: null, agrees: null });
      expect(answer.database).toMatch(/^sha256:/);
      expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: image })).statusCode).toBe(200);
    });

    it('lists, shows and reports the findings of stored images', async () => {
      const list = (await api.call('GET', '/api/v1/images?limit=10', { token: org.tokens.read })).json() as { images: { digest: string; packageCount: number }[]; next: string | null };
      expect(list.images.map((i) => i.digest)).toContain(digest);
      expect(list.images.find((i) => i.digest === digest)?.packageCount).toBe(image.sbom.packages.length);
      expectError(await api.call('GET', '/api/v1/images?limit=0', { token: org.tokens.read }), 400, 'INVALID_REQUEST');
      expectError(await api.call('GET', '/api/v1/images?limit=501', { token: org.tokens.read }), 400, 'INVALID_REQUEST');
      const searched = (await api.call('GET', '/api/v1/images?search=no-such-image', { token: org.tokens.read })).json() as { images: unknown[] };
      expect(searched.images).toEqual([]);

      const stored = (await api.call('GET', `/api/v1/images/${digest}`, { token: org.tokens.read })).json() as { summary: { digest: string }; metadata: { reference: string; labels: Record<string, string> }; packages: { purl: string; authors: string[] }[]; secrets: { preview: string }[]; relationships: unknown[] };
      expect(stored.summary.digest).toBe(digest);
      expect(stored.metadata.labels).toEqual(image.sbom.image.labels);
      expect(stored.packages.map((p) => p.purl).sort()).toEqual(image.sbom.packages.map((p) => p.purl).sort());
      expect(stored.packages.find((p) => p.purl.startsWith('pkg:npm/%40babel'))?.authors).toEqual(['The Babel Team (https://babel.dev/team)']);
      expect(stored.secrets.map((s) => s.preview)).toEqual(['ghp_*****']);
      expect(stored.relationships).toHaveLength(2);

      const findings = (await api.call('GET', `/api/v1/images/${digest}/findings`, { token: org.tokens.read })).json() as { digest: string; findings: { ids: string[]; advisoryIds: string[]; purl: string }[] };
      expect(findings.digest).toBe(digest);
      expect(findings.findings).toMatchObject([{ ids: ['CVE-2099-0001', 'GHSA-test-ms00-0001'], advisoryIds: ['GHSA-test-ms00-0001'], purl: 'pkg:npm/ms@2.1.3' }]);
    });

    it('finds the base image among stored images and the catalog', async () => {
      const baseLayers = image.sbom.image.layers.map((l) => l.diffId);
      const child = samplePush({ reference: 'docker.io/acme/child:2', digest: digestOf('5'), layers: [...baseLayers, digestOf('6')] });
      expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: child })).statusCode).toBe(201);
      const base = (await api.call('GET', `/api/v1/images/${digestOf('5')}/base`, { token: org.tokens.read })).json() as { base: { source: string; reference: string; sharedLayers: number } | null };
      expect(base.base).toMatchObject({ source: 'org', reference: image.sbom.image.reference, sharedLayers: baseLayers.length });

      const entry = { name: 'docker.io/library/debian', tag: '12', digest: digestOf('4'), layers: [baseLayers[0]] };
      expect((await api.call('POST', '/api/v1/catalog', { token: org.tokens.admin, body: { entries: [entry] } })).json()).toEqual({ added: 1 });
      const catalog = (await api.call('GET', '/api/v1/catalog', { token: org.tokens.read })).json() as { entries: { name: string; tag: string; layers: string[] }[] };
      expect(catalog.entries).toEqual([expect.objectContaining({ name: entry.name, tag: '12', layers: entry.layers })]);
      expectError(await api.call('POST', '/api/v1/catalog', { token: org.tokens.admin, body: { entries: [{ ...entry, layers: [] }] } }), 400, 'INVALID_REQUEST');
    });

    it('keeps a catalog entry per platform, and an image\u2019s base is its own platform\u2019s entry', async () => {
      const hex = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
      const alpine = (platform: string | null | undefined, layer: number, manifest: number) => ({ name: 'docker.io/library/alpine', tag: '3.21', ...(platform !== undefined ? { platform } : {}), digest: hex(manifest), layers: [hex(layer)] });
      const entries = [alpine('linux/amd64', 101, 102), alpine('linux/arm64/v8', 201, 202), alpine(undefined, 301, 302)];
      expect((await api.call('POST', '/api/v1/catalog', { token: org.tokens.admin, body: { entries } })).json()).toEqual({ added: 3 });
      const listed = (await api.call('GET', '/api/v1/catalog', { token: org.tokens.read })).json() as { entries: { name: string; tag: string; platform: string | null; digest: string }[] };
      expect(listed.entries.filter((e) => e.tag === '3.21').map((e) => [e.platform, e.digest])).toEqual([
        [null, hex(302)],
        ['linux/amd64', hex(102)],
        ['linux/arm64/v8', hex(202)],
      ]);
      for (const platform of ['linux', 'linux/amd64/v1/x', 'Linux/AMD64', 'linux/amd64.1', '']) {
        expectError(await api.call('POST', '/api/v1/catalog', { token: org.tokens.admin, body: { entries: [alpine(platform, 101, 102)] } }), 400, 'INVALID_REQUEST');
      }

      // An arm64 image and an amd64 image, each built on its platform's alpine.
      for (const [arch, n, manifest] of [
        ['arm64', 201, 202],
        ['amd64', 101, 102],
      ] as const) {
        const pushed = samplePush({ reference: `docker.io/acme/tool:${arch}`, digest: hex(n + 10), layers: [hex(n), hex(n + 20)] });
        expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body: pushed })).statusCode).toBe(201);
        const base = (await api.call('GET', `/api/v1/images/${hex(n + 10)}/base`, { token: org.tokens.read })).json() as { base: { source: string; reference: string; digest: string } | null };
        expect(base.base).toMatchObject({ source: 'catalog', reference: 'docker.io/library/alpine:3.21', digest: hex(manifest) });
      }
    });

    it('analyses a local payload without storing anything or logging a package URL', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      const logged = await openTestApi(location(), { logger: { level: 'trace', stream } });
      try {
        const who = await logged.org('local');
        await logged.advisories.upsert([msAdvisory()], 'test');
        const layers = image.sbom.image.layers.map((l) => l.diffId);
        const payload = { schema: 'sextant-local-analysis/1', layers, packages: image.sbom.packages.map((p) => ({ purl: p.purl, layers: [layers[0]] })) };
        const before = await logged.store.tableCounts();
        const res = await logged.call('POST', '/api/v1/analysis', { token: who.tokens.read, body: payload });
        expect(res.statusCode).toBe(200);
        const answer = res.json() as { image: unknown; findings: { purl: string }[]; base: unknown };
        expect(answer.image).toEqual({ digest: null, reference: '' });
        expect(answer.findings.map((f) => f.purl)).toEqual(['pkg:npm/ms@2.1.3']);
        // A payload with anything beyond purls and layer digests is refused, and its refusal logs no purl either.
        const extra = await logged.call('POST', '/api/v1/analysis', { token: who.tokens.read, body: { ...payload, packages: [{ purl: 'pkg:npm/ms@2.1.3', layers, name: 'ms' }] } });
        expectError(extra, 400, 'INVALID_REQUEST');
        const badPurl = await logged.call('POST', '/api/v1/analysis', { token: who.tokens.read, body: { ...payload, packages: [{ purl: `pkg:npm/ms@${'9'.repeat(5000)}`, layers }] } });
        expectError(badPurl, 400, 'INVALID_REQUEST');
        expect(await logged.store.tableCounts()).toEqual(before);
        expect(lines.length).toBeGreaterThan(0);
        const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
        expect(requests.map((e) => [e.route, e.status])).toEqual([['/api/v1/analysis', 200], ['/api/v1/analysis', 400], ['/api/v1/analysis', 400]]);
        for (const line of lines) expect(line).not.toMatch(/pkg:|%40babel|ms@2/);
      } finally {
        await logged.close();
      }
    });

    it('logs method, route pattern, status and time, never the query string', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      const logged = await openTestApi(location(), { logger: { stream } });
      try {
        const who = await logged.org('logs');
        expect((await logged.call('GET', '/api/v1/images?search=pkg%3Anpm%2Fsecret-name', { token: who.tokens.read })).statusCode).toBe(200);
        expect((await logged.call('GET', `/api/v1/images/${digestOf('1')}`, { token: who.tokens.read })).statusCode).toBe(404);
        const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request');
        expect(entries).toEqual([
          expect.objectContaining({ method: 'GET', route: '/api/v1/images', status: 200, ms: expect.any(Number) }),
          expect.objectContaining({ method: 'GET', route: '/api/v1/images/:digest', status: 404 }),
        ]);
        expect(lines.join('')).not.toMatch(/secret-name|pkg%3A|1111111111/);
      } finally {
        await logged.close();
      }
    });

    it('records environments from snapshots and single workloads, with history', async () => {
      const deployments = [{ namespace: 'shop', workload: 'web', workloadType: 'Deployment', digest }];
      expect((await api.call('PUT', '/api/v1/environments/prod/deployments', { token: org.tokens.push, body: { deployments } })).json()).toEqual({ added: 1, removed: 0 });
      // One workload: the image's repository names it when the org has the image, the digest when it does not.
      expect((await api.call('POST', '/api/v1/environments/prod/images', { token: org.tokens.push, body: { digest } })).json()).toEqual({ added: 1, removed: 0 });
      expect((await api.call('POST', '/api/v1/environments/prod/images', { token: org.tokens.push, body: { digest: digestOf('8') } })).json()).toEqual({ added: 1, removed: 0 });
      const envs = (await api.call('GET', '/api/v1/environments', { token: org.tokens.read })).json() as { environments: { name: string; deployments: { workload: string; workloadType: string; namespace: string | null }[] }[] };
      const prod = envs.environments.find((e) => e.name === 'prod');
      expect(prod?.deployments.map((d) => `${d.namespace}/${d.workload}/${d.workloadType}`).sort()).toEqual(['null/library/app/manual', `null/${digestOf('8')}/manual`, 'shop/web/Deployment'].sort());
      const history = (await api.call('GET', '/api/v1/environments/prod/history', { token: org.tokens.read })).json() as { events: { kind: string }[] };
      expect(history.events.map((e) => e.kind)).toEqual(['added', 'added', 'added']);
      expectError(await api.call('GET', '/api/v1/environments/staging/history', { token: org.tokens.read }), 404, 'NOT_FOUND');
      expectError(await api.call('PUT', '/api/v1/environments/bad name/deployments', { token: org.tokens.push, body: { deployments } }), 400, 'INVALID_REQUEST');
    });

    it('lists tokens without their secrets', async () => {
      const res = await api.call('GET', '/api/v1/tokens', { token: org.tokens.admin });
      const { tokens } = res.json() as { tokens: { id: string; scopes: string[] }[] };
      expect(tokens.map((t) => t.id)).toEqual(expect.arrayContaining(Object.values(org.tokenIds)));
      for (const secret of Object.values(org.tokens)) expect(res.body).not.toContain(secret);
    });

    it('reports the advisory database status', async () => {
      const status = (await api.call('GET', '/api/v1/advisories/status', { token: org.tokens.read })).json() as { advisories: number; digest: string; sources: unknown[] };
      expect(status.advisories).toBe(1);
      expect(status.digest).toMatch(/^sha256:/);
    });

    it('serves an OpenAPI 3 document listing every route, with bearer security', async () => {
      expectError(await api.call('GET', '/api/v1/openapi.json'), 401, 'UNAUTHENTICATED');
      const doc = (await api.call('GET', '/api/v1/openapi.json', { token: org.tokens.read })).json() as {
        openapi: string;
        paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; parameters?: { name: string; in: string }[] }>>;
        components: { securitySchemes: Record<string, { type: string; scheme: string }> };
        security: unknown[];
      };
      expect(doc.openapi).toMatch(/^3\./);
      const listed = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
      expect(listed.sort()).toEqual([...ROUTES].sort());
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.security).toEqual([{ bearer: [] }]);
      expect(doc.paths['/api/v1/health']?.get?.security).toEqual([]);
      expect(doc.paths['/api/v1/images']?.post?.requestBody).toBeDefined();
      expect(doc.paths['/api/v1/images/{digest}']?.get?.parameters).toEqual([expect.objectContaining({ name: 'packages', in: 'query' }), expect.objectContaining({ name: 'digest', in: 'path' })]);
    });
  });
});

describe.each(backends)('rate limits on %s', (_name, location: () => StoreLocation) => {
  it('answers 429 RATE_LIMITED past the limit, counting each token on its own', async () => {
    const api = await openTestApi(location(), { rateLimit: { max: 3, timeWindow: 60_000 } });
    try {
      const org = await api.org('busy');
      for (let i = 0; i < 3; i++) expect((await api.call('GET', '/api/v1/images', { token: org.tokens.read })).statusCode).toBe(200);
      const limited = await api.call('GET', '/api/v1/images', { token: org.tokens.read });
      expect(expectError(limited, 429, 'RATE_LIMITED').message).toMatch(/retry in/);
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await api.call('GET', '/api/v1/images', { token: org.tokens.push })).statusCode).toBe(200);
      expect((await api.call('GET', '/api/v1/health')).statusCode).toBe(200);
      // Requests without a valid token are counted by client address.
      for (let i = 0; i < 3; i++) expectError(await api.call('GET', '/api/v1/images', { token: 'sxt_wrong' }), 401, 'UNAUTHENTICATED');
      expectError(await api.call('GET', '/api/v1/images', { token: 'sxt_wrong' }), 429, 'RATE_LIMITED');
    } finally {
      await api.close();
    }
  });
});
