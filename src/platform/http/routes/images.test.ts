// The image routes the dashboard pages through: the image list's filters, sorts and totals, a stored image without
// its packages, an image's package pages and its layers; with their validation errors, 404s and org boundaries.
// Through fastify's inject over a real store (SQLite, and PostgreSQL when DATABASE_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../../sbom/formats/testdata/sample-sbom.ts';
import type { ImageLayerRow, ImagePackagePage, ImagePage } from '../../model.ts';
import type { StoreLocation } from '../../store/platform-store.ts';
import { digestOf, msAdvisory, openTestApi, samplePush, testDatabases, type TestApi, type TestOrg } from '../api-test-support.ts';

const { backends, cleanup } = testDatabases('http-image-pages');
afterAll(cleanup);

const none = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

describe.each(backends)('image pages on %s', (_name, location: () => StoreLocation) => {
  let api: TestApi;
  let org: TestOrg;
  let other: TestOrg;
  const app = samplePush();
  const digest = app.sbom.image.digest as string;
  const second = samplePush({ reference: 'docker.io/acme/other:2', digest: digestOf('5'), environment: 'prod' });
  second.sbom.image.registry = { url: 'https://registry-1.docker.io', type: 'dockerhub', repository: 'acme/other', tag: '2' };

  /** GET `url` with org's read token: status and body. */
  const get = async <T>(url: string, token = org.tokens.read) => {
    const res = await api.call('GET', url, { token });
    return { status: res.statusCode, body: res.json() as T };
  };
  const invalid = async (url: string) => {
    const res = await get<{ error: { code: string } }>(url);
    expect(res.status, url).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
  };

  beforeAll(async () => {
    api = await openTestApi(location());
    org = await api.org('acme');
    other = await api.org('other');
    await api.advisories.upsert([msAdvisory()], 'test');
    for (const body of [app, second]) expect((await api.call('POST', '/api/v1/images', { token: org.tokens.push, body })).statusCode).toBe(201);
  });
  afterAll(async () => api.close());

  it('lists images filtered and sorted, with the total and offset cursors for the other sorts', async () => {
    const byReference = await get<ImagePage>('/api/v1/images?sort=reference');
    expect(byReference.status).toBe(200);
    expect(byReference.body.images.map((i) => i.reference)).toEqual(['docker.io/acme/other:2', 'docker.io/library/app:1.0']);
    expect(byReference.body.total).toBe(2);
    expect((await get<ImagePage>('/api/v1/images?environment=prod')).body.images.map((i) => i.digest)).toEqual([digestOf('5')]);
    expect((await get<ImagePage>('/api/v1/images?repository=library%2Fapp&tag=1.0')).body.images.map((i) => i.digest)).toEqual([digest]);
    expect((await get<ImagePage>('/api/v1/images?repository=library%2Fapp&tag=2')).body.total).toBe(0);
    // Both have ms's finding, which has no rating: no image has one rated low or worse.
    expect((await get<ImagePage>('/api/v1/images?severity=low')).body).toEqual({ images: [], next: null, total: 0 });
    expect((await get<ImagePage>('/api/v1/images?createdAfter=2024-05-01T10:00:00Z&createdBefore=2024-05-01T10:00:00.001Z')).body.total).toBe(2);

    const first = (await get<ImagePage>('/api/v1/images?sort=vulnerabilities&order=asc&limit=1')).body;
    expect(first.total).toBe(2);
    expect(first.images).toHaveLength(1);
    expect(first.images[0]?.vulnerabilities).toEqual({ unknown: 1 });
    const rest = (await get<ImagePage>(`/api/v1/images?sort=vulnerabilities&order=asc&limit=1&cursor=${first.next}`)).body;
    expect(rest.images.map((i) => i.digest)).not.toContain(first.images[0]?.digest);
    expect(rest).toMatchObject({ next: null, total: 2 });
    // That cursor is an offset: the default (keyset) sort refuses it.
    await invalid(`/api/v1/images?limit=1&cursor=${first.next}`);
  });

  it('refuses list queries that break the schema', async () => {
    for (const query of ['sort=size', 'order=up', 'severity=unknown', 'createdAfter=yesterday', 'createdBefore=2024-01-01', 'limit=0', 'limit=501', `repository=${'x'.repeat(501)}`]) {
      await invalid(`/api/v1/images?${query}`);
    }
    // Empty filters, as forms send them, ask for nothing.
    expect((await get<ImagePage>('/api/v1/images?repository=&tag=&environment=&search=')).body.total).toBe(2);
  });

  it('answers a stored image without its packages and relationships on request', async () => {
    const full = await get<{ packages: unknown[]; relationships: unknown[]; metadata: unknown }>(`/api/v1/images/${digest}`);
    expect(full.body.packages).toHaveLength(app.sbom.packages.length);
    const light = await get<{ packages: unknown[]; relationships: unknown[]; metadata: unknown }>(`/api/v1/images/${digest}?packages=false`);
    expect(light.status).toBe(200);
    expect(light.body).toEqual({ ...full.body, packages: [], relationships: [] });
    expect((await get<{ packages: unknown[] }>(`/api/v1/images/${digest}?packages=true`)).body.packages).toHaveLength(app.sbom.packages.length);
    await invalid(`/api/v1/images/${digest}?packages=maybe`);
  });

  it("pages an image's packages with filters and sorts, every row with all its fields", async () => {
    const all = await get<ImagePackagePage>(`/api/v1/images/${digest}/packages`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(9);
    expect(all.body.packages.map((p) => p.name)).toEqual(['commons-lang3', 'core', 'inhouse', 'libc6', 'ms', 'serde', 'six', 'tool', 'zlib1g']);
    const core = all.body.packages.find((p) => p.name === 'core');
    expect(core).toEqual({
      position: app.sbom.packages.findIndex((p) => p.name === 'core'),
      purl: 'pkg:npm/%40babel/core@7.24.0',
      type: 'npm',
      namespace: '@babel',
      name: 'core',
      version: '7.24.0',
      licenses: 'MIT',
      description: 'Babel compiler core.',
      authors: ['The Babel Team (https://babel.dev/team)'],
      size: null,
      paths: ['/app/node_modules/@babel/core/package.json', '/app/package-lock.json'],
      layers: [LAYERS[0], LAYERS[1]],
      layerIndex: 1,
      direct: true,
      vulnerabilities: none,
    });
    expect(all.body.packages.find((p) => p.name === 'ms')?.vulnerabilities).toEqual({ ...none, unknown: 1 });

    const names = async (query: string) => (await get<ImagePackagePage>(`/api/v1/images/${digest}/packages?${query}`)).body.packages.map((p) => p.name);
    expect(await names('vulnerable=true')).toEqual(['ms']);
    expect(await names('type=deb')).toEqual(['libc6', 'zlib1g']);
    expect(await names(`layer=${LAYERS[0]}`)).toEqual(['core', 'libc6', 'zlib1g']);
    expect(await names('direct=true')).toEqual(['core', 'inhouse']);
    expect(await names('direct=false')).toEqual(['ms']);
    expect(await names('search=BABEL')).toEqual(['core']);
    expect(await names('type=&search=')).toHaveLength(9);
    expect(await names('sort=vulnerabilities&limit=1')).toEqual(['ms']);
    expect(await names('sort=type&order=desc&limit=2')).toEqual(['six', 'core']);
    expect(await names('sort=layer&limit=3')).toEqual(['libc6', 'zlib1g', 'commons-lang3']);
    const last = await get<ImagePackagePage>(`/api/v1/images/${digest}/packages?limit=2&offset=8`);
    expect(last.body.total).toBe(9);
    expect(last.body.packages.map((p) => p.name)).toEqual(['zlib1g']);
  });

  it('refuses package queries that break the schema', async () => {
    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'layer=abc', 'sort=size', 'order=sideways', 'direct=yes', 'vulnerable=maybe', `search=${'x'.repeat(201)}`]) {
      await invalid(`/api/v1/images/${digest}/packages?${query}`);
    }
  });

  it("lists an image's layers in order with their packages and findings", async () => {
    const res = await get<{ layers: ImageLayerRow[] }>(`/api/v1/images/${digest}/layers`);
    expect(res.status).toBe(200);
    const [base, top] = app.sbom.image.layers;
    expect(res.body.layers).toEqual([
      { position: 0, digest: base?.digest, diffId: LAYERS[0], size: base?.size, mediaType: base?.mediaType, createdBy: base?.createdBy, packages: 3, vulnerabilities: none },
      { position: 1, digest: top?.digest, diffId: LAYERS[1], size: top?.size, mediaType: top?.mediaType, createdBy: top?.createdBy, packages: 6, vulnerabilities: { ...none, unknown: 1 } },
    ]);
  });

  it("answers 404 for an unknown image and for another org's, 400 for a malformed digest", async () => {
    for (const path of ['packages', 'layers']) {
      const unknown = await get<{ error: { code: string } }>(`/api/v1/images/${digestOf('9')}/${path}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('NOT_FOUND');
      expect((await get(`/api/v1/images/${digest}/${path}`, other.tokens.read)).status).toBe(404);
      await invalid(`/api/v1/images/not-a-digest/${path}`);
    }
    expect((await get(`/api/v1/images/${digest}?packages=false`, other.tokens.read)).status).toBe(404);
    expect((await get<ImagePage>('/api/v1/images?sort=vulnerabilities', other.tokens.read)).body).toEqual({ images: [], next: null, total: 0 });
    expect((await api.call('GET', `/api/v1/images/${digest}/packages`)).statusCode).toBe(401);
  });
});
