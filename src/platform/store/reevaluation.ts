// The store's side of re-evaluation: the stored packages an advisory change concerns (through their OSV
// coordinates), the images holding them, and the replacement of those packages' findings in a few statements,
// recording on every image holding them what appeared and disappeared. Nothing is re-cataloged: packages are read
// back.
import { type Insertable, type Kysely, sql } from 'kysely';
import type { Package } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { type Dialect, insertMany, jsonRelation, oneOfNumbers, valuesPerCondition } from './bulk-insert.ts';
import { ROWS_PER_STATEMENT } from './chunks.ts';
import { type FindingEventKind, findingData, lockFindingEvents, packageFindingRow, worstSeverity } from './findings.ts';
import { readPackage } from './image-rows.ts';
import type { PlatformDatabase } from './schema.ts';

/** A stored package, by its row id, without image-specific locations. */
export interface StoredPackage {
  packageId: number;
  package: Package;
}

/** The stored packages whose OSV coordinates are among `keys` (`ecosystem\nname`, as `affectedKey` writes them). */
export async function packagesForKeys(db: Kysely<PlatformDatabase>, keys: ReadonlySet<string>): Promise<StoredPackage[]> {
  const byEcosystem = new Map<string, string[]>();
  for (const key of keys) {
    const [ecosystem, name] = key.split('\n') as [string, string];
    byEcosystem.set(ecosystem, [...(byEcosystem.get(ecosystem) ?? []), name]);
  }
  const out = new Map<number, StoredPackage>();
  for (const [ecosystem, names] of byEcosystem) {
    for (let i = 0; i < names.length; i += ROWS_PER_STATEMENT) {
      const rows = await db
        .selectFrom('package_coordinate')
        .innerJoin('package', 'package.id', 'package_coordinate.package_id')
        .select(['package.id', 'package.data'])
        .where('package_coordinate.ecosystem', '=', ecosystem)
        .where('package_coordinate.name', 'in', names.slice(i, i + ROWS_PER_STATEMENT))
        .execute();
      for (const r of rows) if (!out.has(r.id)) out.set(r.id, { packageId: r.id, package: readPackage(r.data, '[]', null) });
    }
  }
  return [...out.values()];
}

/** The stored packages `packageIds` (those that exist). */
export async function packagesById(db: Kysely<PlatformDatabase>, dialect: Dialect, packageIds: readonly number[]): Promise<StoredPackage[]> {
  const out: StoredPackage[] = [];
  const step = valuesPerCondition(dialect, packageIds.length);
  for (let i = 0; i < packageIds.length; i += step) {
    const rows = await db
      .selectFrom('package')
      .select(['id', 'data'])
      .where(oneOfNumbers(dialect, 'id', packageIds.slice(i, i + step)))
      .orderBy('id')
      .execute();
    for (const r of rows) out.push({ packageId: Number(r.id), package: readPackage(r.data, '[]', null) });
  }
  return out;
}

/** The ids of the images (of every org) holding any of `packageIds`. */
export async function imagesHolding(db: Kysely<PlatformDatabase>, dialect: Dialect, packageIds: readonly number[]): Promise<Set<number>> {
  const images = new Set<number>();
  const step = valuesPerCondition(dialect, packageIds.length);
  for (let i = 0; i < packageIds.length; i += step) {
    const rows = await db
      .selectFrom('image_package')
      .select('image_id')
      .distinct()
      .where(oneOfNumbers(dialect, 'package_id', packageIds.slice(i, i + step)))
      .execute();
    for (const r of rows) images.add(Number(r.image_id));
  }
  return images;
}

/** What a replacement changed: image findings that appeared and disappeared, over every image holding the packages. */
export interface PackageFindingChanges {
  appeared: number;
  disappeared: number;
}

/**
 * The advisory database a finding's explanations cite (`"database":"sha256:…"`): the one part of a stored finding
 * that every advisory update changes, whether or not the verdict changed.
 */
const CITED_DATABASE = /"database":"[^"]*"/g;

/**
 * A package finding that appeared, disappeared or changed rating, as the event statements join it to the images
 * holding the package: with its rating (before a disappearance, after an appearance; both for a change).
 */
interface FindingChange {
  package_id: number;
  display_id: string;
  purl: string;
  severity: string;
  /** The rating before, for a change of rating only. */
  previous?: string;
}

const CHANGE_COLUMNS = { package_id: 'integer', display_id: 'text', purl: 'text', severity: 'text' } as const;

const ratingOf = (f: Finding) => f.severity?.rating ?? 'unknown';

/**
 * Inside the caller's transaction `tx`: make `findings` (by package id, at most ROWS_PER_STATEMENT packages) the
 * stored findings of those packages, and record on every image holding one of them the findings that appeared
 * and disappeared there, at `at` with `cause`. Only what changed is written: a package whose findings are the same
 * but for the advisory database they cite stays as stored; a changed package's list is rewritten, keeping when
 * each finding was first seen. An image gains (or loses) a finding only when no other package of it with the same
 * purl already has (or still has) it. Every event records its finding's rating; a finding kept under another rating
 * is recorded as re-rated (`rerated-from` and `rerated-to`), which the returned counts leave out.
 */
export async function replacePackageFindings(tx: Kysely<PlatformDatabase>, dialect: Dialect, findings: ReadonlyMap<number, readonly Finding[]>, cause: string, at: string): Promise<PackageFindingChanges> {
  const packageIds = [...findings.keys()];
  const old = packageIds.length
    ? await tx.selectFrom('package_finding').select(['package_id', 'display_id', 'purl', 'severity', 'data', 'first_seen']).where(oneOfNumbers(dialect, 'package_id', packageIds)).orderBy('package_id').orderBy('position').execute()
    : [];
  const oldByPackage = new Map<number, Map<string, (typeof old)[number]>>();
  for (const r of old) {
    const id = Number(r.package_id);
    const m = oldByPackage.get(id) ?? new Map<string, (typeof old)[number]>();
    m.set(r.display_id, r);
    oldByPackage.set(id, m);
  }
  const appeared: FindingChange[] = [];
  const disappeared: FindingChange[] = [];
  const rerated: FindingChange[] = [];
  const rewritten: number[] = [];
  const rows: Insertable<PlatformDatabase['package_finding']>[] = [];
  for (const [packageId, list] of findings) {
    const before = oldByPackage.get(packageId) ?? new Map<string, (typeof old)[number]>();
    const after = new Map<string, Finding>();
    for (const f of list) if (!after.has(f.id)) after.set(f.id, f);
    let changed = before.size !== after.size;
    const data = new Map<string, string>();
    for (const [id, f] of after) {
      const text = findingData(f);
      data.set(id, text);
      const kept = before.get(id);
      if (!kept) {
        appeared.push({ package_id: packageId, display_id: id, purl: f.purl, severity: ratingOf(f) });
        changed = true;
      } else if (kept.data !== text && kept.data.replace(CITED_DATABASE, '') !== text.replace(CITED_DATABASE, '')) {
        changed = true;
        if (kept.severity !== ratingOf(f)) rerated.push({ package_id: packageId, display_id: id, purl: f.purl, severity: ratingOf(f), previous: kept.severity });
      }
    }
    for (const [id, r] of before) if (!after.has(id)) disappeared.push({ package_id: packageId, display_id: id, purl: r.purl, severity: r.severity });
    if (!changed) continue;
    rewritten.push(packageId);
    let position = 0;
    for (const [id, f] of after) rows.push(packageFindingRow(packageId, f, data.get(id) as string, position++, before.get(id)?.first_seen ?? at));
  }
  const changes: PackageFindingChanges = { appeared: 0, disappeared: 0 };
  if (rewritten.length === 0) return changes;

  // Events go in under their orgs' locks (see lockFindingEvents), taken before the first of them.
  const changedFindings = [...appeared, ...disappeared, ...rerated];
  if (changedFindings.length > 0) {
    const orgs = await tx
      .selectFrom('image_package')
      .innerJoin('image', 'image.id', 'image_package.image_id')
      .select('image.org_id')
      .distinct()
      .where(oneOfNumbers(dialect, 'image_package.package_id', [...new Set(changedFindings.map((c) => c.package_id))]))
      .execute();
    await lockFindingEvents(
      tx,
      dialect,
      orgs.map((o) => o.org_id),
    );
  }
  // Appearances are judged against the findings before the change, disappearances against those after it.
  if (appeared.length > 0) changes.appeared = await recordChanges(tx, dialect, appeared, 'appeared', cause, at);
  await tx.deleteFrom('package_finding').where(oneOfNumbers(dialect, 'package_id', rewritten)).execute();
  await insertMany(tx, dialect, 'package_finding', rows);
  if (disappeared.length > 0) changes.disappeared = await recordChanges(tx, dialect, disappeared, 'disappeared', cause, at);
  // A change of rating is recorded as its two halves, for the counts by severity over time (not counted here).
  if (rerated.length > 0) {
    await recordChanges(
      tx,
      dialect,
      rerated.map((c) => ({ ...c, severity: c.previous as string })),
      'rerated-from',
      cause,
      at,
    );
    await recordChanges(tx, dialect, rerated, 'rerated-to', cause, at);
  }
  return changes;
}

/**
 * Record `kind` events (with each change's `severity`) for `changes` on every image holding their packages, but
 * images where another package with the same purl has the finding (as the store is now); returns the number
 * recorded.
 */
async function recordChanges(tx: Kysely<PlatformDatabase>, dialect: Dialect, changes: readonly FindingChange[], kind: FindingEventKind, cause: string, at: string): Promise<number> {
  let recorded = 0;
  for (let i = 0; i < changes.length; i += ROWS_PER_STATEMENT) {
    const relation = jsonRelation(dialect, 'c', CHANGE_COLUMNS, changes.slice(i, i + ROWS_PER_STATEMENT) as unknown as Record<string, unknown>[]);
    const result = await sql`
      insert into finding_event (org_id, image_id, display_id, purl, kind, at, cause, severity)
      select e.org_id, e.image_id, e.display_id, e.purl, ${kind}, ${at}, ${cause}, e.severity
      from (
        select i.org_id, ip.image_id, c.display_id, c.purl, ${worstSeverity(sql.ref('c.severity'))} as severity
        from ${relation}
        join image_package ip on ip.package_id = c.package_id
        join image i on i.id = ip.image_id
        where not exists (
          select 1 from package_finding pf
          join image_package other on other.package_id = pf.package_id and other.image_id = ip.image_id
          where pf.display_id = c.display_id and pf.purl = c.purl and pf.package_id <> c.package_id
        )
        group by i.org_id, ip.image_id, c.display_id, c.purl
      ) e
      order by e.image_id, e.purl, e.display_id`.execute(tx);
    recorded += Number(result.numAffectedRows ?? 0);
  }
  return recorded;
}
