// The dashboard tests' footing: the fixture server (test/support/dashboard-fixture.ts) holds what it promises, read
// back through the API alone, on SQLite and (with DATABASE_URL) PostgreSQL; the built app answers at `/` when
// dist/web exists; and the browser helpers (test/support/browser.ts) record what they claim to, on a page of our own.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeProblems, launchBrowser, navigationTiming, openPage, READY_MARK, screenshot, TOKEN_KEY, waitForReady, jsHeap } from '../support/browser.ts';
import { startDashboardFixture, type DashboardFixture } from '../support/dashboard-fixture.ts';
import { closedPort } from '../support/ports.ts';

const WEB_INDEX = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));

interface Summary {
  digest: string;
  reference: string;
  repository: string | null;
  tag: string | null;
  created: string | null;
  environments: string[];
  vulnerabilities: Record<string, number>;
}
interface Finding {
  id: string;
  ids: string[];
  purl: string;
  packageName: string;
  layers: string[];
}
interface Base {
  base: { source: string; reference: string; digest: string | null } | null;
  provenance: string | null;
  agrees: boolean | null;
}
interface StoredImage {
  summary: Summary;
  metadata: { layers: { diffId: string; createdBy: string | null }[]; provenance: { materials: unknown[]; vcs: { source: string | null }; dockerfile: string | null } | null; env: { name: string; value: string }[] };
  packages: { purl: string; name: string; direct: boolean | null; locations: { path: string; layerDigest: string }[] }[];
  secrets: { rule: string; preview: string }[];
}

const backends: [string, string | undefined][] = [['SQLite', undefined]];
if (process.env.DATABASE_URL) backends.push(['PostgreSQL', process.env.DATABASE_URL]);
else process.stderr.write('dashboard fixture on PostgreSQL not tested: DATABASE_URL is not set (.ci/run sets it)\n');

describe.each(backends)('the dashboard fixture on %s', (name, databaseUrl) => {
  let fx: DashboardFixture;

  beforeAll(async () => {
    fx = await startDashboardFixture({ databaseUrl });
    process.stderr.write(`dashboard fixture (${name}) started in ${fx.startSeconds.toFixed(1)} s\n`);
  }, 120_000);

  afterAll(async () => {
    await fx?.close();
  });

  const byDigest = async () => {
    const { images } = await fx.api<{ images: Summary[] }>('/api/v1/images?limit=50');
    return new Map(images.map((i) => [i.digest, i]));
  };

  it('holds the five pushed images of three repositories, with their tags and environments', async () => {
    const listed = await byDigest();
    const { images, repositories } = fx;
    expect([...listed.keys()].sort()).toEqual(Object.values(images).map((i) => i.digest).sort());
    expect(new Set([...listed.values()].map((i) => i.repository))).toEqual(new Set(Object.values(repositories)));
    for (const image of Object.values(images)) {
      const summary = listed.get(image.digest);
      expect(summary).toMatchObject({ reference: image.reference, repository: image.repository, tag: image.tag, created: image.created });
    }
    const envs = (digest: string) => [...(listed.get(digest)?.environments ?? [])].sort();
    expect(envs(images.shopOld.digest)).toEqual(['production']);
    expect(envs(images.shopNew.digest)).toEqual(['staging']);
    expect(envs(images.api.digest)).toEqual(['production', 'staging']);
    expect(envs(images.baseOld.digest)).toEqual([]);
    // The image on the old base carries the most: critical findings from npm and Debian alike.
    expect(listed.get(images.shopOld.digest)?.vulnerabilities.critical).toBeGreaterThan(0);
  });

  it('has the findings the tests look for, real npm advisories and Debian ones, the synced one on every image', async () => {
    const findings = new Map<string, Finding[]>();
    for (const image of Object.values(fx.images)) findings.set(image.digest, (await fx.api<{ findings: Finding[] }>(`/api/v1/images/${image.digest}/findings`)).findings);
    for (const v of Object.values(fx.vulnerabilities)) {
      const holding = [...findings].filter(([, list]) => list.some((f) => f.id === v.id && f.packageName === v.package)).map(([digest]) => digest);
      expect(holding.sort(), v.id).toEqual([...v.digests].sort());
    }
    const lodash = findings.get(fx.images.shopOld.digest)?.find((f) => f.id === fx.vulnerabilities.lodash.id);
    expect(lodash?.ids).toContain(fx.vulnerabilities.lodash.advisory);
    // The npm findings came from the layer `npm ci` made.
    expect(lodash?.layers).toEqual([fx.shopDepsLayer.diffId]);
    // shop:1.1 fixed almost everything shop:1.0 had.
    expect(findings.get(fx.images.shopNew.digest)?.length).toBeLessThan((findings.get(fx.images.shopOld.digest)?.length ?? 0) / 3);
  });

  it('has the environments: production and staging run different shop digests; api:2.0 runs in both', async () => {
    const { environments } = await fx.api<{ environments: { name: string; deployments: { digest: string; workload: string; namespace: string | null }[] }[] }>('/api/v1/environments');
    const digests = (env: string) => [...new Set(environments.find((e) => e.name === env)?.deployments.map((d) => d.digest))].sort();
    expect(environments.map((e) => e.name).sort()).toEqual(['production', 'staging']);
    expect(digests('production')).toEqual([...fx.environments.production].sort());
    expect(digests('staging')).toEqual([...fx.environments.staging].sort());
    expect(environments.find((e) => e.name === 'staging')?.deployments).toContainEqual(expect.objectContaining({ digest: fx.images.api.digest, ...fx.stagingApiWorkload }));
  });

  it('names the bases: the org\u2019s acme/base:12 pushes, the older one for shop:1.0 (a newer push exists)', async () => {
    const base = (digest: string) => fx.api<Base>(`/api/v1/images/${digest}/base`);
    expect((await base(fx.images.shopOld.digest)).base).toMatchObject({ source: 'org', digest: fx.images.baseOld.digest, reference: fx.images.baseOld.reference });
    expect((await base(fx.images.shopNew.digest)).base).toMatchObject({ source: 'org', digest: fx.images.baseNew.digest });
    const api = await base(fx.images.api.digest);
    expect(api.base).toMatchObject({ source: 'org', digest: fx.images.baseNew.digest });
    expect(api.agrees).toBe(true);
  });

  it('keeps the detail the image pages show: layers with created_by, packages per layer, provenance, redacted secrets', async () => {
    const shop = await fx.api<StoredImage>(`/api/v1/images/${fx.images.shopOld.digest}`);
    expect(shop.metadata.layers.map((l) => ({ diffId: l.diffId, createdBy: l.createdBy }))).toEqual(fx.images.shopOld.layers);
    const express = shop.packages.find((p) => p.name === fx.shopDepsLayer.package);
    expect(express?.direct).toBe(true);
    expect(express?.locations.map((l) => l.layerDigest)).toContain(fx.shopDepsLayer.diffId);
    expect(shop.packages.filter((p) => p.purl.startsWith('pkg:deb/')).length).toBeGreaterThanOrEqual(10);
    expect(shop.secrets.map((s) => s.rule).sort()).toEqual(['github-token', 'stripe-live-key']);
    expect(shop.secrets.every((s) => s.preview.includes('*'))).toBe(true);
    expect(shop.metadata.env.map((e) => e.name)).toContain('DATABASE_URL');

    const api = await fx.api<StoredImage>(`/api/v1/images/${fx.images.api.digest}`);
    expect(api.metadata.provenance?.vcs.source).toBe('https://github.com/acme/api');
    expect(api.metadata.provenance?.dockerfile).toMatch(/^# syntax=docker\/dockerfile:1\nFROM /);
    expect(api.metadata.provenance?.materials.length).toBe(2);
  });

  it('gives the overview its lists: an outdated base (shop:1.0) and new findings from the advisory sync', async () => {
    const overview = await fx.api<{
      images: number;
      environments: { name: string; images: number }[];
      newFindings: { total: number; findings: { id: string }[] };
      outdatedBases: { digest: string; current: { digest: string | null; source: string }; reason: string }[];
    }>('/api/v1/overview');
    expect(overview.images).toBe(5);
    expect(overview.environments).toEqual([expect.objectContaining({ name: 'production', images: 2 }), expect.objectContaining({ name: 'staging', images: 2 })]);
    expect(overview.outdatedBases).toEqual([expect.objectContaining({ digest: fx.images.shopOld.digest, reason: 'newer-push', current: expect.objectContaining({ digest: fx.images.baseNew.digest, source: 'org' }) })]);
    expect(overview.newFindings.total).toBeGreaterThan(0);
    expect(new Set(overview.newFindings.findings.map((f) => f.id))).toEqual(new Set([fx.vulnerabilities.synced.id]));
  });

  it.runIf(existsSync(WEB_INDEX))('serves the built dashboard at / and its deep links, and keeps /api for the API', async () => {
    for (const path of ['/', `/images/${fx.images.shopOld.digest}`, `/vulnerabilities/${fx.vulnerabilities.lodash.id}`]) {
      const res = await fetch(`${fx.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toMatch(/<html/i);
    }
    const missing = await fetch(`${fx.url}/api/v1/no-such-route`, { headers: { authorization: `Bearer ${fx.token}` } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('the browser helpers', () => {
  let browser: Browser;
  let site: Server;
  let origin: string;
  let refused: string;

  beforeAll(async () => {
    refused = `http://127.0.0.1:${await closedPort()}/refused`;
    // A page that keeps the dashboard's readiness contract after a short delay, shows the token it was signed in
    // with, and commits one of each problem: a console error, an uncaught error, a 404 and a refused request.
    const page = `<!doctype html><html><head><title>contract</title></head><body><main>loading</main><script>
      const main = document.querySelector('main');
      setTimeout(() => {
        main.textContent = 'token: ' + sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)});
        performance.mark(${JSON.stringify(READY_MARK)});
        main.dataset.ready = 'true';
        console.error('something broke');
        fetch('/missing').catch(() => {});
        fetch(${JSON.stringify(refused)}).catch(() => {});
        setTimeout(() => { throw new Error('uncaught in a timer'); });
      }, 150);
    </script></body></html>`;
    site = createServer((req, res) => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(page);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('signs in before the app loads, waits for data-ready, reads the ready mark, records problems and saves a screenshot', async () => {
    const { page, problems, close } = await openPage(browser, { baseURL: origin, token: 'sxt_helper-check' });
    try {
      await page.goto('/');
      await waitForReady(page);
      expect(await page.locator('main').textContent()).toBe('token: sxt_helper-check');
      const timing = await navigationTiming(page);
      expect(timing.readyMarks).toBe(1);
      expect(timing.ready).toBeGreaterThan(100);
      expect(timing.domContentLoaded).toBeGreaterThan(0);
      expect(timing.domContentLoaded).toBeLessThan(timing.ready ?? 0);
      expect((await jsHeap(page)).used).toBeGreaterThan(0);
      await expect.poll(() => problems.length).toBeGreaterThanOrEqual(4);
      const text = describeProblems(problems);
      expect(text).toMatch(/^console: something broke/m);
      expect(text).toMatch(/^pageerror: Error: uncaught in a timer/m);
      expect(text).toMatch(/^http: GET http:\/\/127\.0\.0\.1:\d+\/missing: HTTP 404$/m);
      expect(problems).toContainEqual({ kind: 'requestfailed', text: `GET ${refused}: net::ERR_CONNECTION_REFUSED` });
      const path = await screenshot(page, 'harness-contract-page');
      expect(existsSync(path)).toBe(true);
    } finally {
      await close();
    }
  });

  it('gives each page a fresh context: no token unless asked, nothing carried over', async () => {
    const { page, close } = await openPage(browser, { baseURL: origin });
    try {
      await page.goto('/');
      await waitForReady(page);
      expect(await page.locator('main').textContent()).toBe('token: null');
    } finally {
      await close();
    }
  });
});
