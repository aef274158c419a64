// `sextant worker`: run the platform's jobs (registry analyses, webhook deliveries, scheduled advisory syncs) from
// the PostgreSQL queue that `sextant server` processes share; serves no API. With SQLite the server runs them.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { version } from '../version.ts';

interface WorkerCommandOptions {
  database?: string;
  advisorySource?: string;
  kevUrl?: string;
  kev: boolean;
  epssUrl?: string;
  epss: boolean;
  insecureRegistry: string[];
  concurrency?: string;
}

/** Add `worker` to the program. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run the server’s jobs (registry analyses, webhook deliveries, advisory syncs) from the PostgreSQL queue; no API')
    .option('--database <url>', 'the postgres:// URL the servers use')
    .option('--advisory-source <url>', 'OSV-style base URL advisory syncs read, <base>/<Ecosystem>/all.zip (default: $SEXTANT_ADVISORY_SOURCE, else the public OSV bucket)')
    .option('--kev-url <url>', 'where advisory syncs fetch the CISA KEV catalogue (JSON)')
    .option('--no-kev', 'leave the CISA KEV catalogue out of advisory syncs')
    .option('--epss-url <url>', 'where advisory syncs fetch the EPSS scores (CSV, optionally gzipped)')
    .option('--no-epss', 'leave the EPSS scores out of advisory syncs')
    .option('--insecure-registry <host>', 'a registry (host[:port]) registry analyses may reach over plain HTTP; repeatable', (value: string, all: string[]) => [...all, value], [])
    .option('--concurrency <n>', 'jobs run at once', '2')
    .action(async (opts: WorkerCommandOptions) => {
      const database = opts.database;
      if (!database || !/^postgres(ql)?:\/\//.test(database)) throw new SextantError('USAGE', 'sextant worker runs jobs from PostgreSQL (--database postgres://…); with SQLite, sextant server runs the jobs itself');
      const concurrency = Number(opts.concurrency);
      if (!/^\d{1,3}$/.test(opts.concurrency ?? '') || concurrency < 1) throw new SextantError('USAGE', `--concurrency must be a number from 1 to 999, not "${opts.concurrency}"`);
      const [{ startWorker }, { closeOnSignals }] = await Promise.all([import('../../platform/worker.ts'), import('../../platform/server.ts')]);
      const worker = await startWorker({
        database,
        advisorySource: opts.advisorySource ?? (process.env.SEXTANT_ADVISORY_SOURCE || undefined),
        kevUrl: opts.kev ? opts.kevUrl : null,
        epssUrl: opts.epss ? opts.epssUrl : null,
        version,
        insecureRegistries: opts.insecureRegistry,
        jobs: { concurrency },
      });
      process.stderr.write('sextant: running jobs (Ctrl-C to stop)\n');
      const signal = await closeOnSignals(worker);
      process.stderr.write(`sextant: stopped (${signal})\n`);
    });
}
