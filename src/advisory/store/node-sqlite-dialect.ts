// Kysely's SQLite dialect on Node's built-in `node:sqlite`, so the embedded store needs no native addon.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase } from 'kysely';

/** `node:sqlite` as the database object Kysely's SqliteDialect drives. */
function adapt(db: DatabaseSync): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sqlText) {
      const statement = db.prepare(sqlText);
      const args = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...args(parameters)),
        run: (parameters) => statement.run(...args(parameters)),
        iterate: (parameters) => statement.iterate(...args(parameters)),
      };
    },
  };
}

/**
 * A Kysely dialect over the SQLite file at `path` (`:memory:` for none). WAL journaling lets readers go on while
 * one writer updates, and a busy timeout makes a second writer wait instead of failing.
 */
export function nodeSqliteDialect(path: string): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;');
      return adapt(db);
    },
  });
}
