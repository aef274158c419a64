// Content-addressed package rows: a push looks its packages up by digest and writes only the ones never stored,
// with their OSV coordinates and their findings, so a package in a thousand images is written and matched once and
// costs later pushes a lookup.
import type { Kysely } from 'kysely';
import type { Finding } from '../../match/matcher.ts';
import { type Dialect, insertMany, oneOf, valuesPerCondition } from './bulk-insert.ts';
import { packageFindingRows } from './findings.ts';
import type { PackageRows } from './image-rows.ts';
import type { PlatformDatabase } from './schema.ts';

/**
 * Package ids by content digest, remembered after their rows committed: package rows are never changed or deleted,
 * so an id, once known, holds for every process sharing the database, and a push of known packages skips the
 * lookup. Bounded: when full, it starts over.
 */
export class PackageIdCache {
  private ids = new Map<string, number>();
  private readonly capacity: number;

  constructor(capacity = 200_000) {
    this.capacity = capacity;
  }

  /** Add the known ids among `digests` to `into`; returns the digests not known. */
  lookup(digests: readonly string[], into: Map<string, number>): string[] {
    const unknown: string[] = [];
    for (const d of digests) {
      const id = this.ids.get(d);
      if (id === undefined) unknown.push(d);
      else into.set(d, id);
    }
    return unknown;
  }

  /** Remember `entries` (digest and id of committed rows). */
  remember(entries: readonly (readonly [string, number])[]): void {
    if (this.ids.size + entries.length > this.capacity) this.ids = new Map();
    for (const [digest, id] of entries) this.ids.set(digest, id);
  }
}

/** The ids of the stored packages among those with content digests `digests`, by digest. */
export async function packageIdsByDigest(db: Kysely<PlatformDatabase>, dialect: Dialect, digests: readonly string[], into = new Map<string, number>()): Promise<Map<string, number>> {
  const step = valuesPerCondition(dialect, digests.length);
  for (let i = 0; i < digests.length; i += step) {
    const rows = await db
      .selectFrom('package')
      .select(['id', 'digest'])
      .where(oneOf(dialect, 'digest', digests.slice(i, i + step)))
      .execute();
    for (const r of rows) into.set(r.digest, Number(r.id));
  }
  return into;
}

/**
 * Inside transaction `tx`: store `missing` (packages found unstored, sorted by digest) with their coordinates and
 * their findings (`findingsOf`, first seen at `at`), and add every one's id to `ids`. A package a concurrent push
 * stored meanwhile is taken as that push stored it, findings included. Returns the ids of the packages written here.
 */
export async function storeNewPackages(tx: Kysely<PlatformDatabase>, dialect: Dialect, missing: readonly PackageRows[], findingsOf: (p: PackageRows) => readonly Finding[], at: string, ids: Map<string, number>): Promise<number[]> {
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
  if (raced.length > 0) await packageIdsByDigest(tx, dialect, raced, ids);

  const stored = missing.filter((p) => written.has(p.row.digest));
  const coordinates = stored.flatMap((p) => p.coordinates.map((c) => ({ package_id: ids.get(p.row.digest) as number, ecosystem: c.ecosystem, name: c.name })));
  await insertMany(tx, dialect, 'package_coordinate', coordinates, { onConflictIgnore: ['package_id', 'ecosystem', 'name'] });
  await insertMany(
    tx,
    dialect,
    'package_finding',
    stored.flatMap((p) => packageFindingRows(ids.get(p.row.digest) as number, findingsOf(p), at)),
  );
  return stored.map((p) => ids.get(p.row.digest) as number);
}
