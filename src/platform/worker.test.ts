// `sextant worker`: refused without PostgreSQL (the server runs SQLite's jobs itself), and on PostgreSQL (when
// DATABASE_URL is set) it runs a job another process queued: here an advisory sync from a feed server, as the
// scheduled sync of `sextant server --sync-interval` queues it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../core/errors.ts';
import { FeedServer } from '../../test/support/feed-server.ts';
import { testSchemas } from '../../test/support/pg-schemas.ts';
import { scheduleAdvisorySyncs } from './jobs/schedules.ts';
import { PostgresJobQueue } from './jobs/postgres-queue.ts';
import { readJob, type JobRecord } from './store/jobs.ts';
import { PlatformStore } from './store/platform-store.ts';
import { startWorker } from './worker.ts';

const schemas = testSchemas('sextant_worker');
const { databaseUrl } = schemas;
const schema = schemas.fresh();
const main = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

afterAll(() => schemas.dropAll());

describe('sextant worker', () => {
  it('is refused without a PostgreSQL database, saying the server runs SQLite jobs itself', async () => {
    await expect(startWorker({ version: 't' })).rejects.toSatisfy((e) => isSextantError(e, 'USAGE') && /server runs the jobs itself/.test((e as Error).message));
    await expect(startWorker({ version: 't', database: '/tmp/sextant.sqlite' })).rejects.toSatisfy((e) => isSextantError(e, 'USAGE'));
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', main, 'worker'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('sextant: sextant worker runs jobs from PostgreSQL (--database postgres://…); with SQLite, sextant server runs the jobs itself\n');
  });

  it.runIf(databaseUrl)('runs the scheduled advisory sync another process queued, once per slot', async () => {
    const feed = await FeedServer.start();
    const record = { id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }] };
    feed.put('/ecosystems.txt', Buffer.from('npm\n'));
    feed.put('/npm/all.zip', zipSync({ 'GHSA-35jh-r3h4-6jhm.json': Buffer.from(JSON.stringify(record)) }));
    // A server's side: the store and the queue, adding jobs without running them.
    const store = await PlatformStore.open({ url: databaseUrl as string, schema });
    const queue = await PostgresJobQueue.open(store, { connectionString: databaseUrl as string, log: () => undefined });
    const worker = await startWorker({ database: databaseUrl, databaseSchema: schema, version: 't', advisorySource: feed.url, kevUrl: null, epssUrl: null, jobs: { pollInterval: 100 }, log: () => undefined });
    try {
      // Two servers with the same interval: the slot's job is queued once.
      const schedules = [scheduleAdvisorySyncs(queue, 6), scheduleAdvisorySyncs(queue, 6)];
      schedules.forEach((s) => s.stop());
      const slot = Math.floor(Date.now() / (6 * 3_600_000));
      const key = `sync-advisories:6h:${slot}`;
      let job: JobRecord | undefined;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const row = await store.db.selectFrom('job').select('id').where('job_key', '=', key).executeTakeFirst();
        job = row ? ((await readJob(store.db, row.id)) ?? undefined) : undefined;
        if (job?.state === 'done' || job?.state === 'failed') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(job).toMatchObject({ kind: 'sync-advisories', state: 'done', orgId: null, payload: { everyHours: 6 }, result: { sources: [{ name: 'osv:npm', status: 'updated', count: 1 }] } });
      const all = await store.db.selectFrom('job').select('job_key').where('kind', '=', 'sync-advisories').execute();
      expect(all).toEqual([{ job_key: key }]);
    } finally {
      await worker.close();
      await queue.stop();
      await store.close();
      await feed.close();
    }
  });
});
