// `sextant server`: opens the platform and advisory stores on one database (a SQLite file under --data, or
// PostgreSQL), bootstraps a fresh database with an org and its first admin token, serves the API, and runs jobs
// (registry analyses, webhook deliveries, scheduled advisory syncs, the daily pruning of finished history)
// in-process on either database.
import { SextantError } from '../core/errors.ts';
import { buildApp } from './http/app.ts';
import { locateWebRoot } from './http/web-app.ts';
import { isRetentionDays, MAX_RETENTION_DAYS, MAX_SYNC_INTERVAL_HOURS, type Schedule, scheduleAdvisorySyncs, scheduleHistoryPrunes } from './jobs/schedules.ts';
import { openPlatformRuntime, type RuntimeOptions } from './runtime.ts';
import type { PlatformStore } from './store/platform-store.ts';

export interface ServerOptions extends RuntimeOptions {
  port: number;
  host: string;
  /** Per-token rate limit; default buildApp's. */
  rateLimit?: { max: number; timeWindow: number | string } | undefined;
  /** fastify's logger; off by default. */
  logger?: boolean | object | undefined;
  /** The first admin token to install on a fresh database (SEXTANT_BOOTSTRAP_TOKEN); default a random one. */
  bootstrapToken?: string | undefined;
  /** Queue a `sync-advisories` job every this many hours (`--sync-interval`); 0 or none: no scheduled syncs. */
  syncIntervalHours?: number | undefined;
  /**
   * Delete finished jobs and webhook deliveries older than this many days, as a `prune-history` job queued once a
   * day (`--retention-days`); default DEFAULT_RETENTION_DAYS, 0: never.
   */
  retentionDays?: number | undefined;
  /** The built dashboard's directory (default: dist/web, when built); null: serve the API only. */
  webRoot?: string | null | undefined;
  /** Where the bootstrap notice goes; default stdout. */
  print?: (line: string) => void;
}

export interface RunningServer {
  /** The base URL it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Whether it serves the dashboard at `url` (false when dist/web was never built, or webRoot was null). */
  dashboard: boolean;
  /** Stop accepting requests, finish those in flight and the jobs running, close the stores. */
  close(): Promise<void>;
}

/** How long finished jobs and webhook deliveries are kept unless `retentionDays` says otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

/** The name of the org a fresh database starts with. */
export const DEFAULT_ORG = 'default';

/** Start the server. Throws SextantError STORE when a database cannot be opened, USAGE on a bad option. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.bootstrapToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(options.bootstrapToken)) {
    throw new SextantError('USAGE', 'SEXTANT_BOOTSTRAP_TOKEN must be 16 to 512 printable characters without spaces');
  }
  const syncInterval = options.syncIntervalHours ?? 0;
  if (!(syncInterval >= 0 && syncInterval <= MAX_SYNC_INTERVAL_HOURS)) throw new SextantError('USAGE', `--sync-interval takes hours from 0 (off) to ${MAX_SYNC_INTERVAL_HOURS}`);
  const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!(retentionDays === 0 || isRetentionDays(retentionDays))) throw new SextantError('USAGE', `--retention-days takes whole days from 0 (keep everything) to ${MAX_RETENTION_DAYS}`);
  const runtime = await openPlatformRuntime(options);
  const { store, service, queue, webhooks } = runtime;
  const schedules: Schedule[] = [];
  let queueStarted = false;
  try {
    await bootstrap(store, options.bootstrapToken, print);
    const webRoot = options.webRoot === undefined ? locateWebRoot() : options.webRoot;
    const app = buildApp({
      store,
      service,
      jobs: queue,
      version: options.version,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      webRoot,
    });
    await queue.start(runtime.handlers);
    queueStarted = true;
    // Events recorded while no process was collecting them (a stop right after a push) are delivered now.
    await webhooks.collect(null);
    if (syncInterval > 0) schedules.push(scheduleAdvisorySyncs(queue, syncInterval, options.log));
    if (retentionDays > 0) schedules.push(scheduleHistoryPrunes(queue, retentionDays, options.log));
    const address = await app.listen({ port: options.port, host: options.host });
    let closing: Promise<void> | null = null;
    return {
      url: address,
      dashboard: webRoot !== null,
      close() {
        closing ??= (async () => {
          for (const schedule of schedules) schedule.stop();
          await app.close();
          await queue.stop();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    for (const schedule of schedules) schedule.stop();
    if (queueStarted) await queue.stop().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    throw err;
  }
}

/** On a fresh database: the default org and its first admin token (printed when generated, never when given). */
async function bootstrap(store: PlatformStore, token: string | undefined, print: (line: string) => void): Promise<void> {
  if (!(await store.isEmpty())) {
    if (token !== undefined) print('sextant: SEXTANT_BOOTSTRAP_TOKEN not installed: the database already has an org and tokens');
    return;
  }
  const created = await store.atomically(async (tx) => {
    const org = await tx.createOrg(DEFAULT_ORG);
    return tx.createToken(org.id, 'bootstrap', ['admin'], token);
  });
  if (token === undefined) print(`sextant: first admin token: ${created.token}`);
  else print(`sextant: installed SEXTANT_BOOTSTRAP_TOKEN as the first admin token of org "${DEFAULT_ORG}"`);
}

/** Close `server` (or a worker) on the first SIGINT or SIGTERM; resolves once it has closed. */
export function closeOnSignals(server: Pick<RunningServer, 'close'>): Promise<NodeJS.Signals> {
  return new Promise((resolveClosed, reject) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.close().then(() => resolveClosed(signal), reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
