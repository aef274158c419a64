// Inserting many rows in few statements. On PostgreSQL the rows travel as one JSON parameter unpacked by
// json_to_recordset: one parameter to bind instead of thousands, which is most of a push's cost there. On SQLite
// (in-process, no wire) they go as multi-row VALUES in chunks.
import { type Insertable, type Kysely, type RawBuilder, sql } from 'kysely';
import { ROWS_PER_STATEMENT } from './chunks.ts';
import type { PlatformDatabase } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/** PostgreSQL column types of the tables written in bulk, for json_to_recordset's column list. */
const COLUMN_TYPES = {
  layer: { diff_id: 'text', digest: 'text', size: 'bigint', media_type: 'text' },
  image_layer: { image_id: 'integer', position: 'integer', diff_id: 'text', created_by: 'text' },
  package: { digest: 'text', purl: 'text', type: 'text', name: 'text', version: 'text', data: 'text' },
  package_coordinate: { package_id: 'integer', ecosystem: 'text', name: 'text' },
  image_package: { image_id: 'integer', position: 'integer', package_id: 'integer', locations: 'text', direct: 'integer' },
  package_finding: {
    package_id: 'integer',
    position: 'integer',
    display_id: 'text',
    purl: 'text',
    ids: 'text',
    advisory_ids: 'text',
    severity: 'text',
    data: 'text',
    first_seen: 'text',
  },
  finding_event: { org_id: 'text', image_id: 'integer', display_id: 'text', purl: 'text', kind: 'text', at: 'text', cause: 'text', severity: 'text' },
} as const satisfies { [T in keyof PlatformDatabase]?: Record<string, 'text' | 'integer' | 'bigint'> };

export type BulkTable = keyof typeof COLUMN_TYPES;

/**
 * `rows` as a relation named `alias` with the given typed `columns`, to join in a statement: one JSON parameter
 * (json_to_recordset on PostgreSQL, json_each on SQLite). Missing members are null.
 */
export function jsonRelation(dialect: Dialect, alias: string, columns: Record<string, 'text' | 'integer' | 'bigint'>, rows: readonly Record<string, unknown>[]): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  if (dialect === 'postgres') {
    const definitions = sql.raw(Object.entries(columns).map(([c, type]) => `"${c}" ${type}`).join(', '));
    return sql`json_to_recordset(${json}::json) as ${sql.id(alias)}(${definitions})`;
  }
  const members = sql.join(Object.keys(columns).map((c) => sql`json_extract(value, ${`$.${c}`}) as ${sql.id(c)}`));
  return sql`(select ${members} from json_each(${json})) as ${sql.id(alias)}`;
}

/** What to do beyond inserting: skip rows conflicting on `onConflictIgnore` columns, return `returning` columns. */
export interface BulkOptions {
  onConflictIgnore?: readonly string[];
  returning?: readonly string[];
}

/**
 * Insert `rows` (all with the same columns) into `table`, in their order; returns the `returning` columns of the
 * rows inserted (none skipped by a conflict).
 */
export async function insertMany<T extends BulkTable, R extends Record<string, unknown> = Record<string, unknown>>(
  db: Kysely<PlatformDatabase>,
  dialect: Dialect,
  table: T,
  rows: readonly Insertable<PlatformDatabase[T]>[],
  options: BulkOptions = {},
): Promise<R[]> {
  const first = rows[0];
  if (first === undefined) return [];
  const types: Record<string, 'text' | 'integer' | 'bigint'> = COLUMN_TYPES[table];
  const columns = Object.keys(first);
  for (const c of columns) if (!(c in types)) throw new Error(`no bulk column type for ${table}.${c}`);
  const columnList = sql.join(columns.map((c) => sql.ref(c)));
  const tail = sql.join(
    [
      options.onConflictIgnore ? sql`on conflict (${sql.join(options.onConflictIgnore.map((c) => sql.ref(c)))}) do nothing` : sql``,
      options.returning ? sql`returning ${sql.join(options.returning.map((c) => sql.ref(c)))}` : sql``,
    ],
    sql` `,
  );
  if (dialect === 'postgres') {
    const relation = jsonRelation(dialect, 'x', Object.fromEntries(columns.map((c) => [c, types[c] ?? 'text'])), rows);
    const query: RawBuilder<R> = sql`insert into ${sql.table(table)} (${columnList}) select ${columnList} from ${relation} ${tail}`;
    return (await query.execute(db)).rows;
  }
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => {
      const record = row as Record<string, unknown>;
      return sql`(${sql.join(columns.map((c) => record[c] ?? null))})`;
    });
    const query: RawBuilder<R> = sql`insert into ${sql.table(table)} (${columnList}) values ${sql.join(values)} ${tail}`;
    out.push(...(await query.execute(db)).rows);
  }
  return out;
}

/** `column = any(values)` on PostgreSQL (one array parameter), `column in (…)` on SQLite; for up to ROWS_PER_STATEMENT values there. */
export function oneOf(dialect: Dialect, column: string, values: readonly string[]): RawBuilder<boolean> {
  return dialect === 'postgres' ? sql<boolean>`${sql.ref(column)} = any(${[...values]}::text[])` : sql<boolean>`${sql.ref(column)} in (${sql.join([...values])})`;
}

/** `oneOf` for integer columns. */
export function oneOfNumbers(dialect: Dialect, column: string, values: readonly number[]): RawBuilder<boolean> {
  return dialect === 'postgres' ? sql<boolean>`${sql.ref(column)} = any(${[...values]}::int[])` : sql<boolean>`${sql.ref(column)} in (${sql.join([...values])})`;
}

/** Values per `oneOf` / `oneOfNumbers` condition: all of them on PostgreSQL (one parameter), ROWS_PER_STATEMENT on SQLite. */
export function valuesPerCondition(dialect: Dialect, count: number): number {
  return dialect === 'postgres' ? Math.max(1, count) : ROWS_PER_STATEMENT;
}
