// The PostgreSQL job queue (graphile-worker) on a real database, in a fresh schema: two queues (as two processes
// would have) share the jobs and each job runs once; jobs added while nothing runs them wait; records follow
// attempts, retries and failures. Runs when DATABASE_URL is set.
import { afterAll, describe, expect, it } from 'vitest';
import { testSchemas } from '../../../test/support/pg-schemas.ts';
import { readJob } from '../store/jobs.ts';
import { PlatformStore } from '../store/platform-store.ts';
import { PermanentJobError } from './job-queue.ts';
import { PostgresJobQueue } from './postgres-queue.ts';
import { settledJob } from '../../../test/support/job-wait.ts';

const schemas = testSchemas('sextant_pgqueue', 'job queue');
const { databaseUrl } = schemas;
const schema = schemas.fresh();

afterAll(() => schemas.dropAll());

/** A store and its queue, as one process opens them. */
async function openProcess(): Promise<{ store: PlatformStore; queue: PostgresJobQueue; close(): Promise<void> }> {
  const store = await PlatformStore.open({ url: databaseUrl as string, schema });
  const queue = await PostgresJobQueue.open(store, { connectionString: databaseUrl as string, pollInterval: 100, concurrency: 3, log: () => undefined });
  return {
    store,
    queue,
    async close() {
      await queue.stop();
      await store.close();
    },
  };
}

describe.runIf(databaseUrl)('PostgresJobQueue', () => {
  it('keeps jobs added while no process runs them, then two processes share them and each job runs once', async () => {
    const a = await openProcess();
    const b = await openProcess();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push(await (i % 2 ? a : b).queue.add('deliver-webhook', { n: i }, { orgId: 'org-1' }));
      expect((await readJob(a.store.db, ids[0]!))?.state).toBe('queued');

      const runs: { process: string; n: number }[] = [];
      const handler = (name: string) => async (payload: unknown) => {
        runs.push({ process: name, n: (payload as { n: number }).n });
        // Long enough that both processes have jobs in hand at once.
        await new Promise((r) => setTimeout(r, 20));
        return { by: name };
      };
      await a.queue.start({ 'deliver-webhook': handler('a') });
      await b.queue.start({ 'deliver-webhook': handler('b') });
      const jobs = await Promise.all(ids.map((id) => settledJob(a.store, id)));
      expect(jobs.every((j) => j.state === 'done' && j.attempts === 1 && j.orgId === 'org-1')).toBe(true);
      expect(runs.map((r) => r.n).sort((x, y) => x - y)).toEqual([...Array(40).keys()]);
      expect(new Set(runs.map((r) => r.process))).toEqual(new Set(['a', 'b']));
      // Each job's result names the process that ran it, once.
      for (const job of jobs) expect(runs.filter((r) => r.n === (job.payload as { n: number }).n)).toEqual([{ process: (job.result as { by: string }).by, n: (job.payload as { n: number }).n }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('records retried attempts and failures, honours job keys, and stops a permanent failure at once', async () => {
    const p = await openProcess();
    try {
      let flakyCalls = 0;
      await p.queue.start({
        'analyze-registry-image': async () => {
          flakyCalls++;
          if (flakyCalls === 1) throw new Error('registry down');
          return { digest: 'sha256:abc' };
        },
        'deliver-webhook': async () => {
          throw new PermanentJobError('no such delivery');
        },
        'sync-advisories': async () => ({ ok: true }),
      });
      const flaky = await p.queue.add('analyze-registry-image', { reference: 'x' }, { orgId: 'org-2', maxAttempts: 2 });
      const hopeless = await p.queue.add('deliver-webhook', {}, { maxAttempts: 5 });
      const keyed = await p.queue.add('sync-advisories', {}, { jobKey: 'slot-1' });
      expect(await p.queue.add('sync-advisories', {}, { jobKey: 'slot-1' })).toBe(keyed);

      expect(await settledJob(p.store, hopeless)).toMatchObject({ state: 'failed', attempts: 1, error: 'no such delivery' });
      expect(await settledJob(p.store, keyed)).toMatchObject({ state: 'done', result: { ok: true } });
      // graphile-worker retries after e^1 seconds.
      expect(await settledJob(p.store, flaky)).toMatchObject({ state: 'done', attempts: 2, error: null, result: { digest: 'sha256:abc' } });
      expect(await p.store.getJob('org-2', flaky)).toMatchObject({ state: 'done' });
      expect(await p.store.getJob('org-other', flaky)).toBeNull();
      expect(await p.queue.add('sync-advisories', {}, { jobKey: 'slot-1' })).toBe(keyed);
    } finally {
      await p.close();
    }
  });
});
