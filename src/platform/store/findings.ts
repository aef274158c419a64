// Findings as the store keeps them: each stored package's findings under the current advisories (package_finding),
// written with the package and rewritten only by re-evaluation; an image's findings are read through its packages.
// Finding events record what appeared on and disappeared from each image (with its severity), and why.
import { type Insertable, type Kysely, type RawBuilder, sql } from 'kysely';
import type { Location } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { imageFindings } from '../image-findings.ts';
import { type Dialect, insertMany, oneOfNumbers, valuesPerCondition } from './bulk-insert.ts';
import type { PackageFindingTable, PlatformDatabase } from './schema.ts';

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

/** A finding's identity on an image: its display id and its package's purl. */
export const findingKey = (f: { id: string; purl: string }) => `${f.id}\n${f.purl}`;

/**
 * SQL: the rank of the severity rating in `column`, worst first: critical 0, high 1, medium 2, low 3, anything
 * else (`unknown`, `none`) 4. Ordering and grouping by it keeps the counting in the database.
 */
export function severityRank(column: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(case ${column} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end)`;
}

/**
 * SQL aggregate: the worst of the severity ratings in `column` as stored (one package content may rate a finding
 * otherwise than another with the same purl, matched at another time).
 */
export function worstSeverity(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`substr(min(case ${column} when 'critical' then '0' when 'high' then '1' when 'medium' then '2' when 'low' then '3' else '4' end || ${column}), 2)`;
}

/** The stored text of finding `f`: everything but what an image or the exploit data add, read back by `storedFinding`. */
export function findingData(f: Finding): string {
  const { layers: _layers, kev: _kev, epss: _epss, vex: _vex, ...content } = f;
  return JSON.stringify(content);
}

/** A finding back from its stored text, with no layers, exploit data or VEX note. */
export function storedFinding(data: string): Finding {
  return { ...(JSON.parse(data) as Omit<Finding, 'layers' | 'kev' | 'epss' | 'vex'>), layers: [], kev: null, epss: null, vex: null };
}

/** The row of finding `f` (stored text `data`), at `position` among package `packageId`'s findings. */
export function packageFindingRow(packageId: number, f: Finding, data: string, position: number, firstSeen: string): Insertable<PackageFindingTable> {
  return {
    package_id: packageId,
    position,
    display_id: f.id,
    purl: f.purl,
    ids: JSON.stringify(f.ids),
    advisory_ids: JSON.stringify(f.advisoryIds),
    severity: f.severity?.rating ?? 'unknown',
    data,
    first_seen: firstSeen,
  };
}

/** The rows of `findings` of package `packageId` first seen at `at`, in their order, each id once. */
export function packageFindingRows(packageId: number, findings: readonly Finding[], at: string): Insertable<PackageFindingTable>[] {
  const seen = new Set<string>();
  const rows: Insertable<PackageFindingTable>[] = [];
  for (const f of findings) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    rows.push(packageFindingRow(packageId, f, findingData(f), rows.length, at));
  }
  return rows;
}

/** The stored findings of each of `packageIds` that has any, in their stored order. */
export async function findingsOfPackages(db: Kysely<PlatformDatabase>, dialect: Dialect, packageIds: readonly number[]): Promise<Map<number, Finding[]>> {
  const out = new Map<number, Finding[]>();
  const step = valuesPerCondition(dialect, packageIds.length);
  for (let i = 0; i < packageIds.length; i += step) {
    const rows = await db
      .selectFrom('package_finding')
      .select(['package_id', 'data'])
      .where(oneOfNumbers(dialect, 'package_id', packageIds.slice(i, i + step)))
      .orderBy('package_id')
      .orderBy('position')
      .execute();
    for (const r of rows) {
      const id = Number(r.package_id);
      const list = out.get(id);
      if (list) list.push(storedFinding(r.data));
      else out.set(id, [storedFinding(r.data)]);
    }
  }
  return out;
}

/** The findings of image `imageId`: its packages' findings, with the layers that introduced each in this image. */
export async function readImageFindings(db: Kysely<PlatformDatabase>, imageId: number): Promise<Finding[]> {
  const rows = await db
    .selectFrom('image_package')
    .innerJoin('package_finding', 'package_finding.package_id', 'image_package.package_id')
    .select(['image_package.position', 'image_package.locations', 'package_finding.data'])
    .where('image_package.image_id', '=', imageId)
    .orderBy('image_package.position')
    .orderBy('package_finding.position')
    .execute();
  const packages: { position: number; locations: Location[]; findings: Finding[] }[] = [];
  for (const r of rows) {
    let last = packages.at(-1);
    if (last?.position !== r.position) packages.push((last = { position: r.position, locations: JSON.parse(r.locations) as Location[], findings: [] }));
    last.findings.push(storedFinding(r.data));
  }
  return imageFindings(packages);
}

/** The findings of image `imageId`: each identity (`findingKey`) with its severity rating (the worst, see `worstSeverity`). */
export async function imageFindingRatings(db: Kysely<PlatformDatabase>, imageId: number): Promise<Map<string, string>> {
  const { rows } = await sql<{ display_id: string; purl: string; severity: string }>`
    select pf.display_id, pf.purl, ${worstSeverity(sql.ref('pf.severity'))} as severity
    from image_package ip join package_finding pf on pf.package_id = ip.package_id
    where ip.image_id = ${imageId}
    group by pf.display_id, pf.purl`.execute(db);
  return new Map(rows.map((r) => [findingKey({ id: r.display_id, purl: r.purl }), r.severity]));
}

/**
 * Inside transaction `tx`, after image `imageId` (of org `orgId`) was stored with its packages: record its
 * findings as events caused by the push at `at`, each with its severity. A new image (`before` null) gains all of
 * them; a re-pushed one gains and loses the differences from `before`, its findings (`imageFindingRatings`) until
 * then, and a finding it keeps under another rating is recorded as re-rated.
 */
export async function recordPushEvents(tx: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string, imageId: number, before: ReadonlyMap<string, string> | null, at: string): Promise<void> {
  await lockFindingEvents(tx, dialect, [orgId]);
  if (before === null) {
    await sql`
      insert into finding_event (org_id, image_id, display_id, purl, kind, at, cause, severity)
      select ${orgId}, ${imageId}, f.display_id, f.purl, 'appeared', ${at}, 'push', f.severity
      from (
        select pf.display_id, pf.purl, ${worstSeverity(sql.ref('pf.severity'))} as severity
        from image_package ip join package_finding pf on pf.package_id = ip.package_id
        where ip.image_id = ${imageId}
        group by pf.display_id, pf.purl
      ) f
      order by f.purl, f.display_id`.execute(tx);
    return;
  }
  const after = await imageFindingRatings(tx, imageId);
  const event = (key: string, kind: FindingEventKind, severity: string) => {
    const [id, purl] = key.split('\n') as [string, string];
    return { org_id: orgId, image_id: imageId, display_id: id, purl, kind, at, cause: 'push', severity };
  };
  const keys = (m: ReadonlyMap<string, string>) => [...m.keys()].sort();
  const events = [
    ...keys(before)
      .filter((k) => !after.has(k))
      .map((k) => event(k, 'disappeared', before.get(k) as string)),
    ...keys(after)
      .filter((k) => !before.has(k))
      .map((k) => event(k, 'appeared', after.get(k) as string)),
    ...keys(after)
      .filter((k) => before.has(k) && before.get(k) !== after.get(k))
      .flatMap((k) => [event(k, 'rerated-from', before.get(k) as string), event(k, 'rerated-to', after.get(k) as string)]),
  ];
  if (events.length > 0) await insertMany(tx, dialect, 'finding_event', events);
}

/** What a finding event records: appeared and disappeared, and the two halves of a change of rating. */
export type FindingEventKind = PlatformDatabase['finding_event']['kind'];

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

/**
 * The finding events of org `orgId` (of one image when `imageId` is given) after `afterSeq`, oldest first: those of
 * findings that appeared and disappeared (re-ratings are for the counts by severity only).
 */
export async function readFindingEvents(db: Kysely<PlatformDatabase>, orgId: string, options: { imageId?: number; afterSeq?: number; limit?: number }): Promise<FindingEvent[]> {
  let query = db
    .selectFrom('finding_event')
    .innerJoin('image', 'image.id', 'finding_event.image_id')
    .select(['finding_event.seq', 'image.digest', 'finding_event.display_id', 'finding_event.purl', 'finding_event.kind', 'finding_event.at', 'finding_event.cause'])
    .where('finding_event.org_id', '=', orgId)
    .where('finding_event.seq', '>', options.afterSeq ?? 0)
    .where('finding_event.kind', 'in', ['appeared', 'disappeared'])
    .orderBy('finding_event.seq');
  if (options.imageId !== undefined) query = query.where('finding_event.image_id', '=', options.imageId);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query.execute();
  return rows.map((r) => ({ seq: Number(r.seq), digest: r.digest, id: r.display_id, purl: r.purl, kind: r.kind as FindingEvent['kind'], at: r.at, cause: r.cause }));
}
