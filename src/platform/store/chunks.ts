// Statements over many rows in bounded chunks: one round trip per chunk instead of one per row.

/** Rows per multi-row statement: with the widest batched row (11 columns) well under SQLite's and PostgreSQL's parameter limits. */
export const ROWS_PER_STATEMENT = 400;

/** Run `statement` over `rows` in chunks of ROWS_PER_STATEMENT, one after another (none when there are no rows). */
export async function inChunks<T>(rows: readonly T[], statement: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await statement(rows.slice(i, i + ROWS_PER_STATEMENT));
}
