// Retention of finished history: `PlatformStore.pruneHistory` on SQLite and PostgreSQL deletes exactly the old done
// or failed jobs and delivered or failed webhook deliveries; the `prune-history` job does it through the real queues
// (the server's on SQLite, a `sextant worker` on PostgreSQL); the daily schedule queues one pruning per day slot.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../../core/errors.ts';
import { testSchemas, testStoreLocations } from '../../../test/support/pg-schemas.ts';
import { openPlatformRuntime } from '../runtime.ts';
import { PlatformStore } from '../store/platform-store.ts';
import type { JobTable, WebhookDeliveryTable } from '../store/schema.ts';
import { insertDelivery } from '../store/webhooks.ts';
import { startWorker } from '../worker.ts';
import { PostgresJobQueue } from './postgres-queue.ts';
import { MAX_RETENTION_DAYS, scheduleHistoryPrunes, scheduleSlots } from './schedules.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';
import { settledJob } from '../../../test/support/job-wait.ts';

const { backends, dir, cleanup } = testStoreLocations('sextant_prune', { skipped: 'history pruning' });
const workerSchemas = testSchemas('sextant_prune_worker');
afterAll(async () => {
  await cleanup();
  await workerSchemas.dropAll();
});

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const quiet = () => undefined;

/** A job row as a queue leaves it, changed last at `updatedAt`. */
async function putJob(store: PlatformStore, id: string, state: JobTable['state'], updatedAt: string, kind = 'deliver-webhook'): Promise<void> {
  await store.db
    .insertInto('job')
    .values({ id, org_id: null, kind, payload: '{}', state, attempts: state === 'queued' ? 0 : 1, max_attempts: 3, run_at: updatedAt, job_key: null, last_error: null, result: null, created_at: updatedAt, updated_at: updatedAt })
    .execute();
}

/** A delivery of `webhookId` made at `createdAt`, left `status` (delivered at `deliveredAt`). */
async function putDelivery(store: PlatformStore, orgId: string, webhookId: string, id: string, status: WebhookDeliveryTable['status'], createdAt: string, deliveredAt: string | null = null): Promise<void> {
  await insertDelivery(store.db, { id, webhookId, orgId, body: '{}', eventCount: 1, maxAttempts: 3, at: createdAt });
  await store.db
    .updateTable('webhook_delivery')
    .set({ status, attempts: status === 'pending' ? 0 : 1, delivered_at: deliveredAt, next_attempt_at: status === 'pending' ? createdAt : null })
    .where('id', '=', id)
    .execute();
}

// Sorted here: PostgreSQL's collation may order text otherwise.
const jobIds = async (store: PlatformStore) => (await store.db.selectFrom('job').select('id').execute()).map((r) => r.id).sort();
const deliveryIds = async (store: PlatformStore) => (await store.db.selectFrom('webhook_delivery').select('id').execute()).map((r) => r.id).sort();

/** Wait until `probe` holds (or fail after `ms`). */
async function until(probe: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(backends)('pruneHistory on %s', (_name, newLocation) => {
  it('deletes exactly the finished jobs and deliveries older than the cut-off, and keeps the rest', async () => {
    const store = await PlatformStore.open(newLocation());
    try {
      const cutoff = '2025-06-01T00:00:00.000Z';
      const old = '2025-05-01T12:00:00.000Z';
      const recent = '2025-06-02T12:00:00.000Z';
      await putJob(store, 'job-done-old', 'done', old);
      await putJob(store, 'job-failed-old', 'failed', old);
      await putJob(store, 'job-done-old-too', 'done', '2025-05-31T23:59:59.999Z');
      await putJob(store, 'job-queued-old', 'queued', old);
      await putJob(store, 'job-running-old', 'running', old);
      await putJob(store, 'job-done-at-cutoff', 'done', cutoff);
      await putJob(store, 'job-done-recent', 'done', recent);
      await putJob(store, 'job-failed-recent', 'failed', recent);

      const org = await store.createOrg('acme', old);
      const webhook = await store.createWebhook(org.id, { url: 'https://ci.example/hook', events: ['finding.appeared'], secret: 'whsec_0123456789abcdef' }, old);
      await putDelivery(store, org.id, webhook.id, 'del-delivered-old', 'delivered', old, old);
      // Made long ago but delivered recently (after retries): its last activity is recent.
      await putDelivery(store, org.id, webhook.id, 'del-delivered-late', 'delivered', old, recent);
      await putDelivery(store, org.id, webhook.id, 'del-failed-old', 'failed', old);
      await putDelivery(store, org.id, webhook.id, 'del-failed-recent', 'failed', recent);
      await putDelivery(store, org.id, webhook.id, 'del-pending-old', 'pending', old);
      await putDelivery(store, org.id, webhook.id, 'del-delivered-recent', 'delivered', recent, recent);

      expect(await store.pruneHistory(cutoff)).toEqual({ jobs: 3, deliveries: 2 });
      expect(await jobIds(store)).toEqual(['job-done-at-cutoff', 'job-done-recent', 'job-failed-recent', 'job-queued-old', 'job-running-old']);
      expect(await deliveryIds(store)).toEqual(['del-delivered-late', 'del-delivered-recent', 'del-failed-recent', 'del-pending-old']);
      // The subscription itself and the org stay.
      expect(await store.listWebhooks(org.id)).toHaveLength(1);
      // Nothing more to delete at the same cut-off; a later one (given without milliseconds) takes the recent ones.
      expect(await store.pruneHistory(cutoff)).toEqual({ jobs: 0, deliveries: 0 });
      expect(await store.pruneHistory('2025-06-03T00:00:00Z')).toEqual({ jobs: 3, deliveries: 3 });
      expect(await jobIds(store)).toEqual(['job-queued-old', 'job-running-old']);
      expect(await deliveryIds(store)).toEqual(['del-pending-old']);
    } finally {
      await store.close();
    }
  });

  it('refuses a cut-off that is not a time, deleting nothing', async () => {
    const store = await PlatformStore.open(newLocation());
    try {
      await putJob(store, 'job-done', 'done', '2025-01-01T00:00:00.000Z');
      await expect(store.pruneHistory('tomorrow')).rejects.toSatisfy((e) => isSextantError(e, 'USAGE'));
      expect(await jobIds(store)).toEqual(['job-done']);
    } finally {
      await store.close();
    }
  });
});

describe('the prune-history job', () => {
  it('runs on the server’s SQLite queue with the real handlers: deletes what is older than its retention, returns the counts', async () => {
    const runtime = await openPlatformRuntime({ data: join(dir, 'runtime'), version: 't', jobs: { pollInterval: 20 }, log: quiet });
    const { store, queue } = runtime;
    try {
      await putJob(store, 'done-40d', 'done', daysAgo(40));
      await putJob(store, 'failed-31d', 'failed', daysAgo(31));
      await putJob(store, 'done-29d', 'done', daysAgo(29));
      // A kind no handler takes, so the started queue leaves these as they are.
      await putJob(store, 'queued-40d', 'queued', daysAgo(40), 'retired-kind');
      await putJob(store, 'running-40d', 'running', daysAgo(40), 'retired-kind');
      const org = await store.createOrg('acme', daysAgo(60));
      const webhook = await store.createWebhook(org.id, { url: 'https://ci.example/hook', events: ['finding.appeared'], secret: 'whsec_0123456789abcdef' }, daysAgo(60));
      await putDelivery(store, org.id, webhook.id, 'delivered-40d', 'delivered', daysAgo(41), daysAgo(40));
      await putDelivery(store, org.id, webhook.id, 'failed-35d', 'failed', daysAgo(35));
      await putDelivery(store, org.id, webhook.id, 'delivered-1d', 'delivered', daysAgo(1), daysAgo(1));
      await putDelivery(store, org.id, webhook.id, 'pending-40d', 'pending', daysAgo(40));

      await queue.start(runtime.handlers);
      const started = Date.now();
      const id = await queue.add('prune-history', { retentionDays: 30 });
      const job = await settledJob(store, id);
      expect(job).toMatchObject({ kind: 'prune-history', state: 'done', attempts: 1, error: null, result: { jobs: 2, deliveries: 2 } });
      const before = Date.parse((job.result as { before: string }).before);
      expect(before).toBeGreaterThanOrEqual(started - 30 * DAY);
      expect(before).toBeLessThanOrEqual(Date.now() - 30 * DAY);
      expect(await jobIds(store)).toEqual(['done-29d', id, 'queued-40d', 'running-40d'].sort());
      expect(await deliveryIds(store)).toEqual(['delivered-1d', 'pending-40d']);

      // A payload without a valid retention fails at once, deleting nothing.
      const bad = await queue.add('prune-history', { retentionDays: 0 });
      expect(await settledJob(store, bad)).toMatchObject({ state: 'failed', attempts: 1, error: `a prune-history job names its retention in whole days from 1 to ${MAX_RETENTION_DAYS}` });
      expect(await jobIds(store)).toEqual(['done-29d', id, bad, 'queued-40d', 'running-40d'].sort());
    } finally {
      await queue.stop();
      await runtime.close();
    }
  });

  it.runIf(workerSchemas.databaseUrl)('runs in a sextant worker on PostgreSQL when another process queued it', async () => {
    const databaseUrl = workerSchemas.databaseUrl as string;
    const schema = workerSchemas.fresh();
    // A server's side: the store and the queue, adding jobs without running them.
    const store = await PlatformStore.open({ url: databaseUrl, schema });
    const queue = await PostgresJobQueue.open(store, { connectionString: databaseUrl, log: quiet });
    const worker = await startWorker({ database: databaseUrl, databaseSchema: schema, version: 't', jobs: { pollInterval: 100 }, log: quiet });
    try {
      await putJob(store, 'done-10d', 'done', daysAgo(10));
      await putJob(store, 'done-1d', 'done', daysAgo(1));
      const id = await queue.add('prune-history', { retentionDays: 7 });
      expect(await settledJob(store, id, 30_000)).toMatchObject({ state: 'done', result: { jobs: 1, deliveries: 0 } });
      expect(await jobIds(store)).toEqual(['done-1d', id].sort());
    } finally {
      await worker.close();
      await queue.stop();
      await store.close();
    }
  });
});

describe('the history pruning schedule', () => {
  it('queues one prune-history job per day slot, however many servers schedule it, to run from the slot’s start', async () => {
    const store = await PlatformStore.open({ url: join(dir, 'schedule.sqlite') });
    const queue = new SqliteJobQueue(store, { log: quiet });
    // Three servers, one with another retention: the day's pruning is queued once, by whichever came first.
    const schedules = [scheduleHistoryPrunes(queue, 30, quiet), scheduleHistoryPrunes(queue, 30, quiet), scheduleHistoryPrunes(queue, 7, quiet)];
    const day = Math.floor(Date.now() / DAY);
    try {
      const pruneJobs = () => store.db.selectFrom('job').select(['job_key', 'payload', 'run_at', 'state']).where('kind', '=', 'prune-history').execute();
      await until(async () => (await pruneJobs()).length > 0, 'the day’s pruning to be queued');
      // Let the other schedules' additions land too.
      await new Promise((r) => setTimeout(r, 200));
      expect(await pruneJobs()).toEqual([{ job_key: `prune-history:24h:${day}`, payload: JSON.stringify({ retentionDays: 30 }), run_at: new Date(day * DAY).toISOString(), state: 'queued' }]);
    } finally {
      schedules.forEach((s) => s.stop());
      await queue.stop();
      await store.close();
    }
  });

  it('refuses a retention that is not whole days from 1 to 3650, queueing nothing', async () => {
    const store = await PlatformStore.open({ url: join(dir, 'refused.sqlite') });
    const queue = new SqliteJobQueue(store, { log: quiet });
    try {
      for (const days of [0, -1, 1.5, MAX_RETENTION_DAYS + 1, Number.NaN]) expect(() => scheduleHistoryPrunes(queue, days, quiet)).toThrow(RangeError);
      expect(await jobIds(store)).toEqual([]);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('queues the next slot’s job when a slot starts', async () => {
    const store = await PlatformStore.open({ url: join(dir, 'slots.sqlite') });
    const queue = new SqliteJobQueue(store, { log: quiet });
    // One-second slots (checked every second): a second job follows the first, keyed by the next slot.
    const schedule = scheduleSlots(queue, { kind: 'prune-history', payload: { retentionDays: 1 }, hours: 1 / 3600, key: 'test-slots', what: 'the test job' }, quiet);
    try {
      const keys = async () => (await store.db.selectFrom('job').select('job_key').execute()).map((r) => r.job_key ?? '').sort();
      await until(async () => (await keys()).length >= 2, 'two slots’ jobs');
      const slots = (await keys()).map((k) => Number(/^test-slots:(\d+)$/.exec(k)?.[1]));
      expect(slots[1]).toBeGreaterThan(slots[0] as number);
      expect(new Set(slots).size).toBe(slots.length);
    } finally {
      schedule.stop();
      await queue.stop();
      await store.close();
    }
  });
});
