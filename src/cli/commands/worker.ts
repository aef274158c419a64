// `sextant worker`: run the platform's jobs (registry analyses, webhook deliveries, scheduled advisory syncs) from
// the PostgreSQL queue that `sextant server` processes share; serves no API. With SQLite the server runs them.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { version } from '../version.ts';
import { jobSettings, type JobCommandOptions, withJobOptions } from './job-options.ts';

interface WorkerCommandOptions extends JobCommandOptions {
  database?: string;
  concurrency?: string;
}

/** Add `worker` to the program. */
export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('Run the server’s jobs (registry analyses, webhook deliveries, advisory syncs) from the PostgreSQL queue; no API')
    .option('--database <url>', 'the postgres:// URL the servers use');
  withJobOptions(command)
    .option('--concurrency <n>', 'jobs run at once', '2')
    .action(async (opts: WorkerCommandOptions) => {
      const database = opts.database;
      if (!database || !/^postgres(ql)?:\/\//.test(database)) throw new SextantError('USAGE', 'sextant worker runs jobs from PostgreSQL (--database postgres://…); with SQLite, sextant server runs the jobs itself');
      const concurrency = Number(opts.concurrency);
      if (!/^\d{1,3}$/.test(opts.concurrency ?? '') || concurrency < 1) throw new SextantError('USAGE', `--concurrency must be a number from 1 to 999, not "${opts.concurrency}"`);
      const [{ startWorker }, { closeOnSignals }] = await Promise.all([import('../../platform/worker.ts'), import('../../platform/server.ts')]);
      const worker = await startWorker({
        database,
        ...jobSettings(opts),
        version,
        jobs: { concurrency },
      });
      process.stderr.write('sextant: running jobs (Ctrl-C to stop)\n');
      const signal = await closeOnSignals(worker);
      process.stderr.write(`sextant: stopped (${signal})\n`);
    });
}
