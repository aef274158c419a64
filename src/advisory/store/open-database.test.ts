// Opening a store's database on PostgreSQL: statements of a fixed text become named prepared statements on their
// connection (parsed once), statements whose text varies with the data stay unnamed, and the setting turns it off.
import { afterAll, describe, expect, it } from 'vitest';
import { type Kysely, sql } from 'kysely';
import { testSchemas } from '../../../test/support/pg-schemas.ts';
import { openDatabase } from './open-database.ts';

const schemas = testSchemas('sextant_open_database', 'prepared-statement');
afterAll(() => schemas.dropAll());

/** Open a one-connection pool on a fresh schema with a small table, run `work`, close. */
async function withDatabase<T>(work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
  const { db } = await openDatabase<unknown>({ url: schemas.databaseUrl as string, schema: schemas.fresh() }, 'test store', 1, async (d) => {
    await sql`create table item (id integer primary key, name text not null)`.execute(d);
  });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** The statements prepared on the pool's one connection. */
async function prepared(db: Kysely<unknown>): Promise<string[]> {
  const rows = await sql<{ statement: string }>`select statement from pg_prepared_statements order by statement`.execute(db);
  return rows.rows.map((r) => r.statement);
}

describe.runIf(schemas.databaseUrl)('openDatabase on PostgreSQL', () => {
  it('prepares statements of a fixed text once per connection, and not those with parameter lists', async () => {
    await withDatabase(async (db) => {
      for (let i = 1; i <= 3; i++) await sql`insert into item (id, name) values (${i}, ${`n${i}`})`.execute(db);
      for (let n = 1; n <= 3; n++) {
        const ids = Array.from({ length: n + 2 }, (_, i) => i + 1);
        await sql`select name from item where id in (${sql.join(ids)})`.execute(db);
      }
      const named = await prepared(db);
      expect(named).toEqual(['insert into item (id, name) values ($1, $2)']);
      expect((await sql<{ name: string }>`select name from item where id = ${2}`.execute(db)).rows).toEqual([{ name: 'n2' }]);
      expect(await prepared(db)).toHaveLength(2);
    });
  });

  it('runs a statement unnamed once a schema change made its prepared plan stale', async () => {
    await withDatabase(async (db) => {
      await sql`insert into item (id, name) values (${1}, ${'n1'})`.execute(db);
      const read = async () => (await sql<Record<string, unknown>>`select * from item where id = ${1}`.execute(db)).rows;
      expect(await read()).toEqual([{ id: 1, name: 'n1' }]);
      // Another server's migration adds a column: the prepared `select *` would now return another row type.
      await sql`alter table item add column note text`.execute(db);
      expect(await read()).toEqual([{ id: 1, name: 'n1', note: null }]);
      expect(await read()).toEqual([{ id: 1, name: 'n1', note: null }]);
    });
  });

  it('prepares nothing with SEXTANT_PG_PREPARED_STATEMENTS=off', async () => {
    process.env.SEXTANT_PG_PREPARED_STATEMENTS = 'off';
    try {
      await withDatabase(async (db) => {
        await sql`insert into item (id, name) values (${1}, ${'n1'})`.execute(db);
        expect(await prepared(db)).toEqual([]);
      });
    } finally {
      delete process.env.SEXTANT_PG_PREPARED_STATEMENTS;
    }
  });
});
