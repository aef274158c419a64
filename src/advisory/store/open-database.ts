// Opening a Kysely database where Sextant keeps its stores: a SQLite file (through node:sqlite) or a PostgreSQL
// URL, optionally kept to one schema (created when missing), then migrated. The advisory and platform stores share it.
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import { SextantError } from '../../core/errors.ts';
import { nodeSqliteDialect } from './node-sqlite-dialect.ts';

/** Where a store lives: a SQLite file path, or a `postgres://` URL (with an optional schema to keep to). */
export interface StoreLocation {
  /** SQLite file path, `:memory:`, or `postgres://…` / `postgresql://…`. */
  url: string;
  /** PostgreSQL only: the schema to create and use (tests use a fresh one per run). */
  schema?: string;
}

export type Dialect = 'sqlite' | 'postgres';

/** A parenthesized list of three or more parameters (`in ($1, $2, $3)`, a VALUES row): its length varies with the data. */
const PARAMETER_LIST = /\(\$\d+(?:, \$\d+){2,}\)/;

/**
 * Make `client` run each parameterized statement of a fixed text as a named prepared statement: PostgreSQL then
 * parses and plans it once per connection instead of on every call, which was a third of its work per push.
 * Statements whose text varies with the data (parameter lists) stay unnamed, so the prepared set stays bounded.
 * When a table changed under a prepared statement (another server migrated the schema), PostgreSQL refuses it
 * once ("cached plan must not change result type"): that text then runs unnamed on this connection (inside a
 * transaction the refusal has already aborted it, and the caller's error stands).
 */
function preparingStatements(client: import('pg').PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const names = new Map<string, string | null>();
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const [text, values] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || args.length !== 2 || PARAMETER_LIST.test(text)) return query(...args);
    let name = names.get(text);
    if (name === undefined) names.set(text, (name = `sx_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`));
    if (name === null) return query(text, values);
    return query({ name, text, values }).catch((err: unknown) => {
      if ((err as { code?: string }).code !== STALE_PLAN) throw err;
      names.set(text, null);
      return query(text, values);
    });
  };
}

/** SQLSTATE feature_not_supported, which PostgreSQL raises for a prepared statement whose result columns changed. */
const STALE_PLAN = '0A000';

/**
 * Open the database at `location` and run `migrate` on it. `what` names the store in the one-line error (SextantError
 * STORE, credentials left out of the URL); `poolSize` bounds PostgreSQL connections.
 */
export async function openDatabase<DB>(location: StoreLocation, what: string, poolSize: number, migrate: (db: Kysely<unknown>, dialect: Dialect) => Promise<void>): Promise<{ db: Kysely<DB>; dialect: Dialect }> {
  const dialect: Dialect = /^postgres(ql)?:\/\//.test(location.url) ? 'postgres' : 'sqlite';
  let db: Kysely<DB> | undefined;
  try {
    if (dialect === 'postgres') {
      const { default: pg } = await import('pg');
      if (location.schema) {
        const admin = new pg.Client({ connectionString: location.url });
        await admin.connect();
        try {
          await admin.query(`CREATE SCHEMA IF NOT EXISTS "${location.schema.replace(/"/g, '""')}"`);
        } finally {
          await admin.end();
        }
      }
      const pool = new pg.Pool({ connectionString: location.url, max: poolSize, ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}) });
      // A pooler that hands each transaction another server connection (PgBouncer's transaction mode before 1.21)
      // loses named statements: SEXTANT_PG_PREPARED_STATEMENTS=off keeps every statement unnamed.
      if (process.env.SEXTANT_PG_PREPARED_STATEMENTS !== 'off') pool.on('connect', preparingStatements);
      db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    } else {
      db = new Kysely<DB>({ dialect: nodeSqliteDialect(location.url) });
    }
    await migrate(db as Kysely<unknown>, dialect);
  } catch (err) {
    await db?.destroy().catch(() => undefined);
    const where = dialect === 'postgres' ? location.url.replace(/\/\/[^@/]*@/, '//') : location.url;
    throw new SextantError('STORE', `cannot open the ${what} at ${where}: ${(err as Error).message}`, { cause: err });
  }
  return { db, dialect };
}
