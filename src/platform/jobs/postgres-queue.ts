// The PostgreSQL job queue: graphile-worker (SKIP LOCKED, LISTEN/NOTIFY) carries each job's id, so any number of
// `sextant server` and `sextant worker` processes share the work; the platform's `job` table keeps each job's
// record (state, attempts, error, result) for the API. graphile-worker keeps to its own schema and is loaded only here.
import { sql } from 'kysely';
import type { Logger as GraphileLogger, Runner, Task, TaskList } from 'graphile-worker';
import { SextantError } from '../../core/errors.ts';
import { insertJob, markAttemptFailed, markDone, markRunning } from '../store/jobs.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import { type AddJobOptions, DEFAULT_MAX_ATTEMPTS, describeJobError, type JobHandlers, type JobKind, type JobQueue, PermanentJobError } from './job-queue.ts';

/** graphile-worker's schema when the platform keeps to the database's default schema. */
export const DEFAULT_WORKER_SCHEMA = 'graphile_worker';

export interface PostgresQueueOptions {
  /** The `postgres://` URL (graphile-worker opens its own small pool and a LISTEN connection). */
  connectionString: string;
  /** graphile-worker's schema (default DEFAULT_WORKER_SCHEMA, shared by installations in one database); created and migrated when missing. */
  schema?: string;
  /** Jobs run at once in this process (default 2). */
  concurrency?: number;
  /** How often graphile-worker looks for jobs that became due (retries, later run times), in ms (default 2000). */
  pollInterval?: number;
  /** Where graphile-worker's warnings and errors go; default stderr. */
  log?: (line: string) => void;
}


type GraphileModule = typeof import('graphile-worker');

/** A job queue on graphile-worker, with job records in `store` (a PostgreSQL platform store). */
export class PostgresJobQueue implements JobQueue {
  readonly dialect = 'postgres' as const;
  private readonly store: PlatformStore;
  private readonly options: PostgresQueueOptions;
  private readonly schema: string;
  /**
   * Prefix of this installation's task names: the platform's PostgreSQL schema and `:` when it is not `public`.
   * Installations sharing a database share one graphile-worker schema (a second one would broadcast its migrations,
   * which graphile-worker answers by shutting every worker in the database down) and run only their own tasks.
   */
  private taskPrefix = '';
  private readonly graphile: GraphileModule;
  private runner: Runner | null = null;

  private constructor(store: PlatformStore, options: PostgresQueueOptions, graphile: GraphileModule) {
    this.store = store;
    this.options = options;
    this.schema = options.schema ?? DEFAULT_WORKER_SCHEMA;
    this.graphile = graphile;
  }

  /** Load graphile-worker and bring its schema up to date. Throws SextantError STORE when that fails. */
  static async open(store: PlatformStore, options: PostgresQueueOptions): Promise<PostgresJobQueue> {
    if (store.dialect !== 'postgres') throw new SextantError('USAGE', 'the PostgreSQL job queue needs a PostgreSQL platform store');
    const graphile = await import('graphile-worker');
    const queue = new PostgresJobQueue(store, options, graphile);
    const platformSchema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema ?? 'public';
    queue.taskPrefix = platformSchema === 'public' ? '' : `${platformSchema}:`;
    try {
      await graphile.runMigrations(queue.runnerOptions());
    } catch (err) {
      throw new SextantError('STORE', `cannot prepare the job queue (graphile-worker schema ${queue.schema}): ${describeJobError(err)}`, { cause: err });
    }
    return queue;
  }

  async add(kind: JobKind, payload: unknown, options: AddJobOptions = {}): Promise<string> {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new SextantError('USAGE', `maxAttempts must be a positive integer, not ${maxAttempts}`);
    const runAt = (options.runAt ?? new Date()).toISOString();
    // The record and graphile-worker's job are written in one transaction: neither exists without the other.
    return (options.within ?? this.store).atomically(async ({ db }) => {
      const { id, added } = await insertJob(db, { orgId: options.orgId ?? null, kind, payload, maxAttempts, runAt, jobKey: options.jobKey ?? null });
      if (added) {
        await sql`select ${sql.id(this.schema, 'add_job')}(identifier => ${this.taskPrefix + kind}::text, payload => ${JSON.stringify({ id })}::json, run_at => ${runAt}::timestamptz, max_attempts => ${maxAttempts}::int)`.execute(db);
      }
      return id;
    });
  }

  async start(handlers: JobHandlers): Promise<void> {
    if (this.runner) throw new Error('the job queue is already started');
    const taskList: TaskList = {};
    for (const [kind, handler] of Object.entries(handlers)) if (handler) taskList[this.taskPrefix + kind] = this.task(kind, handler);
    this.runner = await this.graphile.run({ ...this.runnerOptions(), concurrency: this.options.concurrency ?? 2, noHandleSignals: true, taskList });
  }

  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    await runner?.stop();
  }

  /** graphile-worker's task for jobs of `kind`: keeps the job's record in step with the attempt. */
  private task(kind: string, handler: NonNullable<JobHandlers[JobKind]>): Task {
    return async (payload, helpers) => {
      const id = (payload as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return; // not one of ours: nothing to do
      const { attempts, max_attempts: maxAttempts } = helpers.job;
      const job = await markRunning(this.store.db, id, { fromQueued: false, attempt: attempts });
      if (!job) return; // its record is gone or already final
      try {
        const result = await handler(job.payload, { id, orgId: job.orgId, attempt: attempts, maxAttempts });
        await markDone(this.store.db, id, result);
      } catch (err) {
        const final = err instanceof PermanentJobError || attempts >= maxAttempts;
        // graphile-worker retries after exp(min(attempts, 10)) seconds; the record shows that time.
        const retryAt = final ? null : new Date(Date.now() + Math.exp(Math.min(attempts, 10)) * 1000).toISOString();
        await markAttemptFailed(this.store.db, id, describeJobError(err), retryAt);
        // A final failure is recorded here; graphile-worker then drops the job instead of keeping it as failed.
        if (!final) throw err;
        helpers.logger.info(`job ${kind} ${id} failed: ${describeJobError(err)}`);
      }
    };
  }

  private runnerOptions() {
    return {
      connectionString: this.options.connectionString,
      schema: this.schema,
      maxPoolSize: 4,
      pollInterval: this.options.pollInterval ?? 2000,
      logger: this.logger(),
    };
  }

  /** graphile-worker's log lines: warnings and errors to `log`, the rest dropped. */
  private logger(): GraphileLogger {
    const log = this.options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    return new this.graphile.Logger(() => (level, message) => {
      if (level === 'error' || level === 'warning') log(`sextant: job queue: ${message.split('\n')[0] ?? ''}`);
    });
  }
}
