// The job queue's contract: long work (registry analysis, webhook delivery, scheduled advisory syncs, the daily
// pruning of finished history) is added as a job and run by handlers in whichever process takes it. Two
// implementations: graphile-worker on PostgreSQL (many processes share the queue) and a polled `job` table on SQLite
// (the server runs its jobs itself).
import type { PlatformStore } from '../store/platform-store.ts';
import type { JobRecord } from '../store/jobs.ts';

export type { JobRecord };

/** Every kind of job there is. */
export const JOB_KINDS = ['deliver-webhook', 'analyze-registry-image', 'sync-advisories', 'prune-history'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Attempts a job gets unless `add` says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** How a job is added. */
export interface AddJobOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** A key no other job was added under: adding a second job with it adds nothing and returns the first one's id. */
  jobKey?: string;
  /** Attempts before the job is failed for good (default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** The org the job works for; its tokens may read the job's state. */
  orgId?: string;
  /** Add the job inside this store's open transaction: it is queued only if that transaction commits. */
  within?: PlatformStore;
}

/** What a handler is given besides the payload. */
export interface JobContext {
  id: string;
  orgId: string | null;
  /** 1 on the first attempt. */
  attempt: number;
  maxAttempts: number;
}

/** Runs one kind of job; what it returns is recorded as the job's result. Throwing fails the attempt. */
export type JobHandler = (payload: unknown, context: JobContext) => Promise<unknown>;

export type JobHandlers = Partial<Record<JobKind, JobHandler>>;

export interface JobQueue {
  readonly dialect: 'sqlite' | 'postgres';
  /** Queue a job of `kind`; returns its id. */
  add(kind: JobKind, payload: unknown, options?: AddJobOptions): Promise<string>;
  /** Start taking and running jobs of the kinds `handlers` covers, in this process. */
  start(handlers: JobHandlers): Promise<void>;
  /** Stop taking jobs and wait for those running to finish. Jobs still queued stay queued. */
  stop(): Promise<void>;
}

/**
 * A failure that retrying cannot mend (a bad reference, an image that does not exist): the job fails at once,
 * whatever attempts it has left.
 */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** The delay before attempt `attempt + 1` after `attempt` failed: `baseMs` doubled per failure, at most `maxMs`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs = 3_600_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** One line describing a failed attempt, for the job's record. */
export function describeJobError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? '';
  return line.length > 1000 ? `${line.slice(0, 997)}...` : line;
}
