// Waiting on background jobs in tests: until a job's record says it finished (done or failed), with a deadline.
import { readJob, type JobRecord } from '../../src/platform/store/jobs.ts';
import type { PlatformStore } from '../../src/platform/store/platform-store.ts';

/** Wait until job `id` is done or failed; throws after `ms` milliseconds naming the state it is stuck in. */
export async function settledJob(store: PlatformStore, id: string, ms = 20_000): Promise<JobRecord> {
  const deadline = Date.now() + ms;
  for (;;) {
    const job = await readJob(store.db, id);
    if (job && (job.state === 'done' || job.state === 'failed')) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job?.state} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
