// The SQLite job queue on a real store file: jobs survive a restart (queued ones, and one cut off while running),
// failed attempts are retried after their exponential backoff, run times and job keys are honoured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markRunning, readJob } from '../store/jobs.ts';
import { PlatformStore } from '../store/platform-store.ts';
import { PermanentJobError } from './job-queue.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';
import { settledJob } from '../../../test/support/job-wait.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-sqlite-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `queue-${++files}.sqlite`);

describe('SqliteJobQueue', () => {
  it('keeps queued jobs across a restart: a job added before a stop runs in the next process', async () => {
    const path = freshPath();
    const first = await PlatformStore.open({ url: path });
    const before = new SqliteJobQueue(first);
    const id = await before.add('sync-advisories', { everyHours: 6 }, { orgId: 'org-1' });
    await before.stop();
    await first.close();

    const store = await PlatformStore.open({ url: path });
    const ran: unknown[] = [];
    const queue = new SqliteJobQueue(store, { pollInterval: 20 });
    try {
      expect((await readJob(store.db, id))?.state).toBe('queued');
      await queue.start({
        'sync-advisories': async (payload, context) => {
          ran.push({ payload, context });
          return { synced: true };
        },
      });
      const job = await settledJob(store, id);
      expect(job).toMatchObject({ id, orgId: 'org-1', kind: 'sync-advisories', state: 'done', attempts: 1, error: null, result: { synced: true } });
      expect(ran).toEqual([{ payload: { everyHours: 6 }, context: { id, orgId: 'org-1', attempt: 1, maxAttempts: 3 } }]);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('runs again a job a stopped process left running', async () => {
    const path = freshPath();
    const first = await PlatformStore.open({ url: path });
    const id = await new SqliteJobQueue(first).add('deliver-webhook', { delivery: 'd-1' });
    // What a process killed mid-job leaves: the job claimed, its attempt counted, never finished.
    expect(await markRunning(first.db, id, { fromQueued: true })).toMatchObject({ state: 'running', attempts: 1 });
    await first.close();

    const store = await PlatformStore.open({ url: path });
    const queue = new SqliteJobQueue(store, { pollInterval: 20 });
    try {
      const attempts: number[] = [];
      await queue.start({ 'deliver-webhook': async (_payload, context) => attempts.push(context.attempt) });
      expect(await settledJob(store, id)).toMatchObject({ state: 'done', attempts: 2 });
      expect(attempts).toEqual([2]);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('retries a failed attempt after its backoff, doubling the delay, and records the last error until it succeeds', async () => {
    const store = await PlatformStore.open({ url: freshPath() });
    const retryDelay = 150;
    const queue = new SqliteJobQueue(store, { pollInterval: 1000, retryDelay });
    try {
      const times: number[] = [];
      const errors: (string | null)[] = [];
      let id = '';
      await queue.start({
        'analyze-registry-image': async () => {
          times.push(Date.now());
          errors.push((await readJob(store.db, id))?.error ?? null);
          if (times.length < 3) throw new Error(`registry down (attempt ${times.length})`);
          return { ok: true };
        },
      });
      id = await queue.add('analyze-registry-image', { reference: 'x' }, { maxAttempts: 3 });
      const job = await settledJob(store, id);
      expect(job).toMatchObject({ state: 'done', attempts: 3, error: null, result: { ok: true } });
      // The waits are at least the backoff (150 ms, then 300 ms), and the poll interval (1 s) did not hold them up.
      const gaps = [times[1]! - times[0]!, times[2]! - times[1]!];
      expect(gaps[0]).toBeGreaterThanOrEqual(retryDelay - 5);
      expect(gaps[1]).toBeGreaterThanOrEqual(2 * retryDelay - 5);
      expect(gaps[0]).toBeLessThan(900);
      expect(gaps[1]).toBeLessThan(1200);
      expect(errors).toEqual([null, 'registry down (attempt 1)', 'registry down (attempt 2)']);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('fails a job for good after its last attempt, and at once on a permanent error', async () => {
    const store = await PlatformStore.open({ url: freshPath() });
    const queue = new SqliteJobQueue(store, { pollInterval: 20, retryDelay: 10 });
    try {
      let calls = 0;
      await queue.start({
        'deliver-webhook': async () => {
          calls++;
          throw new Error('connection refused');
        },
        'analyze-registry-image': async () => {
          throw new PermanentJobError('manifest unknown: no such tag');
        },
      });
      const flaky = await queue.add('deliver-webhook', {}, { maxAttempts: 2 });
      const hopeless = await queue.add('analyze-registry-image', {}, { maxAttempts: 5 });
      expect(await settledJob(store, flaky)).toMatchObject({ state: 'failed', attempts: 2, error: 'connection refused' });
      expect(calls).toBe(2);
      expect(await settledJob(store, hopeless)).toMatchObject({ state: 'failed', attempts: 1, error: 'manifest unknown: no such tag' });
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('waits for a job’s run time, and adds a job key only once', async () => {
    const store = await PlatformStore.open({ url: freshPath() });
    const queue = new SqliteJobQueue(store, { pollInterval: 5000 });
    try {
      const ranAt: number[] = [];
      await queue.start({ 'sync-advisories': async () => ranAt.push(Date.now()) });
      const runAt = new Date(Date.now() + 300);
      const id = await queue.add('sync-advisories', { n: 1 }, { runAt, jobKey: 'slot-1' });
      expect(await queue.add('sync-advisories', { n: 2 }, { jobKey: 'slot-1' })).toBe(id);
      const job = await settledJob(store, id);
      expect(job.payload).toEqual({ n: 1 });
      expect(ranAt).toHaveLength(1);
      expect(ranAt[0]).toBeGreaterThanOrEqual(runAt.getTime() - 5);
      // Done jobs keep their key: the same slot is not queued again.
      expect(await queue.add('sync-advisories', { n: 3 }, { jobKey: 'slot-1' })).toBe(id);
      await new Promise((r) => setTimeout(r, 100));
      expect(ranAt).toHaveLength(1);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it('waits for running jobs when stopped, and takes no more', async () => {
    const store = await PlatformStore.open({ url: freshPath() });
    const queue = new SqliteJobQueue(store, { pollInterval: 20, concurrency: 1 });
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    await queue.start({
      'sync-advisories': async () => {
        started();
        await new Promise((r) => setTimeout(r, 200));
        finished = true;
      },
    });
    const first = await queue.add('sync-advisories', {});
    const second = await queue.add('sync-advisories', {});
    await running;
    await queue.stop();
    expect(finished).toBe(true);
    expect((await readJob(store.db, first))?.state).toBe('done');
    expect((await readJob(store.db, second))?.state).toBe('queued');
    await store.close();
  });
});
