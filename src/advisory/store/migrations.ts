// The advisory store's schema migrations: one list, run the same way on SQLite and PostgreSQL.
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Advisory } from '../../core/advisory.ts';
import { advisoryRows } from './advisory-rows.ts';

/** Advisories rewritten per page by the 003 migration. */
const MIGRATION_PAGE = 1000;

const migrations = (dialect: 'sqlite' | 'postgres'): Record<string, Migration> => ({
  '001-advisories': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('advisory')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('modified', 'text', (c) => c.notNull())
        .addColumn('published', 'text')
        .addColumn('withdrawn', 'text')
        .addColumn('severity_rating', 'text')
        .addColumn('severity_score', 'real')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('record', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('advisory_modified').on('advisory').column('modified').execute();
      await db.schema
        .createTable('advisory_alias')
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisory.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('advisory_alias_pk', ['alias', 'advisory_id'])
        .execute();
      await db.schema.createIndex('advisory_alias_advisory').on('advisory_alias').column('advisory_id').execute();
      await db.schema
        .createTable('affected')
        .addColumn('advisory_id', 'text', (c) => c.notNull().references('advisory.id').onDelete('cascade'))
        .addColumn('ecosystem', 'text', (c) => c.notNull())
        .addColumn('ecosystem_release', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('affected_package').on('affected').columns(['ecosystem', 'name']).execute();
      await db.schema.createIndex('affected_advisory').on('affected').column('advisory_id').execute();
      await db.schema
        .createTable('source')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text')
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '002-exploits': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('known_exploited')
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('vendor_project', 'text', (c) => c.notNull())
        .addColumn('product', 'text', (c) => c.notNull())
        .addColumn('vulnerability_name', 'text', (c) => c.notNull())
        .addColumn('date_added', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text')
        .addColumn('required_action', 'text', (c) => c.notNull())
        .addColumn('known_ransomware', 'integer', (c) => c.notNull())
        .execute();
      // double precision, not real: PostgreSQL's real is 4 bytes and would not give the published scores back exactly.
      await db.schema
        .createTable('exploit_prediction')
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('score', 'double precision', (c) => c.notNull())
        .addColumn('percentile', 'double precision', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // The whole record was one JSON text holding the affected list again: now a small head for matching, a deflated
  // body for display, and the affected rows in their order. Existing advisories are rewritten in place.
  '003-compact-records': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('advisory').addColumn('head', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('advisory').addColumn('body', dialect === 'postgres' ? sql`bytea` : 'blob').execute();
      await db.schema.alterTable('affected').addColumn('ordinal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      const tx = db as Kysely<Record<string, Record<string, unknown>>>;
      for (let after = ''; ; ) {
        const page = (await tx.selectFrom('advisory').select(['id', 'record', 'source']).where('id', '>', after).orderBy('id').limit(MIGRATION_PAGE).execute()) as { id: string; record: string; source: string }[];
        for (const row of page) {
          const rows = advisoryRows(JSON.parse(row.record) as Advisory, row.source);
          await tx.updateTable('advisory').set({ head: rows.advisory.head, body: rows.advisory.body, digest: rows.advisory.digest }).where('id', '=', row.id).execute();
          await tx.deleteFrom('affected').where('advisory_id', '=', row.id).execute();
          if (rows.affected.length) await tx.insertInto('affected').values(rows.affected.map((r) => ({ ...r }))).execute();
        }
        if (page.length < MIGRATION_PAGE) break;
        after = (page[page.length - 1] as { id: string }).id;
      }
      await db.schema.alterTable('advisory').dropColumn('record').execute();
    },
  },
});

/** Bring `db` (a `dialect` database) up to the latest schema, or only up to `target` (tests); throws the first migration error. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', target?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Kysely looks for its bookkeeping tables in every schema unless told which: another install's (or another test
  // run's) schema would pass for ours on PostgreSQL.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider, migrationTableName: 'advisory_migration', migrationLockTableName: 'advisory_migration_lock', ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
