// Content-addressed package rows: a push looks its packages up by digest and writes only the ones never stored
// (with their OSV coordinates), so a package in a thousand images is written once and costs later pushes a lookup.
import type { Kysely } from 'kysely';
import { type Dialect, insertMany, oneOf } from './bulk-insert.ts';
import { ROWS_PER_STATEMENT } from './chunks.ts';
import type { PackageRows } from './image-rows.ts';
import type { PlatformDatabase } from './schema.ts';

/** Add the ids of stored packages with these content digests to `into`. */
async function idsByDigest(tx: Kysely<PlatformDatabase>, dialect: Dialect, digests: readonly string[], into: Map<string, number>): Promise<void> {
  // PostgreSQL takes the whole list as one array parameter.
  const step = dialect === 'postgres' ? Math.max(1, digests.length) : ROWS_PER_STATEMENT;
  for (let i = 0; i < digests.length; i += step) {
    const rows = await tx
      .selectFrom('package')
      .select(['id', 'digest'])
      .where(oneOf(dialect, 'digest', digests.slice(i, i + step)))
      .execute();
    for (const r of rows) into.set(r.digest, Number(r.id));
  }
}

/**
 * Inside transaction `tx`: make sure every package of `packages` (sorted by digest) is stored, writing the missing
 * ones and their coordinates, and return every package's id by digest.
 */
export async function storePackages(tx: Kysely<PlatformDatabase>, dialect: Dialect, packages: readonly PackageRows[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  await idsByDigest(
    tx,
    dialect,
    packages.map((p) => p.row.digest),
    ids,
  );
  const missing = packages.filter((p) => !ids.has(p.row.digest));
  const inserted = await insertMany<'package', { id: number | string; digest: string }>(
    tx,
    dialect,
    'package',
    missing.map((p) => p.row),
    { onConflictIgnore: ['digest'], returning: ['id', 'digest'] },
  );
  const written = new Set<string>();
  for (const r of inserted) {
    ids.set(r.digest, Number(r.id));
    written.add(r.digest);
  }
  // A concurrent push stored these between the lookup and the insert (it has committed: the insert waited for it).
  const raced = missing.filter((p) => !written.has(p.row.digest)).map((p) => p.row.digest);
  if (raced.length > 0) await idsByDigest(tx, dialect, raced, ids);

  const coordinates = missing.filter((p) => written.has(p.row.digest)).flatMap((p) => p.coordinates.map((c) => ({ package_id: ids.get(p.row.digest) as number, ecosystem: c.ecosystem, name: c.name })));
  await insertMany(tx, dialect, 'package_coordinate', coordinates, { onConflictIgnore: ['package_id', 'ecosystem', 'name'] });
  return ids;
}
