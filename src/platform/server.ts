// `sextant server`: opens the platform and advisory stores on one database (a SQLite file under --data, or
// PostgreSQL), bootstraps a fresh database with an org and its first admin token, and serves the API.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { SextantError } from '../core/errors.ts';
import { buildApp } from './http/app.ts';
import { createPlatformService } from './service.ts';
import { PlatformStore } from './store/platform-store.ts';

export interface ServerOptions {
  port: number;
  host: string;
  /** Directory of the SQLite database (`sextant.sqlite`), created when missing; ignored with `database`. */
  data: string;
  /** A `postgres://` URL: use PostgreSQL instead of SQLite. */
  database?: string | undefined;
  /** PostgreSQL only: the schema to keep to (tests use a fresh one). */
  databaseSchema?: string | undefined;
  /** OSV-style base URL advisory syncs read (`<base>/<Ecosystem>/all.zip`); default the public OSV bucket. */
  advisorySource?: string | undefined;
  /** The KEV catalogue's and the EPSS CSV's URLs for syncs; default the public ones, null leaves one out. */
  kevUrl?: string | null | undefined;
  epssUrl?: string | null | undefined;
  version: string;
  /** Per-token rate limit; default buildApp's. */
  rateLimit?: { max: number; timeWindow: number | string } | undefined;
  /** fastify's logger; off by default. */
  logger?: boolean | object | undefined;
  /** The first admin token to install on a fresh database (SEXTANT_BOOTSTRAP_TOKEN); default a random one. */
  bootstrapToken?: string | undefined;
  /** Where the bootstrap notice goes; default stdout. */
  print?: (line: string) => void;
}

export interface RunningServer {
  /** The base URL it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stop accepting requests, finish those in flight, close the stores. */
  close(): Promise<void>;
}

/** The name of the org a fresh database starts with. */
export const DEFAULT_ORG = 'default';

/** Start the server. Throws SextantError STORE when a database cannot be opened, USAGE on a bad bootstrap token. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (options.database && !/^postgres(ql)?:\/\//.test(options.database)) {
    throw new SextantError('USAGE', '--database takes a postgres:// URL (SQLite lives in --data)');
  }
  if (options.bootstrapToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(options.bootstrapToken)) {
    throw new SextantError('USAGE', 'SEXTANT_BOOTSTRAP_TOKEN must be 16 to 512 printable characters without spaces');
  }
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
    await bootstrap(store, options.bootstrapToken, print);
    const service = createPlatformService({
      store,
      advisories,
      workDir,
      ...(options.advisorySource ? { advisorySource: options.advisorySource } : {}),
      ...(options.kevUrl !== undefined ? { kevUrl: options.kevUrl } : {}),
      ...(options.epssUrl !== undefined ? { epssUrl: options.epssUrl } : {}),
    });
    const app = buildApp({
      store,
      service,
      version: options.version,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    });
    const address = await app.listen({ port: options.port, host: options.host });
    const stores = advisories;
    let closing: Promise<void> | null = null;
    return {
      url: address,
      close() {
        closing ??= (async () => {
          await app.close();
          await Promise.all([store.close(), stores.close()]);
        })();
        return closing;
      },
    };
  } catch (err) {
    await Promise.allSettled([store.close(), advisories?.close()]);
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

/** Close `server` on the first SIGINT or SIGTERM; resolves once it has closed. */
export function closeOnSignals(server: RunningServer): Promise<NodeJS.Signals> {
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
