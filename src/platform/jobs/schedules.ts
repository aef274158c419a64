// Jobs queued on a schedule: time is cut into slots of a fixed length, and each slot's job is added under a key
// naming the slot, so however many servers keep the same schedule, each slot's job is queued once and runs in one
// process. Two schedules use it: advisory syncs (`sextant server --sync-interval HOURS`) and the daily pruning of
// finished history (`sextant server --retention-days DAYS`).
import { describeJobError, type JobKind, type JobQueue } from './job-queue.ts';

/** Longest advisory sync interval accepted: 30 days. */
export const MAX_SYNC_INTERVAL_HOURS = 720;

/** Longest retention of finished jobs and webhook deliveries accepted: about ten years. */
export const MAX_RETENTION_DAYS = 3650;

/** The length of a history-pruning slot: one a day (UTC). */
export const PRUNE_PERIOD_HOURS = 24;

/** A running schedule. */
export interface Schedule {
  stop(): void;
}

/** A running advisory sync schedule. */
export type AdvisorySchedule = Schedule;

/** What a slot schedule queues. */
export interface SlotJob {
  kind: JobKind;
  payload: unknown;
  /** Slot length in hours (over 0). */
  hours: number;
  /** Names the schedule in the slot's key, `<key>:<slot>`: schedules with another key queue their own jobs. */
  key: string;
  /** Names the job in the line logged when it cannot be queued. */
  what: string;
}

type Log = (line: string) => void;

const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/**
 * Queue `job` now (unless this slot's is already queued or done) and at the start of every slot after. Slots are
 * counted from 1970-01-01T00:00Z; each slot's job runs from the slot's start. The key lives in the job table, so
 * a restart within a slot adds nothing.
 */
export function scheduleSlots(queue: JobQueue, job: SlotJob, log: Log = stderrLog): Schedule {
  const period = job.hours * 3_600_000;
  let queuedSlot = -1;
  const check = () => {
    const slot = Math.floor(Date.now() / period);
    if (slot === queuedSlot) return;
    queuedSlot = slot;
    queue.add(job.kind, job.payload, { jobKey: `${job.key}:${slot}`, runAt: new Date(slot * period) }).catch((err: unknown) => {
      // Tried again at the next check.
      queuedSlot = -1;
      log(`sextant: cannot queue ${job.what}: ${describeJobError(err)}`);
    });
  };
  check();
  // Checking costs nothing until the slot changes; a minute is soon enough after a slot starts.
  const timer = setInterval(check, Math.min(60_000, Math.max(1000, period / 4)));
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}

/** Queue a `sync-advisories` job in every slot of `hours` hours (key `sync-advisories:<hours>h:<slot>`). */
export function scheduleAdvisorySyncs(queue: JobQueue, hours: number, log: Log = stderrLog): AdvisorySchedule {
  if (!(hours > 0 && hours <= MAX_SYNC_INTERVAL_HOURS)) throw new RangeError(`the sync interval must be over 0 and at most ${MAX_SYNC_INTERVAL_HOURS} hours`);
  return scheduleSlots(queue, { kind: 'sync-advisories', payload: { everyHours: hours }, hours, key: `sync-advisories:${hours}h`, what: 'the scheduled advisory sync' }, log);
}

/** True for a retention the pruning accepts: whole days from 1 to MAX_RETENTION_DAYS. */
export function isRetentionDays(days: unknown): days is number {
  return typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS;
}

/**
 * Queue a `prune-history` job once a day (key `prune-history:24h:<day>`, whatever the retention: one pruning a day
 * however many servers run), deleting the finished jobs and webhook deliveries older than `retentionDays` days.
 */
export function scheduleHistoryPrunes(queue: JobQueue, retentionDays: number, log: Log = stderrLog): Schedule {
  if (!isRetentionDays(retentionDays)) throw new RangeError(`the retention must be whole days from 1 to ${MAX_RETENTION_DAYS}`);
  return scheduleSlots(queue, { kind: 'prune-history', payload: { retentionDays }, hours: PRUNE_PERIOD_HOURS, key: `prune-history:${PRUNE_PERIOD_HOURS}h`, what: 'the daily pruning of finished jobs and deliveries' }, log);
}
