// The SQLite job queue: jobs live in the platform store's `job` table, so they survive a restart; the server process
// polls it (and is woken at once by its own additions), claims due jobs by a compare-and-set on their state, runs
// a few at a time, and retries failures after an exponential backoff.
import { SextantError } from '../../core/errors.ts';
import { dueJobs, insertJob, markAttemptFailed, markDone, markRunning, nextRunAt, requeueRunning } from '../store/jobs.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { type AddJobOptions, backoffDelay, DEFAULT_MAX_ATTEMPTS, describeJobError, type JobHandlers, type JobKind, type JobQueue, PermanentJobError } from './job-queue.ts';

export interface SqliteQueueOptions {
  /** How often the table is looked at for due jobs, in ms (default 1000); additions by this process wake it at once. */
  pollInterval?: number;
  /** Jobs run at once (default 2). */
  concurrency?: number;
  /** The first retry's delay in ms, doubled per failed attempt (default 2000), and the longest one (default 1 h). */
  retryDelay?: number;
  maxRetryDelay?: number;
  /** Where failures of the queue itself (not of jobs) are reported; default stderr. */
  log?: (line: string) => void;
}

/** A job queue over the `job` table of `store`. */
export class SqliteJobQueue implements JobQueue {
  readonly dialect = 'sqlite' as const;
  private readonly store: PlatformStore;
  private readonly pollInterval: number;
  private readonly concurrency: number;
  private readonly retryDelay: number;
  private readonly maxRetryDelay: number;
  private readonly log: (line: string) => void;
  private handlers: JobHandlers | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private readonly running = new Set<Promise<void>>();

  constructor(store: PlatformStore, options: SqliteQueueOptions = {}) {
    this.store = store;
    this.pollInterval = options.pollInterval ?? 1000;
    this.concurrency = options.concurrency ?? 2;
    this.retryDelay = options.retryDelay ?? 2000;
    this.maxRetryDelay = options.maxRetryDelay ?? 3_600_000;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  async add(kind: JobKind, payload: unknown, options: AddJobOptions = {}): Promise<string> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new SextantError('USAGE', `maxAttempts must be a positive integer, not ${maxAttempts}`);
    const store = options.within ?? this.store;
    const { id } = await insertJob(store.db, {
      orgId: options.orgId ?? null,
      kind,
      payload,
      maxAttempts,
      runAt: (options.runAt ?? new Date()).toISOString(),
      jobKey: options.jobKey ?? null,
    });
    // Inside a transaction the job is not visible before the commit; the poll then waits for the connection.
    this.wake();
    return id;
  }

  async start(handlers: JobHandlers): Promise<void> {
    if (this.handlers) throw new Error('the job queue is already started');
    this.handlers = handlers;
    // This process is the only one running SQLite jobs: whatever is still marked running was cut off by a stop.
    await requeueRunning(this.store.db, this.kinds());
    this.wake();
  }

  async stop(): Promise<void> {
    this.handlers = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private kinds(): JobKind[] {
    return Object.keys(this.handlers ?? {}) as JobKind[];
  }

  /** Poll now (or right after the poll under way). */
  private wake(): void {
    if (!this.handlers) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.polling = this.poll()
      .catch((err: unknown) => this.log(`sextant: job queue: ${describeJobError(err)}`))
      .finally(() => {
        this.polling = null;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.wake();
        } else void this.scheduleNextPoll();
      });
  }

  /** Claim and start due jobs, as many as there are free slots. */
  private async poll(): Promise<void> {
    const handlers = this.handlers;
    if (!handlers) return;
    const free = this.concurrency - this.running.size;
    const ids = await dueJobs(this.store.db, this.kinds(), new Date().toISOString(), free);
    for (const id of ids) {
      const job = await markRunning(this.store.db, id, { fromQueued: true });
      if (!job) continue;
      const run = this.run(job.id, job.kind as JobKind, job.payload, job.orgId, job.attempts, job.maxAttempts).finally(() => {
        this.running.delete(run);
        this.wake();
      });
      this.running.add(run);
    }
  }

  /** Sleep until the next poll: the poll interval, or sooner when a queued job falls due before it. */
  private async scheduleNextPoll(): Promise<void> {
    if (!this.handlers || this.timer) return;
    let delay = this.pollInterval;
    if (this.running.size < this.concurrency) {
      const next = await nextRunAt(this.store.db, this.kinds()).catch(() => null);
      if (next !== null) delay = Math.max(0, Math.min(delay, Date.parse(next) - Date.now()));
    }
    if (!this.handlers || this.timer || this.polling) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, delay);
    this.timer.unref();
  }

  private async run(id: string, kind: JobKind, payload: unknown, orgId: string | null, attempt: number, maxAttempts: number): Promise<void> {
    const handler = this.handlers?.[kind];
    try {
      // A job cut off by a stop on its last attempt has no attempt left.
      if (attempt > maxAttempts) throw new PermanentJobError(`no attempts left after ${maxAttempts} (the last one was cut off)`);
      if (!handler) throw new PermanentJobError(`no handler for jobs of kind ${kind}`);
      const result = await handler(payload, { id, orgId, attempt, maxAttempts });
      await markDone(this.store.db, id, result);
    } catch (err) {
      const final = err instanceof PermanentJobError || attempt >= maxAttempts;
      const retryAt = final ? null : new Date(Date.now() + backoffDelay(attempt, this.retryDelay, this.maxRetryDelay)).toISOString();
      await markAttemptFailed(this.store.db, id, describeJobError(err), retryAt).catch((e: unknown) => this.log(`sextant: job ${id}: cannot record its failure: ${describeJobError(e)}`));
    }
  }
}
