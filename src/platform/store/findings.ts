// An image's open findings, replaced whole by each push or re-evaluation; what changed between the old and the
// new list is recorded as `appeared` / `disappeared` events, and persisting findings keep when they were first seen.
import { type Kysely, sql } from 'kysely';
import type { Finding } from '../../match/matcher.ts';
import { type Dialect, insertMany } from './bulk-insert.ts';
import type { PlatformDatabase } from './schema.ts';

/** A finding that appeared on or disappeared from an image. */
export interface FindingEvent {
  /** Increasing with time: events after a given `seq` are the newer ones. */
  seq: number;
  digest: string;
  /** The finding's display id and package: together its identity on the image. */
  id: string;
  purl: string;
  kind: 'appeared' | 'disappeared';
  at: string;
  /** `push`, or the advisory change that caused it. */
  cause: string;
}

/** What a replacement changed. */
export interface FindingChanges {
  appeared: Finding[];
  disappeared: Finding[];
}

/** A finding's identity on an image: its display id and its package's purl. */
const keyOf = (f: { id: string; purl: string }) => `${f.id}\n${f.purl}`;

/**
 * Replace the findings of image `imageId` (of org `orgId`) with `findings` inside the transaction `tx`, recording
 * the differences as events at `at` with `cause`. `packageIdByPurl` ties each finding to its stored package;
 * `newImage` says the image was created in this transaction (so has no findings yet). A finding listed twice
 * (same id and purl) is kept once.
 */
export async function writeFindings(
  tx: Kysely<PlatformDatabase>,
  dialect: Dialect,
  orgId: string,
  imageId: number,
  findings: readonly Finding[],
  packageIdByPurl: ReadonlyMap<string, number>,
  cause: string,
  at: string,
  newImage = false,
): Promise<FindingChanges> {
  const old = newImage ? [] : await tx.selectFrom('finding').select(['display_id', 'purl', 'data', 'first_seen']).where('image_id', '=', imageId).orderBy('position').execute();
  const before = new Map(old.map((r) => [keyOf({ id: r.display_id, purl: r.purl }), r]));
  const after = new Map<string, Finding>();
  for (const f of findings) if (!after.has(keyOf(f))) after.set(keyOf(f), f);

  const appeared = [...after].filter(([k]) => !before.has(k)).map(([, f]) => f);
  const disappeared = [...before].filter(([k]) => !after.has(k)).map(([, r]) => JSON.parse(r.data) as Finding);

  if (old.length > 0) await tx.deleteFrom('finding').where('image_id', '=', imageId).execute();
  const rows = [...after].map(([key, f], position) => ({
    org_id: orgId,
    image_id: imageId,
    position,
    package_id: packageIdByPurl.get(f.purl) ?? null,
    purl: f.purl,
    display_id: f.id,
    ids: JSON.stringify(f.ids),
    advisory_ids: JSON.stringify(f.advisoryIds),
    severity: f.severity?.rating ?? 'unknown',
    data: JSON.stringify(f),
    first_seen: before.get(key)?.first_seen ?? at,
  }));
  await insertMany(tx, dialect, 'finding', rows);

  const events = [
    ...disappeared.map((f) => ({ org_id: orgId, image_id: imageId, display_id: f.id, purl: f.purl, kind: 'disappeared' as const, at, cause })),
    ...appeared.map((f) => ({ org_id: orgId, image_id: imageId, display_id: f.id, purl: f.purl, kind: 'appeared' as const, at, cause })),
  ];
  if (events.length > 0) {
    await lockFindingEvents(tx, dialect, [orgId]);
    await insertMany(tx, dialect, 'finding_event', events);
  }
  return { appeared, disappeared };
}

/** The first key of the advisory locks that order finding events (the second is the org's hash). */
const FINDING_EVENT_LOCK = 0x73787466;

/**
 * Take, until the transaction `tx` ends, the lock that orders the finding events of each of `orgIds` that has a
 * webhook subscription; call it right before inserting them, as the transaction's last step. On PostgreSQL, a `seq`
 * is drawn when a row is inserted but seen when its transaction commits: without this, a later seq could become
 * visible before an earlier one, and webhook delivery, which keeps its place by seq, would skip the earlier. With
 * it, a subscribed org's events commit in seq order; orgs without subscriptions are not held up. SQLite has one
 * writer at a time and needs nothing.
 */
export async function lockFindingEvents(tx: Kysely<PlatformDatabase>, dialect: Dialect, orgIds: Iterable<string>): Promise<void> {
  if (dialect !== 'postgres') return;
  // Sorted, so transactions locking several orgs cannot wait on each other in a cycle.
  for (const orgId of [...new Set(orgIds)].sort()) {
    await sql`select pg_advisory_xact_lock(${FINDING_EVENT_LOCK}::int, hashtext(${orgId})) where exists (select 1 from webhook where org_id = ${orgId})`.execute(tx);
  }
}

/** The stored findings of image `imageId`, in the order they were given. */
export async function readFindings(db: Kysely<PlatformDatabase>, imageId: number): Promise<Finding[]> {
  const rows = await db.selectFrom('finding').select('data').where('image_id', '=', imageId).orderBy('position').execute();
  return rows.map((r) => JSON.parse(r.data) as Finding);
}

/** The finding events of org `orgId` (of one image when `imageId` is given) after `afterSeq`, oldest first. */
export async function readFindingEvents(db: Kysely<PlatformDatabase>, orgId: string, options: { imageId?: number; afterSeq?: number; limit?: number }): Promise<FindingEvent[]> {
  let query = db
    .selectFrom('finding_event')
    .innerJoin('image', 'image.id', 'finding_event.image_id')
    .select(['finding_event.seq', 'image.digest', 'finding_event.display_id', 'finding_event.purl', 'finding_event.kind', 'finding_event.at', 'finding_event.cause'])
    .where('finding_event.org_id', '=', orgId)
    .where('finding_event.seq', '>', options.afterSeq ?? 0)
    .orderBy('finding_event.seq');
  if (options.imageId !== undefined) query = query.where('finding_event.image_id', '=', options.imageId);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((r) => ({ seq: Number(r.seq), digest: r.digest, id: r.display_id, purl: r.purl, kind: r.kind, at: r.at, cause: r.cause }));
}
