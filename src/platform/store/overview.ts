// The overview of an org, counted in the database: images and packages, environments, open findings and
// vulnerabilities by severity, the findings trend (a running sum of finding events by UTC day), the findings an
// advisory update brought, the images with the worst findings, and the images whose base has moved on.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { findOutdatedBases, prefixChainIds, provenanceTags, type BaseImageRecord, type CatalogRecord } from '../outdated-bases.ts';
import { SEVERITY_RATINGS, type ImageSummary, type NewFinding, type Overview, type SeverityCounts, type SeverityRating, type TrendDay } from '../model.ts';
import { type Dialect, oneOf, valuesPerCondition } from './bulk-insert.ts';
import { severityRank } from './findings.ts';
import { SUMMARY_COLUMNS, summarize } from './image-list.ts';
import type { PlatformDatabase } from './schema.ts';

/** What the overview is asked for. */
export interface OverviewQuery {
  /** Days in the trend, the last being today (UTC). */
  days: number;
  /** When the advisory database last changed: new findings are those an advisory change brought since. */
  since: string | null;
  /** Now (default: the clock). */
  now?: Date;
}

/** At most this many new findings, top images and outdated bases. */
const NEW_FINDINGS = 20;
const TOP_IMAGES = 10;
const OUTDATED_BASES = 20;

/** Zero of every rating. */
export function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}

/** The rating of a `severityRank` (4 and anything else: unknown). */
export function ratingOfRank(rank: number | string): SeverityRating {
  return SEVERITY_RATINGS[Number(rank)] ?? 'unknown';
}

/** A stored rating as one of the five (`none` and anything else: unknown). */
export function ratingOf(severity: string): SeverityRating {
  return (SEVERITY_RATINGS as readonly string[]).includes(severity) ? (severity as SeverityRating) : 'unknown';
}

/**
 * SQL: org `orgId`'s open findings joined to their images, one row per image and package finding. Driven by the
 * findings (few) to the images holding their packages rather than by every package of every image (many); the
 * cross joins keep SQLite to that order (PostgreSQL plans its own).
 */
export function orgFindingRows(orgId: string): RawBuilder<unknown> {
  return sql`package_finding pf cross join image_package ip cross join image i
    where ip.package_id = pf.package_id and i.id = ip.image_id and i.org_id = ${orgId}`;
}

/** Everything of the overview but the advisory database's state, for org `orgId`. */
export async function readOverview(db: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string, query: OverviewQuery): Promise<Omit<Overview, 'advisories'>> {
  const now = query.now ?? new Date();
  const [totals, environments, counts, trend, newFindings, outdatedBases] = await Promise.all([
    readTotals(db, orgId),
    readEnvironmentCounts(db, orgId),
    readFindingCounts(db, orgId),
    readTrend(db, orgId, query.days, now),
    readNewFindings(db, orgId, query.since),
    readOutdatedBases(db, dialect, orgId),
  ]);
  return {
    ...totals,
    environments,
    findings: counts.findings,
    vulnerabilities: counts.vulnerabilities,
    trend,
    newFindings,
    topImages: await readTopImages(db, orgId, counts.byImage),
    outdatedBases,
  };
}

async function readTotals(db: Kysely<PlatformDatabase>, orgId: string): Promise<{ images: number; packages: number }> {
  const row = await db
    .selectFrom('image')
    .select((eb) => [eb.fn.countAll<number | string>().as('images'), eb.fn.sum<number | string | null>('package_count').as('packages')])
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { images: Number(row.images), packages: Number(row.packages ?? 0) };
}

/** Each environment of the org by name: distinct digests running there, and workloads (namespace, name and type). */
async function readEnvironmentCounts(db: Kysely<PlatformDatabase>, orgId: string): Promise<Overview['environments']> {
  const { rows } = await sql<{ name: string; images: number | string; workloads: number | string }>`
    select e.name, count(distinct d.digest) as images, count(distinct d.namespace || ${'\n'} || d.workload || ${'\n'} || d.workload_type) as workloads
    from environment e left join deployment d on d.environment_id = e.id
    where e.org_id = ${orgId}
    group by e.id, e.name`.execute(db);
  return rows.map((r) => ({ name: r.name, images: Number(r.images), workloads: Number(r.workloads) })).sort((a, b) => compare(a.name, b.name));
}

/**
 * Open findings (image, id, purl: each rated the worst its packages rate it) by severity, per image and in all, and
 * distinct vulnerabilities by their worst severity.
 */
async function readFindingCounts(db: Kysely<PlatformDatabase>, orgId: string): Promise<{ findings: SeverityCounts; vulnerabilities: SeverityCounts; byImage: Map<number, SeverityCounts> }> {
  const perImage = await sql<{ image_id: number | string; r: number | string; n: number | string }>`
    select f.image_id, f.r, count(*) as n
    from (
      select ip.image_id, pf.display_id, pf.purl, min(${severityRank(sql.ref('pf.severity'))}) as r
      from ${orgFindingRows(orgId)}
      group by ip.image_id, pf.display_id, pf.purl
    ) f
    group by f.image_id, f.r`.execute(db);
  // A vulnerability's worst rating is over the package findings of the org's packages: each looked at once.
  const perVulnerability = await sql<{ r: number | string; n: number | string }>`
    select v.r, count(*) as n
    from (
      select pf.display_id, min(${severityRank(sql.ref('pf.severity'))}) as r
      from package_finding pf
      where exists (select 1 from image_package ip cross join image i where ip.package_id = pf.package_id and i.id = ip.image_id and i.org_id = ${orgId})
      group by pf.display_id
    ) v
    group by v.r`.execute(db);
  const findings = zeroCounts();
  const vulnerabilities = zeroCounts();
  const byImage = new Map<number, SeverityCounts>();
  for (const row of perImage.rows) {
    const rating = ratingOfRank(row.r);
    const n = Number(row.n);
    const id = Number(row.image_id);
    const counts = byImage.get(id) ?? zeroCounts();
    counts[rating] += n;
    byImage.set(id, counts);
    findings[rating] += n;
  }
  for (const row of perVulnerability.rows) vulnerabilities[ratingOfRank(row.r)] += Number(row.n);
  return { findings, vulnerabilities, byImage };
}

/** The UTC day (`YYYY-MM-DD`) `offset` days after `day`. */
function addDays(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Open findings by severity at the end of each of the `days` UTC days up to the one of `now`: the org's finding
 * events summed by day and severity in the database (those before the first day make the starting level), then
 * run up here. Events after today are left out.
 */
export async function readTrend(db: Kysely<PlatformDatabase>, orgId: string, days: number, now: Date): Promise<TrendDay[]> {
  const today = now.toISOString().slice(0, 10);
  const first = addDays(today, -(Math.max(1, Math.floor(days)) - 1));
  const { rows } = await sql<{ day: string; severity: string; n: number | string }>`
    select e.day, e.severity, sum(e.n) as n
    from (
      select case when at < ${first} then '' else substr(at, 1, 10) end as day, severity,
        case when kind in ('appeared', 'rerated-to') then 1 else -1 end as n
      from finding_event
      where org_id = ${orgId}
    ) e
    group by e.day, e.severity`.execute(db);
  const byDay = new Map<string, SeverityCounts>();
  for (const r of rows) {
    const counts = byDay.get(r.day) ?? zeroCounts();
    counts[ratingOf(r.severity)] += Number(r.n);
    byDay.set(r.day, counts);
  }
  const level = byDay.get('') ?? zeroCounts();
  const trend: TrendDay[] = [];
  for (let day = first; day <= today; day = addDays(day, 1)) {
    const delta = byDay.get(day);
    if (delta) for (const rating of SEVERITY_RATINGS) level[rating] += delta[rating];
    trend.push({ day, ...level });
  }
  return trend;
}

/**
 * The org's findings that appeared through an advisory change (a cause other than a push) at or after `since` and
 * are open now, each once (the latest appearance), rated as now: how many, and the worst few (then the latest).
 */
async function readNewFindings(db: Kysely<PlatformDatabase>, orgId: string, since: string | null): Promise<Overview['newFindings']> {
  if (since === null) return { since, total: 0, findings: [] };
  const { rows } = await sql<{ total: number | string; display_id: string; purl: string; at: string; r: number | string; digest: string; reference: string }>`
    select count(*) over () as total, n.display_id, n.purl, n.at, n.r, i.digest, i.reference
    from (
      select e.image_id, e.display_id, e.purl, max(e.at) as at, min(${severityRank(sql.ref('pf.severity'))}) as r
      from finding_event e
      cross join package_finding pf
      cross join image_package ip
      where e.org_id = ${orgId} and e.kind = 'appeared' and e.cause <> 'push' and e.at >= ${since}
        and pf.display_id = e.display_id and pf.purl = e.purl
        and ip.package_id = pf.package_id and ip.image_id = e.image_id
      group by e.image_id, e.display_id, e.purl
    ) n
    join image i on i.id = n.image_id
    order by n.r, n.at desc, n.display_id, n.purl, i.digest
    limit ${NEW_FINDINGS}`.execute(db);
  const findings: NewFinding[] = rows.map((r) => ({ id: r.display_id, purl: r.purl, severity: ratingOfRank(r.r), digest: r.digest, reference: r.reference, at: r.at }));
  return { since, total: Number(rows[0]?.total ?? 0), findings };
}

/** The images with findings, most critical first (then high, medium, low, unknown; then by digest), summarised. */
async function readTopImages(db: Kysely<PlatformDatabase>, orgId: string, byImage: ReadonlyMap<number, SeverityCounts>): Promise<ImageSummary[]> {
  if (byImage.size === 0) return [];
  const digests = new Map((await db.selectFrom('image').select(['id', 'digest']).where('org_id', '=', orgId).execute()).map((r) => [Number(r.id), r.digest]));
  const top = [...byImage]
    .sort(([ia, a], [ib, b]) => b.critical - a.critical || b.high - a.high || b.medium - a.medium || b.low - a.low || b.unknown - a.unknown || compare(digests.get(ia) ?? '', digests.get(ib) ?? ''))
    .slice(0, TOP_IMAGES)
    .map(([id]) => id);
  const rows = await db.selectFrom('image').select(SUMMARY_COLUMNS).where('org_id', '=', orgId).where('id', 'in', top).execute();
  const order = new Map(top.map((id, i) => [id, i]));
  rows.sort((a, b) => (order.get(Number(a.id)) ?? 0) - (order.get(Number(b.id)) ?? 0));
  return summarize(db, orgId, rows);
}

/** The org's images as the outdated-base rules read them, and the catalog entries that may matter (few queries). */
async function readOutdatedBases(db: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string): Promise<Overview['outdatedBases']> {
  const variant = dialect === 'postgres' ? sql<string | null>`(metadata::json ->> 'variant')` : sql<string | null>`json_extract(metadata, '$.variant')`;
  const provenance = dialect === 'postgres' ? sql<string | null>`(metadata::json -> 'provenance' ->> 'baseImage')` : sql<string | null>`json_extract(metadata, '$.provenance.baseImage')`;
  const images = await db
    .selectFrom('image')
    .select(['id', 'digest', 'reference', 'repository', 'tag', 'os', 'architecture', 'pushed_at', variant.as('variant'), provenance.as('provenance')])
    .where('org_id', '=', orgId)
    // In push order: candidates that tie as bases are taken in the same order every time.
    .orderBy('pushed_at')
    .orderBy('digest')
    .execute();
  if (images.length === 0) return [];
  const layers = await db
    .selectFrom('image_layer')
    .innerJoin('image', 'image.id', 'image_layer.image_id')
    .select(['image_layer.image_id', 'image_layer.diff_id'])
    .where('image.org_id', '=', orgId)
    .orderBy('image_layer.image_id')
    .orderBy('image_layer.position')
    .execute();
  const chains = new Map<number, string[]>();
  for (const l of layers) {
    const id = Number(l.image_id);
    const list = chains.get(id);
    if (list) list.push(l.diff_id);
    else chains.set(id, [l.diff_id]);
  }
  const records: BaseImageRecord[] = images.map((r) => ({
    digest: r.digest,
    reference: r.reference,
    repository: r.repository,
    tag: r.tag,
    os: r.os,
    architecture: r.architecture,
    variant: typeof r.variant === 'string' && r.variant !== '' ? r.variant : null,
    pushedAt: r.pushed_at,
    layers: chains.get(Number(r.id)) ?? [],
    provenanceBase: typeof r.provenance === 'string' && r.provenance !== '' ? r.provenance : null,
  }));
  const byChain = await catalogWhere(db, dialect, 'chain_id', prefixChainIds(records));
  const byTag = await catalogWhere(db, dialect, 'tag', provenanceTags(records));
  return findOutdatedBases(records, byChain, byTag).slice(0, OUTDATED_BASES);
}

/** The catalog entries whose `column` is one of `values`. */
async function catalogWhere(db: Kysely<PlatformDatabase>, dialect: Dialect, column: 'chain_id' | 'tag', values: readonly string[]): Promise<CatalogRecord[]> {
  const out: CatalogRecord[] = [];
  const step = valuesPerCondition(dialect, values.length);
  for (let i = 0; i < values.length; i += step) {
    const rows = await db
      .selectFrom('catalog_image')
      .select(['name', 'tag', 'platform', 'digest', 'layers', 'chain_id'])
      .where(oneOf(dialect, column, values.slice(i, i + step)))
      .execute();
    for (const r of rows) out.push({ name: r.name, tag: r.tag, platform: r.platform === '' ? null : r.platform, digest: r.digest, layers: JSON.parse(r.layers) as string[], chainId: r.chain_id });
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
