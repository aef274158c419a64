// Scheduled advisory syncs (`sextant server --sync-interval HOURS`): time is cut into slots of that length, and each
// slot's `sync-advisories` job is added under a key naming the slot, so however many servers run with the same
// interval, each slot's sync is queued once and runs in one process.
import { describeJobError, type JobQueue } from './job-queue.ts';

/** Longest interval accepted: 30 days. */
export const MAX_SYNC_INTERVAL_HOURS = 720;

/** A running schedule. */
export interface AdvisorySchedule {
  stop(): void;
}

/**
 * Queue a `sync-advisories` job now (unless this slot's is already queued or done) and at the start of every slot
 * of `hours` hours after. The slot's key lives in the job table, so a restart within a slot adds nothing.
 */
export function scheduleAdvisorySyncs(queue: JobQueue, hours: number, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): AdvisorySchedule {
  if (!(hours > 0 && hours <= MAX_SYNC_INTERVAL_HOURS)) throw new RangeError(`the sync interval must be over 0 and at most ${MAX_SYNC_INTERVAL_HOURS} hours`);
  const period = hours * 3_600_000;
  let queuedSlot = -1;
  const check = () => {
    const slot = Math.floor(Date.now() / period);
    if (slot === queuedSlot) return;
    queuedSlot = slot;
    queue
      .add('sync-advisories', { everyHours: hours }, { jobKey: `sync-advisories:${hours}h:${slot}`, runAt: new Date(slot * period) })
      .catch((err: unknown) => {
        // Tried again at the next check.
        queuedSlot = -1;
        log(`sextant: cannot queue the scheduled advisory sync: ${describeJobError(err)}`);
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
