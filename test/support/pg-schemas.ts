// The databases tests run on: fresh PostgreSQL schemas when DATABASE_URL is set (names no other test run uses, all
// dropped after the file's tests), and SQLite files in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreLocation } from '../../src/advisory/store/advisory-store.ts';

export interface TestSchemas {
  /** DATABASE_URL; undefined when the PostgreSQL tests do not run. */
  readonly databaseUrl: string | undefined;
  /** A new schema name, `<prefix>_<pid>_<time>_<n>`, remembered for `dropAll`. */
  fresh(): string;
  /** Drop every schema `fresh` named, where it exists (after the tests). */
  dropAll(): Promise<void>;
}

/**
 * Schemas named from `prefix`. With `skipped` (what the PostgreSQL tests are, e.g. 'store'), says on stderr that
 * they do not run when DATABASE_URL is unset.
 */
export function testSchemas(prefix: string, skipped?: string): TestSchemas {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && skipped) process.stderr.write(`PostgreSQL ${skipped} tests not run: DATABASE_URL is not set (.ci/run sets it)\n`);
  const base = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const named: string[] = [];
  return {
    databaseUrl,
    fresh() {
      const schema = `${base}_${named.length + 1}`;
      named.push(schema);
      return schema;
    },
    async dropAll() {
      if (!databaseUrl || named.length === 0) return;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        for (const schema of named.splice(0)) {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** The backends a suite runs on, for `describe.each`, and what removes their databases afterwards. */
export interface TestStoreLocations {
  backends: [string, () => StoreLocation][];
  /** The temporary directory of the SQLite files, for the suite's other files too; removed by `cleanup`. */
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * SQLite always (a new file each call), and PostgreSQL when DATABASE_URL is set: a fresh schema each call, or with
 * `sharedSchema` one schema for the whole file (its tests then keep apart by what they create).
 */
export function testStoreLocations(prefix: string, options: { skipped?: string; sharedSchema?: boolean } = {}): TestStoreLocations {
  const dir = mkdtempSync(join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
  const schemas = testSchemas(prefix, options.skipped);
  const { databaseUrl } = schemas;
  let files = 0;
  const backends: [string, () => StoreLocation][] = [['SQLite', () => ({ url: join(dir, `db-${++files}.sqlite`) })]];
  if (databaseUrl) {
    const shared = options.sharedSchema ? schemas.fresh() : null;
    backends.push(['PostgreSQL', () => ({ url: databaseUrl, schema: shared ?? schemas.fresh() })]);
  }
  return {
    backends,
    dir,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
      await schemas.dropAll();
    },
  };
}
