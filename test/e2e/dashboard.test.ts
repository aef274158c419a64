// The dashboard end to end: Debian's Chromium (playwright-core) against a real `sextant server` holding real
// pushed analyses (test/support/dashboard-fixture.ts). The main paths a user takes, each page screenshotted under
// test-output/dashboard/, and no page may log a console error, throw, or see a request fail.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeProblems, launchBrowser, navigationTiming, openPage, screenshot, waitForReady, type RecordedPage } from '../support/browser.ts';
import { startDashboardFixture, type DashboardFixture } from '../support/dashboard-fixture.ts';

const WEB_INDEX = fileURLToPath(new URL('../../dist/web/index.html', import.meta.url));
if (!existsSync(WEB_INDEX)) throw new Error('dist/web is missing: run `npm run build` (npm ci runs it) before the dashboard tests');

let fx: DashboardFixture;
let browser: Browser;
/** The signed-in page the flows share, and the problems it has recorded. */
let session: RecordedPage;
let page: Page;
/** Every URL the signed-in page requested. */
const requested: string[] = [];

beforeAll(async () => {
  [fx, browser] = await Promise.all([startDashboardFixture(), launchBrowser()]);
  session = await openPage(browser, { baseURL: fx.url });
  page = session.page;
  page.on('request', (request) => requested.push(request.url()));
}, 180_000);

afterAll(async () => {
  await session?.close();
  await browser?.close();
  await fx?.close();
});

afterEach(() => {
  // Every step: nothing went wrong in the page (console errors, exceptions, failed requests, HTTP errors).
  expect(session.problems, describeProblems(session.problems)).toEqual([]);
});

/** Wait until the page says its data is shown, then screenshot it as `name`. */
async function shown(name: string): Promise<void> {
  await waitForReady(page);
  await screenshot(page, name);
}

describe('the dashboard in Chromium', () => {
  it('sends a visitor without a token to sign in, refuses a wrong token, and signs in with the admin token', async () => {
    const wrong = await openPage(browser, { baseURL: fx.url, allowStatuses: [401] });
    try {
      await wrong.page.goto('/images');
      await expect.poll(() => new URL(wrong.page.url()).pathname).toBe('/login');
      await wrong.page.getByLabel('API token').fill('sxt_not-a-token-of-this-server-000');
      await wrong.page.getByRole('button', { name: 'Sign in' }).click();
      await wrong.page.getByRole('alert').getByText('does not know this token').waitFor();
      expect(wrong.problems.filter((p) => !p.text.includes('401')), describeProblems(wrong.problems)).toEqual([]);
    } finally {
      await wrong.close();
    }

    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'login');
    await page.getByLabel('API token').fill(fx.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('sextant.token'))).toBe(fx.token);
  });

  it('opens the overview: counts, the trend chart, environments, the worst images and the outdated base', async () => {
    await shown('overview');
    const overview = await fx.api<{ images: number; findings: Record<string, number>; newFindings: { total: number } }>('/api/v1/overview');
    const stat = (label: string) => page.locator('.stat').filter({ has: page.getByText(label, { exact: true }) }).locator('.stat-value');
    expect(await stat('Images').innerText()).toBe(String(overview.images));
    expect(await stat('New since last update').innerText()).toBe(String(overview.newFindings.total));
    // recharts drew the stacked areas of the trend.
    expect(await page.locator('.chart svg .recharts-area').count()).toBe(5);
    for (const environment of ['production', 'staging']) await page.getByRole('link', { name: environment, exact: true }).waitFor();
    const outdated = page.locator('section', { has: page.getByRole('heading', { name: 'Images whose base image is outdated' }) });
    await outdated.getByRole('link', { name: fx.images.shopOld.reference }).waitFor();
    const worst = page.locator('section', { has: page.getByRole('heading', { name: 'Most vulnerable images' }) });
    expect(await worst.locator('table').getByRole('link').first().innerText()).toBe(fx.images.shopOld.reference);
    const timing = await navigationTiming(page);
    expect(timing.readyMarks).toBe(1);
  });

  it('searches images from the top bar, filters by severity, and sorts', async () => {
    await page.getByRole('searchbox', { name: 'Search images' }).fill('shop');
    await page.getByRole('searchbox', { name: 'Search images' }).press('Enter');
    await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
    await shown('images-search');
    const rows = page.getByRole('table', { name: 'Images' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(new URL(page.url()).searchParams.get('search')).toBe('shop');
    const texts = await rows.allInnerTexts();
    expect(texts.some((t) => t.includes(fx.images.shopOld.reference))).toBe(true);
    expect(texts.some((t) => t.includes(fx.images.shopNew.reference))).toBe(true);

    // Only shop:1.0 of the two has critical findings.
    await page.getByRole('combobox', { name: 'Severity' }).selectOption('critical');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(fx.images.shopOld.reference);
    await screenshot(page, 'images-critical');

    // Every image, by reference A→Z.
    await page.goto('/images?sort=reference&order=asc');
    await waitForReady(page);
    await expect.poll(() => rows.count()).toBe(5);
    const references = (await rows.locator('td:first-child a').allInnerTexts()).map((t) => t.trim());
    expect(references).toEqual([...references].sort());
    await screenshot(page, 'images');
  });

  it("opens an image's detail: metadata, masked environment values, findings", async () => {
    await page.goto('/images?search=shop');
    await waitForReady(page);
    await page.getByRole('link', { name: fx.images.shopOld.reference }).click();
    await page.getByRole('heading', { name: fx.images.shopOld.reference, level: 1 }).waitFor();
    await shown('image-overview');
    expect(new URL(page.url()).pathname).toBe(`/images/${fx.images.shopOld.digest}`);
    await page.getByText('Debian GNU/Linux 12 (bookworm)').first().waitFor();
    // Values are masked until asked for.
    const env = page.getByRole('table', { name: 'Environment variables' });
    const stored = await fx.api<{ metadata: { env: { name: string; value: string }[] } }>(`/api/v1/images/${fx.images.shopOld.digest}?packages=false`);
    const secretish = stored.metadata.env.find((e) => e.name === 'DATABASE_URL') ?? stored.metadata.env[0]!;
    expect(await env.innerText()).not.toContain(secretish.value);
    await page.getByRole('button', { name: `Show ${secretish.name}` }).click();
    await env.getByText(secretish.value).waitFor();
  });

  it('shows the layers and the packages and vulnerabilities a layer introduced', async () => {
    await page.getByRole('link', { name: /^Layers/ }).click();
    await waitForReady(page);
    const layers = page.getByRole('list', { name: 'Layers' }).getByRole('button');
    expect(await layers.count()).toBe(fx.images.shopOld.layers.length);
    const position = fx.images.shopOld.layers.findIndex((l) => l.diffId === fx.shopDepsLayer.diffId);
    await layers.nth(position).click();
    expect(new URL(page.url()).searchParams.get('layer')).toBe(fx.shopDepsLayer.diffId);
    const packages = page.getByRole('table', { name: 'Packages' });
    await packages.getByText(fx.shopDepsLayer.package, { exact: true }).waitFor();
    // Only that layer's packages: no Debian package from the base layer.
    expect(await packages.innerText()).not.toContain('pkg:deb/');
    await page.getByRole('table', { name: 'Vulnerabilities' }).getByRole('link', { name: fx.vulnerabilities.lodash.id }).waitFor();
    await screenshot(page, 'image-layers');
  });

  it('pages, filters and deep-links the package table', async () => {
    await page.goto(`/images/${fx.images.shopOld.digest}/packages?q=${fx.vulnerabilities.lodash.package}`);
    await shown('image-packages-filtered');
    const rows = page.getByRole('table', { name: 'Packages' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(`pkg:npm/${fx.vulnerabilities.lodash.package}@`);
    await page.getByRole('searchbox', { name: 'Filter packages' }).fill('');
    await page.getByRole('searchbox', { name: 'Filter packages' }).press('Enter');
    const total = (await fx.api<{ total: number }>(`/api/v1/images/${fx.images.shopOld.digest}/packages?limit=1`)).total;
    await expect.poll(() => rows.count()).toBe(Math.min(total, 100));
    await screenshot(page, 'image-packages');
  });

  it('shows the other tabs: vulnerabilities with their explanation, redacted secrets, provenance, base image', async () => {
    await page.goto(`/images/${fx.images.shopOld.digest}/vulnerabilities`);
    await shown('image-vulnerabilities');
    const table = page.getByRole('table', { name: 'Vulnerabilities' });
    await table.getByRole('link', { name: fx.vulnerabilities.lodash.id }).first().waitFor();
    await table.locator('tbody tr').filter({ hasText: fx.vulnerabilities.lodash.id }).first().click();
    await page.getByRole('heading', { name: new RegExp(`^Why ${fx.vulnerabilities.lodash.id} matches`) }).waitFor();
    await screenshot(page, 'image-vulnerability-explained');

    await page.goto(`/images/${fx.images.shopOld.digest}/secrets`);
    await shown('image-secrets');
    const secrets = await fx.api<{ secrets: { preview: string }[] }>(`/api/v1/images/${fx.images.shopOld.digest}?packages=false`);
    expect(secrets.secrets.length).toBeGreaterThan(0);
    for (const s of secrets.secrets) await page.getByRole('table', { name: 'Secrets' }).getByText(s.preview, { exact: true }).first().waitFor();

    await page.goto(`/images/${fx.images.api.digest}/provenance`);
    await shown('image-provenance');
    await page.getByText('FROM', { exact: true }).first().waitFor();
    await page.getByRole('heading', { name: /^Materials/ }).waitFor();

    await page.goto(`/images/${fx.images.shopOld.digest}/base`);
    await shown('image-base');
    await page.getByRole('link', { name: fx.images.baseOld.reference }).waitFor();
    await page.getByText("your organisation's images").waitFor();
  });

  it('opens a vulnerability and lists the images and environments it affects', async () => {
    await page.goto(`/images/${fx.images.shopOld.digest}/vulnerabilities`);
    await waitForReady(page);
    await page.getByRole('table', { name: 'Vulnerabilities' }).getByRole('link', { name: fx.vulnerabilities.synced.id }).first().click();
    await page.getByRole('heading', { name: fx.vulnerabilities.synced.id, level: 1 }).waitFor();
    await shown('vulnerability');
    const affected = page.getByRole('table', { name: 'Affected images' });
    const stored = await fx.api<{ images: { digest: string; reference: string }[] }>(`/api/v1/vulnerabilities/${encodeURIComponent(fx.vulnerabilities.synced.id)}`);
    expect(new Set(stored.images.map((i) => i.digest))).toEqual(new Set(fx.vulnerabilities.synced.digests));
    // One row per image and package; both pushes of acme/base:12 are there, under one reference.
    expect(await affected.locator(`a[href^="/images/${fx.images.baseOld.digest}"]`).count()).toBeGreaterThan(0);
    expect(await affected.locator(`a[href^="/images/${fx.images.baseNew.digest}"]`).count()).toBeGreaterThan(0);
    for (const image of stored.images) await affected.getByRole('link', { name: image.reference }).first().waitFor();
    await affected.getByText('production').first().waitFor();

    await page.goto('/vulnerabilities');
    await shown('vulnerabilities');
    await page.getByRole('table', { name: 'Vulnerabilities' }).getByRole('link', { name: fx.vulnerabilities.lodash.id }).waitFor();
  });

  it('switches environment and compares two', async () => {
    await page.getByRole('link', { name: 'Environments' }).click();
    await shown('environments');
    await page.getByRole('tab', { name: /^staging/ }).click();
    expect(new URL(page.url()).searchParams.get('env')).toBe('staging');
    const staging = page.getByRole('table', { name: 'Deployments in staging' });
    await staging.getByText(fx.stagingApiWorkload.namespace, { exact: true }).waitFor();
    await staging.getByRole('link', { name: fx.images.shopNew.reference }).waitFor();
    expect(await staging.innerText()).not.toContain(fx.images.shopOld.reference);
    await screenshot(page, 'environment-staging');

    await page.getByRole('combobox', { name: 'Compare with' }).selectOption('production');
    const changed = page.getByRole('table', { name: 'Running different images' });
    await changed.getByRole('link', { name: fx.images.shopNew.reference }).waitFor();
    await changed.getByRole('link', { name: fx.images.shopOld.reference }).waitFor();
    await screenshot(page, 'environment-diff');
  });

  it('creates a token that works at once, subscribes a webhook, and lists the catalog', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await shown('settings-tokens');
    await page.getByLabel('Name').fill('dashboard-ci');
    await page.getByLabel('Scope').selectOption('push');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('new-secret').innerText()).trim();
    expect(secret).toMatch(/^sxt_/);
    await page.getByRole('table', { name: 'Tokens' }).getByText('dashboard-ci').waitFor();
    const answer = await fetch(`${fx.url}/api/v1/images?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    expect(answer.status).toBe(200);
    const tokens = await fx.api<{ tokens: { name: string; scopes: string[] }[] }>('/api/v1/tokens');
    expect(tokens.tokens.find((t) => t.name === 'dashboard-ci')?.scopes).toEqual(['push']);
    await screenshot(page, 'settings-token-created');

    await page.getByRole('link', { name: 'Webhooks' }).click();
    await shown('settings-webhooks');
    await page.getByLabel('URL').fill('https://ci.example.com/sextant-hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    expect((await page.getByTestId('new-secret').innerText()).trim()).toMatch(/^whsec_/);
    const hooks = page.getByRole('table', { name: 'Webhooks' });
    await hooks.getByText('https://ci.example.com/sextant-hook').waitFor();
    const stored = await fx.api<{ webhooks: { url: string; events: string[] }[] }>('/api/v1/webhooks');
    expect(stored.webhooks.find((w) => w.url === 'https://ci.example.com/sextant-hook')?.events).toEqual(['finding.appeared', 'finding.disappeared']);
    await hooks.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByText('Nothing delivered yet').waitFor();
    await screenshot(page, 'settings-webhook-created');
    await page.getByRole('link', { name: 'Base-image catalog' }).click();
    await shown('settings-catalog');
  });

  it('tells a push token that settings need admin, and sends a revoked token back to sign in', async () => {
    const created = (await (
      await fetch(`${fx.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${fx.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'e2e-push', scopes: ['push'] }) })
    ).json()) as { token: string; info: { id: string } };
    const pusher = await openPage(browser, { baseURL: fx.url, token: created.token, allowStatuses: [401, 403] });
    try {
      await pusher.page.goto('/settings/tokens');
      await waitForReady(pusher.page);
      await pusher.page.getByText('Only admin tokens can see and change this.').waitFor();
      await screenshot(pusher.page, 'settings-not-admin');
      const revoked = await fetch(`${fx.url}/api/v1/tokens/${created.info.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${fx.token}` } });
      expect(revoked.status).toBe(204);
      await pusher.page.goto('/images');
      await expect.poll(() => new URL(pusher.page.url()).pathname).toBe('/login');
      expect(new URL(pusher.page.url()).searchParams.get('next')).toBe('/images');
      expect(await pusher.page.evaluate(() => sessionStorage.getItem('sextant.token'))).toBeNull();
      // Only the refusals this test provoked: no console error, exception or failed request of another kind.
      expect(pusher.problems.filter((p) => !/\b(401|403)\b/.test(p.text)), describeProblems(pusher.problems)).toEqual([]);
    } finally {
      await pusher.close();
    }
  });

  it('loaded nothing from anywhere but the server: fonts and icons are bundled, no CDN', async () => {
    expect(requested.length).toBeGreaterThan(20);
    expect(requested.filter((url) => !url.startsWith(`${fx.url}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(requested.some((url) => /\/assets\/inter-[\w-]+\.woff2$/.test(url))).toBe(true);
  });

  it('answers an unknown page with the not-found page', async () => {
    await page.goto('/no/such/page');
    await shown('not-found');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });
});
