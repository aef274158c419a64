// Listing an org's images: filters (search, repository, tag, environment, severity, creation time), sorts (push
// time by default, with keyset pages behind an opaque cursor; creation time, reference, findings, package count,
// with offset pages), how many match, and each image's summary (open findings by severity, packages, environments).
import { type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { SextantError } from '../../core/errors.ts';
import { SEVERITY_RATINGS, type ImageListQuery, type ImagePage, type ImageSummary, type SeverityRating } from '../model.ts';
import type { Dialect } from './bulk-insert.ts';
import { environmentsRunning } from './environments.ts';
import type { ImageTable, PlatformDatabase } from './schema.ts';

/** The image columns a summary is made of. */
export const SUMMARY_COLUMNS = ['id', 'digest', 'reference', 'repository', 'tag', 'created', 'pushed_at', 'os', 'architecture', 'package_count'] as const;
export type SummaryRow = Pick<Selectable<ImageTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** Where a page ends: by the last image's push time and digest (the push-time sort), or by an offset (the others). */
type Cursor = { pushedAt: string; digest: string } | { offset: number };

function encodeKeyset(row: SummaryRow): string {
  return Buffer.from(JSON.stringify([row.pushed_at, row.digest])).toString('base64url');
}

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { pushedAt: value[0], digest: value[1] };
    const offset = (value as { offset?: unknown } | null)?.offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return { offset };
  } catch {
    // fall through to the error below
  }
  throw new SextantError('USAGE', 'invalid page cursor');
}

/** `text` as a LIKE pattern matching it anywhere, with LIKE's own characters escaped (by `\`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `lower(column) like pattern` with `\` as LIKE's escape character. */
export function likeLower(column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${column}) like ${pattern} escape '\\'`;
}

/** `expression` ordered by code units on both databases (PostgreSQL's default collation may follow a locale). */
export function byCodeUnits(dialect: Dialect, expression: RawBuilder<unknown> | ReturnType<typeof sql.ref>): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`${expression} collate "C"` : sql`${expression}`;
}

/** How many rows of a group have `rating` in column `severity`; ratings outside the five count as `unknown` (CVSS `none`). */
export function ratingSum(severity: ReturnType<typeof sql.ref>, rating: SeverityRating): RawBuilder<number> {
  return rating === 'unknown'
    ? sql<number>`sum(case when ${severity} in ('critical', 'high', 'medium', 'low') then 0 else 1 end)`
    : sql<number>`sum(case when ${severity} = ${rating} then 1 else 0 end)`;
}

/** The ratings an image must have a finding of to pass the `severity` filter: that one and the worse ones. */
export function ratingsAtLeast(severity: Exclude<SeverityRating, 'unknown'>): SeverityRating[] {
  const order: SeverityRating[] = ['critical', 'high', 'medium', 'low'];
  return order.slice(0, order.indexOf(severity) + 1);
}

/**
 * A creation-time bound as `createdText` compares it: the UTC time written as toISOString does, without the `Z`,
 * trailing zeros of the fraction or a bare point (`2024-05-01T10:00:00.5`). A USAGE error when it is no time.
 */
function timeBound(name: string, text: string): string {
  const time = Date.parse(text);
  if (!Number.isFinite(time)) throw new SextantError('USAGE', `${name} must be an ISO 8601 date-time, not "${text}"`);
  return new Date(time).toISOString().replace(/Z$/, '').replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * An image's creation time as comparable text: as stored (UTC ISO 8601, `2024-05-01T10:00:00.123456789Z`, any
 * number of fraction digits) without its `Z`. Compared with a `timeBound` by code units, it orders as the times do:
 * a longer fraction with the same leading digits is the later (or the same) time.
 */
function createdText(dialect: Dialect): RawBuilder<unknown> {
  return byCodeUnits(dialect, sql`rtrim(${sql.ref('image.created')}, 'Z')`);
}

/** The filters of `query` on org `orgId`'s images (creation times: UTC, as images carry them). */
function filtered<O>(select: SelectQueryBuilder<PlatformDatabase, 'image', O>, dialect: Dialect, orgId: string, query: ImageListQuery): SelectQueryBuilder<PlatformDatabase, 'image', O> {
  let out = select.where('image.org_id', '=', orgId);
  if (query.search) {
    const pattern = containsPattern(query.search);
    out = out.where((eb) => eb.or((['image.reference', 'image.repository', 'image.tag', 'image.digest'] as const).map((column) => likeLower(sql.ref(column), pattern))));
  }
  if (query.repository !== undefined) out = out.where('image.repository', '=', query.repository);
  if (query.tag !== undefined) out = out.where('image.tag', '=', query.tag);
  if (query.environment !== undefined) {
    const environment = query.environment;
    out = out.where('image.digest', 'in', (eb) =>
      eb
        .selectFrom('deployment')
        .innerJoin('environment', 'environment.id', 'deployment.environment_id')
        .select('deployment.digest')
        .where('deployment.org_id', '=', orgId)
        .where('environment.org_id', '=', orgId)
        .where('environment.name', '=', environment),
    );
  }
  if (query.severity !== undefined) {
    const ratings = ratingsAtLeast(query.severity);
    // Driven by the findings (few) rather than by every package of every image (many).
    out = out.where('image.id', 'in', (eb) =>
      eb
        .selectFrom('package_finding')
        .innerJoin('image_package', 'image_package.package_id', 'package_finding.package_id')
        .select('image_package.image_id')
        .where('package_finding.severity', 'in', ratings),
    );
  }
  if (query.createdAfter !== undefined) out = out.where(sql<boolean>`${createdText(dialect)} >= ${timeBound('createdAfter', query.createdAfter)}`);
  if (query.createdBefore !== undefined) out = out.where(sql<boolean>`${createdText(dialect)} < ${timeBound('createdBefore', query.createdBefore)}`);
  return out;
}

/**
 * One page of org `orgId`'s images that pass `query`'s filters, in its order (ties by digest), with how many pass
 * in all. The push-time sort pages by keyset, the others by offset; `next` is the following page's cursor, null at
 * the end. A cursor that is not one of these is a USAGE error.
 */
export async function listImagePage(db: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string, query: ImageListQuery): Promise<ImagePage> {
  const limit = Number.isFinite(query.limit) ? Math.max(1, Math.floor(query.limit)) : 50;
  const sort = query.sort ?? 'pushed';
  const descending = (query.order ?? (sort === 'reference' ? 'asc' : 'desc')) === 'desc';
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (cursor && ('offset' in cursor ? sort === 'pushed' : sort !== 'pushed')) throw new SextantError('USAGE', 'invalid page cursor for this sort');

  const totalRow = await filtered(db.selectFrom('image'), dialect, orgId, query)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(totalRow.n);

  const columns = SUMMARY_COLUMNS.map((c) => `image.${c}` as const);
  const direction = descending ? 'desc' : 'asc';
  let rows: SummaryRow[];
  let offset = 0;
  if (sort === 'pushed') {
    let select = filtered(db.selectFrom('image').select(columns), dialect, orgId, query);
    if (cursor && 'pushedAt' in cursor) {
      const { pushedAt, digest } = cursor;
      select = select.where((eb) => eb.or([eb('image.pushed_at', descending ? '<' : '>', pushedAt), eb.and([eb('image.pushed_at', '=', pushedAt), eb('image.digest', '>', digest)])]));
    }
    rows = await select.orderBy('image.pushed_at', direction).orderBy('image.digest', 'asc').limit(limit + 1).execute();
  } else {
    offset = cursor && 'offset' in cursor ? cursor.offset : 0;
    let select = filtered(db.selectFrom('image').select(columns), dialect, orgId, query);
    if (sort === 'created') {
      // Images without a creation time come last either way.
      select = select.orderBy(sql`case when ${sql.ref('image.created')} is null then 1 else 0 end`).orderBy(createdText(dialect), direction);
    } else if (sort === 'reference') {
      select = select.orderBy(byCodeUnits(dialect, sql.ref('image.reference')), direction);
    } else if (sort === 'packages') {
      select = select.orderBy('image.package_count', direction);
    } else {
      const counts = severityCounts(db, orgId);
      select = select.leftJoin(counts.as('v'), 'v.image_id', 'image.id');
      for (const rating of SEVERITY_RATINGS) select = select.orderBy(sql`coalesce(${sql.ref(`v.${rating}`)}, 0)`, direction);
    }
    rows = await select.orderBy('image.digest', 'asc').limit(limit + 1).offset(offset).execute();
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? (sort === 'pushed' ? encodeKeyset(last) : encodeOffset(offset + limit)) : null;
  return { images: await summarize(db, orgId, page), next, total };
}

/**
 * Each of org `orgId`'s images with open findings: how many of each rating. Summed from each package's findings
 * (display ids are unique per package), which counts a finding once per id and purl as the summaries do whenever no
 * purl is held twice in one image: true of every SBOM Sextant assembles (one package per purl). Summing per
 * package spares a distinct over every finding row of every image.
 */
function severityCounts(db: Kysely<PlatformDatabase>, orgId: string) {
  const perPackage = db
    .selectFrom('package_finding')
    .select(['package_finding.package_id', ...SEVERITY_RATINGS.map((r) => ratingSum(sql.ref('package_finding.severity'), r).as(r))])
    .groupBy('package_finding.package_id');
  // SQLite joins CROSS JOINs in the order written: from the few packages with findings to the images holding
  // them (by image_package's package index), not from every package of every image.
  return db
    .selectFrom(perPackage.as('pv'))
    .crossJoin('image_package')
    .crossJoin('image')
    .whereRef('image_package.package_id', '=', 'pv.package_id')
    .whereRef('image.id', '=', 'image_package.image_id')
    .where('image.org_id', '=', orgId)
    .select(['image_package.image_id', ...SEVERITY_RATINGS.map((r) => sql<number>`sum(${sql.ref(`pv.${r}`)})`.as(r))])
    .groupBy('image_package.image_id');
}

/** The summaries of image rows of org `orgId`, in their order. */
export async function summarize(db: Kysely<PlatformDatabase>, orgId: string, rows: readonly SummaryRow[]): Promise<ImageSummary[]> {
  if (rows.length === 0) return [];
  // Each image's findings (one per id and purl, however many of its packages carry it) by severity.
  const findings = await db
    .selectFrom('image_package')
    .innerJoin('package_finding', 'package_finding.package_id', 'image_package.package_id')
    .select(['image_package.image_id', 'package_finding.display_id', 'package_finding.purl', 'package_finding.severity'])
    .distinct()
    .where(
      'image_package.image_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const bySeverity = new Map<number, Record<string, number>>();
  for (const f of findings) {
    const record = bySeverity.get(Number(f.image_id)) ?? {};
    record[f.severity] = (record[f.severity] ?? 0) + 1;
    bySeverity.set(Number(f.image_id), record);
  }
  const environments = await environmentsRunning(
    db,
    orgId,
    rows.map((r) => r.digest),
  );
  return rows.map((r) => ({
    digest: r.digest,
    reference: r.reference,
    repository: r.repository,
    tag: r.tag,
    created: r.created,
    pushedAt: r.pushed_at,
    os: r.os,
    architecture: r.architecture,
    packageCount: Number(r.package_count),
    vulnerabilities: bySeverity.get(Number(r.id)) ?? {},
    environments: environments.get(r.digest) ?? [],
  }));
}
