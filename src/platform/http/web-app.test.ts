// The dashboard served beside the API: index.html at `/` and for page URLs (deep links), built assets with a
// year-long cache, security headers on pages, and the API's own JSON 404 for unknown /api URLs and other methods.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApi, testDatabases, type TestApi } from './api-test-support.ts';
import { locateWebRoot } from './web-app.ts';

const { backends, cleanup } = testDatabases('web-app');
const root = mkdtempSync(join(tmpdir(), 'sextant-web-'));
const INDEX = '<!doctype html><title>Sextant test app</title><div id="root"></div>';
let api: TestApi;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // The store is not involved in serving files: SQLite is enough.
  api = await openTestApi(backends[0]![1](), { webRoot: root });
});

afterAll(async () => {
  await api?.close();
  rmSync(root, { recursive: true, force: true });
  await cleanup();
});

describe('the dashboard beside the API', () => {
  it('answers / and page URLs with index.html, without a token, with the page security headers', async () => {
    for (const url of ['/', '/images', '/images/sha256:abc/layers?layer=x', '/settings/tokens']) {
      const response = await api.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves built assets, hashed ones cached for a year', async () => {
    const asset = await api.app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("app")');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await api.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('keeps the API answers: JSON 404 for unknown /api URLs and for other methods, 401 without a token', async () => {
    const unknownApi = await api.app.inject({ url: '/api/v1/nothing-here' });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/nothing-here' } });
    const post = await api.app.inject({ method: 'POST', url: '/images' });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe('NOT_FOUND');
    const images = await api.app.inject({ url: '/api/v1/images' });
    expect(images.statusCode).toBe(401);
  });

  it('does not serve files outside its root', async () => {
    const response = await api.app.inject({ url: '/../../etc/passwd' });
    expect(response.body).not.toContain('root:');
    const encoded = await api.app.inject({ url: '/assets/..%2f..%2f..%2fetc%2fpasswd' });
    expect(encoded.body).not.toContain('root:');
  });

  it('keeps the page routes out of the OpenAPI document', async () => {
    const admin = await api.org('web-app-openapi');
    const doc = await api.app.inject({ url: '/api/v1/openapi.json', headers: { authorization: `Bearer ${admin.tokens.read}` } });
    expect(Object.keys(doc.json().paths).every((path: string) => path.startsWith('/api/v1/'))).toBe(true);
  });
});

describe('locateWebRoot', () => {
  it('finds dist/web above a module, from source or from the bundle', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'sextant-pkg-'));
    try {
      mkdirSync(join(pkg, 'dist', 'web'), { recursive: true });
      mkdirSync(join(pkg, 'dist', 'cli', 'chunks'), { recursive: true });
      mkdirSync(join(pkg, 'src', 'platform', 'http'), { recursive: true });
      expect(locateWebRoot(join(pkg, 'src', 'platform', 'http', 'web-app.ts'))).toBeNull();
      writeFileSync(join(pkg, 'dist', 'web', 'index.html'), INDEX);
      expect(locateWebRoot(join(pkg, 'src', 'platform', 'http', 'web-app.ts'))).toBe(join(pkg, 'dist', 'web'));
      expect(locateWebRoot(join(pkg, 'dist', 'cli', 'chunks', 'server-x1.js'))).toBe(join(pkg, 'dist', 'web'));
      expect(locateWebRoot(join(pkg, 'dist', 'cli', 'main.js'))).toBe(join(pkg, 'dist', 'web'));
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
