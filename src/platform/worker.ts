// `sextant worker`: runs the platform's jobs (registry analyses, webhook deliveries, advisory syncs, prunings) from the
// PostgreSQL queue it shares with every `sextant server` and other workers, and serves nothing. On SQLite the
// server runs its jobs itself, so there is no worker.
import { SextantError } from '../core/errors.ts';
import { openPlatformRuntime, type RuntimeOptions } from './runtime.ts';

export type WorkerOptions = Omit<RuntimeOptions, 'data'>;

/** A running worker. */
export interface RunningWorker {
  /** Stop taking jobs, finish those running, close the stores. */
  close(): Promise<void>;
}

/** Start taking jobs. Throws SextantError USAGE without a PostgreSQL database, STORE when it cannot be opened. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  if (!options.database || !/^postgres(ql)?:\/\//.test(options.database)) {
    throw new SextantError('USAGE', 'sextant worker needs --database postgres://…: with SQLite, sextant server runs the jobs itself');
  }
  const runtime = await openPlatformRuntime({ ...options, data: '.' });
  try {
    await runtime.queue.start(runtime.handlers);
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        await runtime.queue.stop();
        await runtime.close();
      })();
      return closing;
    },
  };
}
