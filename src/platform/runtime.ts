// What `sextant server` and `sextant worker` both open: the platform and advisory stores on one database (a SQLite
// file under --data, or PostgreSQL), the job queue on it, webhooks, the service, and the job handlers.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { SextantError } from '../core/errors.ts';
import { sextantHome } from '../core/home.ts';
import { createJobHandlers } from './jobs/handlers.ts';
import type { JobHandler, JobKind, JobQueue } from './jobs/job-queue.ts';
import { openJobQueue } from './jobs/open-queue.ts';
import { createPlatformService, type PlatformService } from './service.ts';
import { PlatformStore } from './store/platform-store.ts';
import { createWebhooks, type Webhooks } from './webhooks.ts';

export interface RuntimeOptions {
  /** Directory of the SQLite database (`sextant.sqlite`), created when missing; ignored with `database`. */
  data: string;
  /** A `postgres://` URL: use PostgreSQL instead of SQLite. */
  database?: string | undefined;
  /** PostgreSQL only: the schema to keep to (tests use a fresh one); graphile-worker then keeps to `<schema>_graphile_worker`. */
  databaseSchema?: string | undefined;
  /** OSV-style base URL advisory syncs read (`<base>/<Ecosystem>/all.zip`); default the public OSV bucket. */
  advisorySource?: string | undefined;
  /** The KEV catalogue's and the EPSS CSV's URLs for syncs; default the public ones, null leaves one out. */
  kevUrl?: string | null | undefined;
  epssUrl?: string | null | undefined;
  version: string;
  /** Registry hosts (`host[:port]`) registry analyses may reach over plain HTTP. */
  insecureRegistries?: readonly string[] | undefined;
  /** Directory of the layer cache registry analyses use; default the data directory (SQLite) or $SEXTANT_HOME; null for none. */
  layerCacheDir?: string | null | undefined;
  /** The job queue: jobs run at once, poll interval and (SQLite) first retry delay, in ms. */
  jobs?: { concurrency?: number; pollInterval?: number; retryDelay?: number } | undefined;
  /** Webhook deliveries: attempts, first retry delay and per-attempt timeout, in ms. */
  webhooks?: { maxAttempts?: number; retryDelay?: number; timeout?: number } | undefined;
  /** Where background failures (jobs, webhooks) are reported; default stderr. */
  log?: ((line: string) => void) | undefined;
}

/** Everything opened, ready to serve or to run jobs. */
export interface PlatformRuntime {
  store: PlatformStore;
  advisories: AdvisoryStore;
  service: PlatformService;
  queue: JobQueue;
  webhooks: Webhooks;
  handlers: Record<JobKind, JobHandler>;
  /** Close the queue's connections and the stores (stop the queue first). */
  close(): Promise<void>;
}

/** Open the stores, the queue and the rest. Throws SextantError STORE when a database cannot be opened. */
export async function openPlatformRuntime(options: RuntimeOptions): Promise<PlatformRuntime> {
  if (options.database && !/^postgres(ql)?:\/\//.test(options.database)) {
    throw new SextantError('USAGE', '--database takes a postgres:// URL (SQLite lives in --data)');
  }
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let url: string;
  let workDir: string;
  if (options.database) {
    url = options.database;
    workDir = tmpdir();
  } else {
    workDir = resolve(options.data);
    mkdirSync(workDir, { recursive: true });
    url = join(workDir, 'sextant.sqlite');
  }
  const location = { url, ...(options.databaseSchema ? { schema: options.databaseSchema } : {}) };
  const store = await PlatformStore.open(location);
  let advisories: AdvisoryStore | null = null;
  try {
    advisories = await AdvisoryStore.open(location);
    const queue = await openJobQueue(store, {
      ...(options.database ? { connectionString: options.database } : {}),
      ...options.jobs,
      log,
    });
    const webhooks = createWebhooks({ store, queue, ...options.webhooks, log });
    const service = createPlatformService({
      store,
      advisories,
      workDir,
      ...(options.advisorySource ? { advisorySource: options.advisorySource } : {}),
      ...(options.kevUrl !== undefined ? { kevUrl: options.kevUrl } : {}),
      ...(options.epssUrl !== undefined ? { epssUrl: options.epssUrl } : {}),
      onFindingEvents: (orgId) => webhooks.collect(orgId),
    });
    const layerCacheDir = options.layerCacheDir === undefined ? (options.database ? sextantHome() : workDir) : options.layerCacheDir;
    const handlers = createJobHandlers({ service, store, webhooks, version: options.version, insecureRegistries: options.insecureRegistries ?? [], layerCacheDir });
    const stores = advisories;
    return {
      store,
      advisories: stores,
      service,
      queue,
      webhooks,
      handlers,
      async close() {
        await Promise.all([store.close(), stores.close()]);
      },
    };
  } catch (err) {
    await Promise.allSettled([store.close(), advisories?.close()]);
    throw err;
  }
}
