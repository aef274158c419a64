// `sextant server`: serve the HTTP API (/api/v1) over a SQLite file in --data or a PostgreSQL database.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { version } from '../version.ts';
import { jobSettings, type JobCommandOptions, withJobOptions } from './job-options.ts';

interface ServerCommandOptions extends JobCommandOptions {
  port?: string;
  host: string;
  data: string;
  database?: string;
  syncInterval: string;
  retentionDays: string;
}

/** A TCP port from the command line or the environment. */
function parsePort(text: string, from: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new SextantError('USAGE', `${from} must be a port number (0 to 65535), not "${text}"`);
  return port;
}

/** `SEXTANT_RATE_LIMIT`: requests per minute per token, when set. */
function rateLimitFromEnv(): { max: number; timeWindow: number } | undefined {
  const text = process.env.SEXTANT_RATE_LIMIT;
  if (!text) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new SextantError('USAGE', `SEXTANT_RATE_LIMIT must be a number of requests per minute, not "${text}"`);
  return { max: Number(text), timeWindow: 60_000 };
}

/** Add `server` to the program. */
export function registerServer(program: Command): void {
  const command = program
    .command('server')
    .description('Serve the HTTP API (/api/v1): stored images, findings, base images, environments, tokens')
    .option('--port <n>', 'TCP port (default: $PORT, else 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'directory of the SQLite database (sextant.sqlite), created when missing', './data')
    .option('--database <url>', 'a postgres:// URL: store everything in PostgreSQL instead');
  withJobOptions(command)
    .option('--sync-interval <hours>', 'sync advisories every this many hours, as a job only one process runs (0: never)', '0')
    .option('--retention-days <days>', 'delete finished jobs and webhook deliveries older than this many days, once a day (0: keep everything)', '30')
    .action(async (opts: ServerCommandOptions) => {
      const syncIntervalHours = /^\d+(\.\d+)?$/.test(opts.syncInterval) ? Number(opts.syncInterval) : NaN;
      if (!(syncIntervalHours >= 0 && syncIntervalHours <= 720)) throw new SextantError('USAGE', `--sync-interval takes hours from 0 (never) to 720, not "${opts.syncInterval}"`);
      const retentionDays = /^\d{1,4}$/.test(opts.retentionDays) ? Number(opts.retentionDays) : NaN;
      if (!(retentionDays >= 0 && retentionDays <= 3650)) throw new SextantError('USAGE', `--retention-days takes whole days from 0 (keep everything) to 3650, not "${opts.retentionDays}"`);
      const port = opts.port !== undefined ? parsePort(opts.port, '--port') : process.env.PORT ? parsePort(process.env.PORT, 'PORT') : 8080;
      // fastify and the stores load only for this command.
      const { startServer, closeOnSignals } = await import('../../platform/server.ts');
      const server = await startServer({
        port,
        host: opts.host,
        data: opts.data,
        database: opts.database,
        ...jobSettings(opts),
        version,
        rateLimit: rateLimitFromEnv(),
        bootstrapToken: process.env.SEXTANT_BOOTSTRAP_TOKEN || undefined,
        syncIntervalHours,
        retentionDays,
      });
      const dashboard = server.dashboard ? `the dashboard on ${server.url}/ and ` : '';
      process.stderr.write(`sextant: serving ${dashboard}the API on ${server.url}/api/v1 (Ctrl-C to stop)\n`);
      const signal = await closeOnSignals(server);
      process.stderr.write(`sextant: stopped (${signal})\n`);
    });
}
