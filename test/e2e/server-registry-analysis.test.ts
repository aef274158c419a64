// End to end: `POST /api/v1/images/analyze` on a real server queues a registry analysis; the job pulls the image from
// a real registry (Debian's docker-registry on 127.0.0.1, with Basic auth from the server's environment), analyses
// it as `sextant push` would and stores it for the org; `GET /api/v1/jobs/{id}` follows it to its digest. Bad
// references are refused up front, and an image that does not exist fails the job once, with the reason.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RegistryClient } from '../../src/image/registry/client.ts';
import { startServer, type RunningServer } from '../../src/platform/server.ts';
import { FeedServer } from '../support/feed-server.ts';
import { buildImage, buildTar, type BuiltImage } from '../support/image-builder.ts';
import { pushImage } from '../support/registry-push.ts';
import { startRegistry, TEST_PASSWORD, TEST_USER, type TestRegistry } from '../support/registry-server.ts';

const REPO = 'acme/shop';
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';
const admin = 'sxt_registry-analysis-admin-0000';

let dir: string;
let registry: TestRegistry;
let feed: FeedServer;
let server: RunningServer;
let image: BuiltImage;

async function call(method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Follow job `id` until it is done or failed. */
async function finished(id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { status, body } = await call('GET', `/api/v1/jobs/${id}`);
    expect(status).toBe(200);
    if (body.state === 'done' || body.state === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${String(body.state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-analyze-'));
  // The server's registry credentials come from its environment; no Docker config of whoever runs the tests.
  vi.stubEnv('DOCKER_CONFIG', join(dir, 'no-docker-config'));
  vi.stubEnv('SEXTANT_REGISTRY_USER', TEST_USER);
  vi.stubEnv('SEXTANT_REGISTRY_PASSWORD', TEST_PASSWORD);
  registry = await startRegistry({ auth: 'htpasswd', tls: false });
  const base = await buildTar([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/os-release', content: OS_RELEASE },
  ]);
  const app = await buildTar([
    { name: 'app/package.json', content: JSON.stringify({ name: 'shop', version: '1.0.0', dependencies: { ms: '2.1.3' } }) },
    { name: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }) },
    { name: 'app/.env', content: 'GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n' },
  ]);
  image = buildImage({ layers: [{ tar: base, compression: 'gzip' }, { tar: app, compression: 'gzip', createdBy: 'COPY app /app' }] });
  await pushImage(new RegistryClient(registry.clientOptions()), REPO, '1.0', image);

  feed = await FeedServer.start();
  const advisory = { id: 'GHSA-test-ms00-0001', aliases: ['CVE-2099-0001'], modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'ms' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.1.4' }] }] }] };
  feed.put('/npm/all.zip', zipSync({ 'GHSA-test-ms00-0001.json': Buffer.from(JSON.stringify(advisory)) }));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    data: join(dir, 'data'),
    version: 't',
    advisorySource: feed.url,
    kevUrl: null,
    epssUrl: null,
    bootstrapToken: admin,
    print: () => {},
    insecureRegistries: [registry.host],
    layerCacheDir: null,
    jobs: { pollInterval: 50, retryDelay: 100 },
  });
  expect((await call('POST', '/api/v1/advisories/sync', { ecosystems: ['npm'] })).status).toBe(200);
});

afterAll(async () => {
  await server?.close();
  await registry?.stop();
  await feed?.close();
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

describe('POST /api/v1/images/analyze', () => {
  it('queues the analysis; the job pulls, analyses and stores the image for the org, and names its digest', async () => {
    const reference = `registry://${registry.host}/${REPO}:1.0`;
    const queued = await call('POST', '/api/v1/images/analyze', { reference, environment: 'staging' });
    expect(queued.status).toBe(202);
    const id = queued.body.job as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const job = await finished(id);
    expect(job).toMatchObject({ id, kind: 'analyze-registry-image', state: 'done', attempts: 1, error: null, digest: image.manifest.digest });
    expect(job.result).toEqual({ digest: image.manifest.digest, reference, created: true, findings: 1 });

    const stored = await call('GET', `/api/v1/images/${image.manifest.digest}`);
    expect(stored.status).toBe(200);
    const { summary, packages, secrets, metadata } = stored.body as { summary: Record<string, unknown>; packages: { purl: string }[]; secrets: { rule: string; preview: string }[]; metadata: { layers: unknown[] } };
    expect(summary).toMatchObject({ digest: image.manifest.digest, reference, environments: ['staging'] });
    expect(metadata.layers).toHaveLength(2);
    expect(packages.map((p) => p.purl)).toContain('pkg:npm/ms@2.1.3');
    // Secrets are kept redacted, as a push sends them.
    expect(secrets.length).toBeGreaterThan(0);
    expect(JSON.stringify(secrets)).not.toContain('ghp_0123456789abcdefghijklmnopqrstuvwxyzAB');
    const findings = (await call('GET', `/api/v1/images/${image.manifest.digest}/findings`)).body as { findings: { id: string; purl: string }[] };
    expect(findings.findings).toEqual([expect.objectContaining({ id: 'CVE-2099-0001', purl: 'pkg:npm/ms@2.1.3' })]);
  });

  it('refuses references to the server’s own files and malformed ones, before queueing anything', async () => {
    for (const reference of ['archive:///etc/passwd', 'fs:///', 'oci-dir:///var/lib', 'sbom:///etc/shadow', 'registry://Bad Name']) {
      const answer = await call('POST', '/api/v1/images/analyze', { reference });
      expect(answer.status, reference).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
  });

  it('fails the job at once, with the registry’s reason, for a tag that does not exist', async () => {
    const queued = await call('POST', '/api/v1/images/analyze', { reference: `registry://${registry.host}/${REPO}:missing` });
    const job = await finished(queued.body.job as string);
    expect(job).toMatchObject({ state: 'failed', attempts: 1, digest: null, result: null });
    expect(job.error).toMatch(/missing/);
  });

  it('answers 404 for a job that is not the org’s', async () => {
    expect((await call('GET', '/api/v1/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
