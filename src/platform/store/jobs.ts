// The `job` table: every background job's record (state, attempts, error, result) on both dialects, and on SQLite
// the queue itself: due jobs are claimed by a compare-and-set on their state.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { JobTable, PlatformDatabase } from './schema.ts';

/** A job as the API and the queues see it. */
export interface JobRecord {
  id: string;
  orgId: string | null;
  kind: string;
  payload: unknown;
  state: JobTable['state'];
  attempts: number;
  maxAttempts: number;
  runAt: string;
  jobKey: string | null;
  error: string | null;
  result: unknown;
  createdAt: string;
  updatedAt: string;
}

/** What a new job row holds. */
export interface NewJob {
  orgId: string | null;
  kind: string;
  payload: unknown;
  maxAttempts: number;
  runAt: string;
  jobKey: string | null;
}

function recordOf(row: Selectable<JobTable>): JobRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: row.run_at,
    jobKey: row.job_key,
    error: row.last_error,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Insert a queued job; with a `jobKey` already used (by a job in any state), nothing is inserted. Returns the id of
 * the new job, or of the one holding the key with `added` false.
 */
export async function insertJob(db: Kysely<PlatformDatabase>, job: NewJob, now = new Date().toISOString()): Promise<{ id: string; added: boolean }> {
  const id = randomUUID();
  const inserted = await db
    .insertInto('job')
    .values({
      id,
      org_id: job.orgId,
      kind: job.kind,
      payload: JSON.stringify(job.payload ?? null),
      state: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      job_key: job.jobKey,
      last_error: null,
      result: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('job_key').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { id, added: true };
  const existing = await db.selectFrom('job').select('id').where('job_key', '=', job.jobKey).executeTakeFirstOrThrow();
  return { id: existing.id, added: false };
}

/** Job `id` (of org `orgId` when given: another org's job is null, as is a job of no org). */
export async function readJob(db: Kysely<PlatformDatabase>, id: string, orgId?: string): Promise<JobRecord | null> {
  let query = db.selectFrom('job').selectAll().where('id', '=', id);
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  const row = await query.executeTakeFirst();
  return row ? recordOf(row) : null;
}

/** Ids of up to `limit` queued jobs of `kinds` due at `now`, earliest first. */
export async function dueJobs(db: Kysely<PlatformDatabase>, kinds: readonly string[], now: string, limit: number): Promise<string[]> {
  if (kinds.length === 0 || limit <= 0) return [];
  const rows = await db
    .selectFrom('job')
    .select('id')
    .where('state', '=', 'queued')
    .where('run_at', '<=', now)
    .where('kind', 'in', kinds)
    .orderBy('run_at')
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The earliest run time of a queued job of `kinds`, or null when none is queued. */
export async function nextRunAt(db: Kysely<PlatformDatabase>, kinds: readonly string[]): Promise<string | null> {
  if (kinds.length === 0) return null;
  const row = await db.selectFrom('job').select('run_at').where('state', '=', 'queued').where('kind', 'in', kinds).orderBy('run_at').limit(1).executeTakeFirst();
  return row?.run_at ?? null;
}

/**
 * Mark job `id` running as attempt `attempt` (default: one more than recorded). With `fromQueued`, only a queued
 * job is claimed (a compare-and-set: of two claimants one wins). Returns the job as claimed, or null.
 */
export async function markRunning(db: Kysely<PlatformDatabase>, id: string, options: { fromQueued: boolean; attempt?: number }, now = new Date().toISOString()): Promise<JobRecord | null> {
  let query = db
    .updateTable('job')
    .set((eb) => ({ state: 'running', attempts: options.attempt ?? eb('attempts', '+', 1), updated_at: now }))
    .where('id', '=', id);
  query = options.fromQueued ? query.where('state', '=', 'queued') : query.where('state', 'in', ['queued', 'running']);
  const updated = await query.executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return null;
  return readJob(db, id);
}

/** Record job `id` as done with `result`. */
export async function markDone(db: Kysely<PlatformDatabase>, id: string, result: unknown, now = new Date().toISOString()): Promise<void> {
  await db
    .updateTable('job')
    .set({ state: 'done', result: result === undefined ? null : JSON.stringify(result), last_error: null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Record a failed attempt of job `id`: queued again at `retryAt`, or failed for good when `retryAt` is null. */
export async function markAttemptFailed(db: Kysely<PlatformDatabase>, id: string, error: string, retryAt: string | null, now = new Date().toISOString()): Promise<void> {
  await db
    .updateTable('job')
    .set({ state: retryAt === null ? 'failed' : 'queued', last_error: error, updated_at: now, ...(retryAt === null ? {} : { run_at: retryAt }) })
    .where('id', '=', id)
    .execute();
}

/** Queue again every job left running (by a process that stopped without finishing them); returns how many. */
export async function requeueRunning(db: Kysely<PlatformDatabase>, kinds: readonly string[], now = new Date().toISOString()): Promise<number> {
  if (kinds.length === 0) return 0;
  const result = await db.updateTable('job').set({ state: 'queued', updated_at: now }).where('state', '=', 'running').where('kind', 'in', kinds).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Delete every finished job (done or failed) last changed before `before` (ISO time); returns how many. */
export async function deleteFinishedJobs(db: Kysely<PlatformDatabase>, before: string): Promise<number> {
  const result = await db.deleteFrom('job').where('state', 'in', ['done', 'failed']).where('updated_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
