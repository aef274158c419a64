// Webhooks end to end, on a real server (SQLite, and PostgreSQL when DATABASE_URL is set): subscribers are real HTTP
// servers on 127.0.0.1 that check the HMAC signature with their secret; the first delivery is refused with 500 and
// the retry accepted; pushes and re-evaluations (an advisory sync from a feed server) are delivered as batches;
// each org's subscriber receives only that org's events. Each test's server gets a fresh database.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../test/support/feed-server.ts';
import { testSchemas } from '../../test/support/pg-schemas.ts';
import { digestOf, samplePush } from './http/api-test-support.ts';
import { type RunningServer, type ServerOptions, startServer } from './server.ts';
import { PlatformStore, type StoreLocation } from './store/platform-store.ts';
import { signWebhookBody, type WebhookPayload } from './webhooks.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-webhooks-'));
const schemas = testSchemas('sextant_webhooks', 'webhook');
const { databaseUrl } = schemas;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await schemas.dropAll();
});

/** A delivery as a subscriber received it. */
interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** Whether the signature checked out with the subscriber's secret. */
  signed: boolean;
  status: number;
}

/** A subscriber: answers 500 to the first `failFirst` deliveries, then 200; checks each signature with `secret`. */
class Receiver {
  readonly received: Received[] = [];
  secret = '';
  readonly url: string;
  private readonly server: Server;
  private failFirst: number;

  private constructor(server: Server, url: string, failFirst: number) {
    this.server = server;
    this.url = url;
    this.failFirst = failFirst;
  }

  static async start(failFirst: number): Promise<Receiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, failFirst);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        // The recipe of docs/api.md: HMAC-SHA256 of the raw body with the secret, compared in constant time.
        const expected = Buffer.from(`sha256=${createHmac('sha256', receiver.secret).update(raw).digest('hex')}`);
        const given = Buffer.from(String(req.headers['x-sextant-signature'] ?? ''));
        const signed = given.length === expected.length && timingSafeEqual(given, expected);
        const status = !signed ? 401 : receiver.failFirst > 0 ? 500 : 200;
        if (status === 500) receiver.failFirst--;
        receiver.received.push({ at: Date.now(), headers: req.headers, raw, signed, status });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
      });
    });
    return receiver;
  }

  payloads(): WebhookPayload[] {
    return this.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.raw.toString('utf8')) as WebhookPayload);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The OSV dump of npm with one advisory on `ms`, fixed in `fixed`. */
function npmDump(fixed: string, modified: string): Uint8Array {
  const record = { id: 'GHSA-test-ms00-0001', aliases: ['CVE-2099-0001'], modified, summary: 'ms is slow', affected: [{ package: { ecosystem: 'npm', name: 'ms' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] }] };
  return zipSync({ 'GHSA-test-ms00-0001.json': Buffer.from(JSON.stringify(record)) });
}

/** Where a test's server keeps its data. */
interface Place {
  data: string;
  database?: string;
  databaseSchema?: string;
  location: StoreLocation;
}

/** A server over `place` with `admin` as its first token, syncing only OSV advisories from `feed`, polling jobs often. */
function startTestServer(place: Place, feed: FeedServer, admin: string, options: Pick<ServerOptions, 'webhooks' | 'log'>): Promise<RunningServer> {
  return startServer({
    port: 0,
    host: '127.0.0.1',
    data: place.data,
    ...(place.database ? { database: place.database, databaseSchema: place.databaseSchema } : {}),
    version: 't',
    advisorySource: feed.url,
    kevUrl: null,
    epssUrl: null,
    bootstrapToken: admin,
    print: () => {},
    jobs: { pollInterval: 50 },
    ...options,
  });
}

const backends: [string, (name: string) => Place][] = [
  ['SQLite', (name) => ({ data: join(dir, name), location: { url: join(dir, name, 'sextant.sqlite') } })],
];
if (databaseUrl) {
  backends.push(['PostgreSQL', (name) => {
    const schema = schemas.fresh();
    return { data: join(dir, name), database: databaseUrl, databaseSchema: schema, location: { url: databaseUrl, schema } };
  }]);
}

describe.each(backends)('webhooks on %s', (name, where) => {
  it('delivers signed batches of finding events per org, retrying a refused delivery after its backoff', async () => {
    const feed = await FeedServer.start();
    feed.put('/npm/all.zip', npmDump('2.1.4', '2025-01-01T00:00:00Z'));
    const receiverA = await Receiver.start(1);
    const receiverB = await Receiver.start(0);
    const adminA = 'sxt_webhook-test-admin-a-000000';
    const logged: string[] = [];
    const place = where(`server-${name}`);
    let server: RunningServer | null = null;
    let side: PlatformStore | null = null;
    try {
      server = await startTestServer(place, feed, adminA, {
        webhooks: { retryDelay: 300, timeout: 5000 },
        log: (line) => logged.push(line),
      });
      const url = server.url;
      const call = async (method: string, path: string, token: string, body?: unknown) => {
        const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
      };
      // Org B and its tokens, made the way an operator would: in the same database.
      side = await PlatformStore.open(place.location);
      const orgB = await side.createOrg('org-b');
      const adminB = (await side.createToken(orgB.id, 'b-admin', ['admin'])).token;
      const orgA = ((await call('GET', '/api/v1/tokens', adminA)).body as { tokens: { orgId: string }[] }).tokens[0]!.orgId;

      expect((await call('POST', '/api/v1/advisories/sync', adminA, { ecosystems: ['npm'] })).status).toBe(200);

      const subA = await call('POST', '/api/v1/webhooks', adminA, { url: receiverA.url });
      expect(subA.status).toBe(201);
      const webhookA = subA.body as { webhook: { id: string; events: string[]; orgId: string }; secret: string };
      expect(webhookA.webhook).toMatchObject({ orgId: orgA, events: ['finding.appeared', 'finding.disappeared'] });
      expect(webhookA.secret).toMatch(/^whsec_[\w-]{43}$/);
      receiverA.secret = webhookA.secret;
      const subB = await call('POST', '/api/v1/webhooks', adminB, { url: receiverB.url, secret: 'b-chosen-secret-0123456789' });
      receiverB.secret = 'b-chosen-secret-0123456789';
      expect((subB.body as { secret: string }).secret).toBe('b-chosen-secret-0123456789');
      expect(((await call('GET', '/api/v1/webhooks', adminA)).body as { webhooks: unknown[] }).webhooks).toEqual([{ ...webhookA.webhook, url: receiverA.url, createdAt: expect.any(String) }]);
      expect(JSON.stringify((await call('GET', '/api/v1/webhooks', adminA)).body)).not.toContain(webhookA.secret);

      // A push in org A: the ms finding appears; the first delivery is refused, the retry accepted.
      const pushA = samplePush({ reference: 'registry.example/a/app:1', digest: digestOf('a') });
      expect((await call('POST', '/api/v1/images', adminA, pushA)).status).toBe(201);
      await until('the retried delivery to A', () => receiverA.received.length >= 2);
      const [refused, accepted] = receiverA.received as [Received, Received];
      expect(refused.signed && accepted.signed).toBe(true);
      expect([refused.status, accepted.status]).toEqual([500, 200]);
      expect(accepted.at - refused.at).toBeGreaterThanOrEqual(290);
      expect(accepted.raw.equals(refused.raw)).toBe(true);
      expect(accepted.headers['x-sextant-delivery']).toBe(refused.headers['x-sextant-delivery']);
      expect(accepted.headers['x-sextant-signature']).toBe(signWebhookBody(accepted.raw, webhookA.secret));
      expect(accepted.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(accepted.headers['x-sextant-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      const first = JSON.parse(accepted.raw.toString('utf8')) as WebhookPayload;
      expect(first).toEqual({
        id: accepted.headers['x-sextant-delivery'],
        org: orgA,
        webhook: webhookA.webhook.id,
        events: [{ seq: expect.any(Number), digest: digestOf('a'), id: 'CVE-2099-0001', purl: 'pkg:npm/ms@2.1.3', kind: 'appeared', at: expect.any(String), cause: 'push' }],
      });
      // The attempt is recorded once its answer is in: a moment after the subscriber saw it.
      const deliveries = { deliveries: [] as Record<string, unknown>[] };
      await until('the delivery recorded as delivered', async () => {
        deliveries.deliveries = ((await call('GET', `/api/v1/webhooks/${webhookA.webhook.id}/deliveries`, adminA)).body as typeof deliveries).deliveries;
        return deliveries.deliveries[0]?.status === 'delivered';
      });
      expect(deliveries.deliveries).toEqual([expect.objectContaining({ id: first.id, eventCount: 1, status: 'delivered', attempts: 2, lastStatus: 200, lastError: null, nextAttemptAt: null })]);
      expect(receiverB.received).toEqual([]);

      // A push in org B reaches B's subscriber only.
      expect((await call('POST', '/api/v1/images', adminB, samplePush({ reference: 'registry.example/b/app:1', digest: digestOf('b') }))).status).toBe(201);
      await until('the delivery to B', () => receiverB.received.length >= 1);
      expect(receiverB.payloads()).toEqual([expect.objectContaining({ org: orgB.id, webhook: (subB.body as { webhook: { id: string } }).webhook.id, events: [expect.objectContaining({ digest: digestOf('b'), kind: 'appeared', cause: 'push' })] })]);

      // The advisory is corrected (ms 2.1.3 is fixed): the re-evaluation makes each org's finding disappear, and each
      // subscriber gets its own org's event, with the advisory change as the cause.
      feed.put('/npm/all.zip', npmDump('2.1.3', '2025-02-01T00:00:00Z'));
      const sync = await call('POST', '/api/v1/advisories/sync', adminA, { ecosystems: ['npm'] });
      expect(sync.body).toMatchObject({ reevaluated: { images: 2, appeared: 0, disappeared: 2 } });
      await until('the re-evaluation deliveries', () => receiverA.payloads().length >= 2 && receiverB.payloads().length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      const [, secondA] = receiverA.payloads() as [WebhookPayload, WebhookPayload];
      const [, secondB] = receiverB.payloads() as [WebhookPayload, WebhookPayload];
      expect(receiverA.payloads()).toHaveLength(2);
      expect(receiverB.payloads()).toHaveLength(2);
      expect(secondA).toMatchObject({ org: orgA, events: [{ digest: digestOf('a'), id: 'CVE-2099-0001', kind: 'disappeared', cause: expect.stringMatching(/^advisory update osv:npm/) }] });
      expect(secondB).toMatchObject({ org: orgB.id, events: [{ digest: digestOf('b'), kind: 'disappeared' }] });
      expect(receiverA.received.every((r) => r.signed) && receiverB.received.every((r) => r.signed)).toBe(true);
      expect(JSON.stringify(receiverA.payloads())).not.toContain(orgB.id);
      expect(JSON.stringify(receiverB.payloads())).not.toContain(orgA);

      // Org B cannot see or delete A's subscription; A deletes it, and nothing more is delivered to it.
      expect((await call('GET', `/api/v1/webhooks/${webhookA.webhook.id}/deliveries`, adminB)).status).toBe(404);
      expect((await call('DELETE', `/api/v1/webhooks/${webhookA.webhook.id}`, adminB)).status).toBe(404);
      expect((await call('DELETE', `/api/v1/webhooks/${webhookA.webhook.id}`, adminA)).status).toBe(204);
      expect(((await call('GET', '/api/v1/webhooks', adminA)).body as { webhooks: unknown[] }).webhooks).toEqual([]);
      expect((await call('POST', '/api/v1/images', adminA, samplePush({ reference: 'registry.example/a/app:2', digest: digestOf('c') }))).status).toBe(201);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiverA.received).toHaveLength(3);
      expect(logged).toEqual([]);
    } finally {
      await side?.close();
      await server?.close();
      await Promise.all([receiverA.close(), receiverB.close(), feed.close()]);
    }
  });

  it('gives up after the last attempt and records why', async () => {
    const receiver = await Receiver.start(100);
    const admin = 'sxt_webhook-test-admin-giveup-00';
    const place = where(`giveup-${name}`);
    let server: RunningServer | null = null;
    const advisoriesFeed = await FeedServer.start();
    advisoriesFeed.put('/npm/all.zip', npmDump('2.1.4', '2025-01-01T00:00:00Z'));
    try {
      server = await startTestServer(place, advisoriesFeed, admin, {
        webhooks: { retryDelay: 50, maxAttempts: 3, timeout: 2000 },
        log: () => {},
      });
      const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      expect((await fetch(`${server.url}/api/v1/advisories/sync`, { method: 'POST', headers, body: JSON.stringify({ ecosystems: ['npm'] }) })).status).toBe(200);
      const sub = (await (await fetch(`${server.url}/api/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url: receiver.url, events: ['finding.appeared'] }) })).json()) as { webhook: { id: string }; secret: string };
      receiver.secret = sub.secret;
      expect((await fetch(`${server.url}/api/v1/images`, { method: 'POST', headers, body: JSON.stringify(samplePush()) })).status).toBe(201);
      const deliveries = await (async () => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const list = (await (await fetch(`${server.url}/api/v1/webhooks/${sub.webhook.id}/deliveries`, { headers })).json()) as { deliveries: { status: string }[] };
          if (list.deliveries[0]?.status === 'failed' || Date.now() > deadline) return list.deliveries;
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      expect(deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 3, maxAttempts: 3, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null, deliveredAt: null })]);
      expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 500]);
    } finally {
      await server?.close();
      await receiver.close();
      await advisoriesFeed.close();
    }
  });
});
