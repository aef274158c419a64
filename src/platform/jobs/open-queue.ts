// Picks the job queue for a platform store: graphile-worker on PostgreSQL (loaded only then), the polled `job`
// table on SQLite.
import type { JobQueue } from './job-queue.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';

export interface JobQueueOptions {
  /** PostgreSQL: the database URL graphile-worker connects to (the store's). */
  connectionString?: string;
  /** PostgreSQL: graphile-worker's schema (default `graphile_worker`, shared by installations in the database). */
  workerSchema?: string;
  /** Jobs run at once in this process (default 2). */
  concurrency?: number;
  /** How often due jobs are looked for, in ms. */
  pollInterval?: number;
  /** SQLite: the first retry's delay in ms, doubled per failed attempt (default 2000). */
  retryDelay?: number;
  /** Where the queue's own failures are reported; default stderr. */
  log?: (line: string) => void;
}

/** The job queue over `store`. Throws SextantError STORE when graphile-worker's schema cannot be prepared. */
export async function openJobQueue(store: PlatformStore, options: JobQueueOptions = {}): Promise<JobQueue> {
  if (store.dialect === 'sqlite') {
    return new SqliteJobQueue(store, {
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.pollInterval !== undefined ? { pollInterval: options.pollInterval } : {}),
      ...(options.retryDelay !== undefined ? { retryDelay: options.retryDelay } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  }
  if (!options.connectionString) throw new Error('the PostgreSQL job queue needs the database URL');
  const { PostgresJobQueue } = await import('./postgres-queue.ts');
  return PostgresJobQueue.open(store, {
    connectionString: options.connectionString,
    ...(options.workerSchema ? { schema: options.workerSchema } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.pollInterval !== undefined ? { pollInterval: options.pollInterval } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
