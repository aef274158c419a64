// An org's vulnerabilities, counted from its open findings in the database: the list (worst first, then most
// images, a page at a time) and, for one vulnerability, the org's images with an open finding of it.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Finding } from '../../match/matcher.ts';
import type { Severity } from '../../core/advisory.ts';
import type { SeverityRating, VulnerabilityListQuery, VulnerabilityRow, VulnerableImage } from '../model.ts';
import { type Dialect, oneOf, valuesPerCondition } from './bulk-insert.ts';
import { environmentsRunning } from './environments.ts';
import { severityRank } from './findings.ts';
import { byCodeUnits, containsPattern, likeLower } from './image-list.ts';
import { orgFindingRows, ratingOf, ratingOfRank } from './overview.ts';
import type { PlatformDatabase } from './schema.ts';

/** A vulnerability of the list as the store gives it: without exploit data, with its ids to look that up by. */
export interface StoredVulnerabilityRow extends Omit<VulnerabilityRow, 'kev'> {
  /** Every id of the vulnerability (its findings' `ids`). */
  ids: string[];
}

/** The org's open findings of one vulnerability: where they are, and what the findings themselves say of it. */
export interface VulnerabilityFindings {
  images: VulnerableImage[];
  /** Every id the findings give it, sorted. */
  ids: string[];
  /** The summary and severity of the worst-rated finding (null without findings). */
  summary: string | null;
  severity: Severity | null;
}

/** The severity ranks of the five ratings (see `severityRank`). */
const RANKS: Record<SeverityRating, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };

/**
 * A page of org `orgId`'s vulnerabilities (distinct display ids of its open findings): each with its worst rating,
 * images and distinct purls having it, and whether some finding of it names a fix; worst first, then most images,
 * then by id. `search` keeps those with an id or a purl containing it (case-blind), `severity` those whose worst
 * rating it is. `total` counts every vulnerability that passes.
 */
export async function listVulnerabilities(db: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string, query: VulnerabilityListQuery): Promise<{ total: number; rows: StoredVulnerabilityRow[] }> {
  const pattern = query.search ? containsPattern(query.search) : null;
  const conditions = [
    ...(pattern ? [sql`max(f.m) = 1`] : []),
    ...(query.severity ? [sql`min(f.r) = ${RANKS[query.severity]}`] : []),
  ];
  const having = conditions.length ? sql`having ${sql.join(conditions, sql` and `)}` : sql``;
  // A finding names a fix when its fixedIn is not empty; stored findings are JSON.stringify's text, so the empty
  // list is written exactly so (the test reads no more than that of each finding).
  const grouped = sql`
    select f.display_id, min(f.r) as r, count(distinct f.image_id) as images, count(distinct f.purl) as packages, max(f.fix) as fix
    from (
      select ip.image_id, pf.display_id, pf.purl, ${severityRank(sql.ref('pf.severity'))} as r,
        case when pf.data like '%"fixedIn":[]%' then 0 else 1 end as fix,
        ${pattern ? sql`case when ${likeLower(sql.ref('pf.ids'), pattern)} or ${likeLower(sql.ref('pf.purl'), pattern)} then 1 else 0 end` : sql`1`} as m
      from ${orgFindingRows(orgId)}
    ) f
    group by f.display_id
    ${having}`;
  const { rows } = await sql<{ total: number | string; display_id: string; r: number | string; images: number | string; packages: number | string; fix: number | string }>`
    select count(*) over () as total, g.display_id, g.r, g.images, g.packages, g.fix
    from (${grouped}) g
    order by g.r, g.images desc, ${byCodeUnits(dialect, sql.ref('g.display_id'))}
    limit ${query.limit} offset ${query.offset}`.execute(db);
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && query.offset > 0) {
    // Past the end: the page says nothing of the total, which is counted on its own.
    const counted = await sql<{ n: number | string }>`select count(*) as n from (${grouped}) g`.execute(db);
    total = Number(counted.rows[0]?.n ?? 0);
  }
  const about = await describe(
    db,
    dialect,
    rows.map((r) => r.display_id),
  );
  return {
    total,
    rows: rows.map((r) => ({
      id: r.display_id,
      severity: ratingOfRank(r.r),
      summary: about.get(r.display_id)?.summary ?? null,
      images: Number(r.images),
      packages: Number(r.packages),
      fixAvailable: Number(r.fix) === 1,
      ids: about.get(r.display_id)?.ids ?? [r.display_id],
    })),
  };
}

/** The summary and ids of each of `displayIds`, from one stored finding of each (the first package's). */
async function describe(db: Kysely<PlatformDatabase>, dialect: Dialect, displayIds: readonly string[]): Promise<Map<string, { summary: string | null; ids: string[] }>> {
  const out = new Map<string, { summary: string | null; ids: string[] }>();
  const step = valuesPerCondition(dialect, displayIds.length);
  for (let i = 0; i < displayIds.length; i += step) {
    const { rows } = await sql<{ display_id: string; ids: string; data: string }>`
      select pf.display_id, pf.ids, pf.data from package_finding pf
      where ${oneOf(dialect, 'pf.display_id', displayIds.slice(i, i + step))}
        and pf.package_id = (select min(x.package_id) from package_finding x where x.display_id = pf.display_id)`.execute(db);
    for (const r of rows) out.set(r.display_id, { summary: (JSON.parse(r.data) as Finding).summary ?? null, ids: JSON.parse(r.ids) as string[] });
  }
  return out;
}

/**
 * The org's images with an open finding whose ids include `id`, looked up among the findings displayed as one of
 * `displayIds` (the id, its aliases and its advisories' ids); with none there, among every finding of the org whose
 * ids name it. One entry per image and package (purl), the worst rating and every fixed version its findings name,
 * by reference (then digest, purl), each with the environments running the image.
 */
export async function vulnerableImages(db: Kysely<PlatformDatabase>, dialect: Dialect, orgId: string, id: string, displayIds: readonly string[]): Promise<VulnerabilityFindings> {
  type Row = { digest: string; reference: string; repository: string | null; tag: string | null; display_id: string; purl: string; ids: string; severity: string; data: string };
  const select = (condition: RawBuilder<unknown>) => sql<Row>`
    select i.digest, i.reference, i.repository, i.tag, pf.display_id, pf.purl, pf.ids, pf.severity, pf.data
    from ${orgFindingRows(orgId)} and ${condition}`;
  let rows: Row[] = [];
  const unique = [...new Set(displayIds)];
  const step = valuesPerCondition(dialect, unique.length);
  for (let i = 0; i < unique.length; i += step) rows.push(...(await select(oneOf(dialect, 'pf.display_id', unique.slice(i, i + step))).execute(db)).rows);
  const names = (r: Row) => r.display_id === id || (JSON.parse(r.ids) as string[]).includes(id);
  rows = rows.filter(names);
  if (rows.length === 0) rows = (await select(likeLower(sql.ref('pf.ids'), containsPattern(JSON.stringify(id)))).execute(db)).rows.filter(names);

  const byKey = new Map<string, VulnerableImage>();
  const ids = new Set<string>();
  let worst: { rank: number; finding: Finding } | null = null;
  for (const r of rows) {
    const finding = JSON.parse(r.data) as Finding;
    for (const other of JSON.parse(r.ids) as string[]) ids.add(other);
    const rank = RANKS[ratingOf(r.severity)];
    if (worst === null || rank < worst.rank) worst = { rank, finding };
    const key = `${r.digest}\n${r.purl}`;
    const seen = byKey.get(key);
    const severity = ratingOf(r.severity);
    if (!seen) {
      byKey.set(key, { digest: r.digest, reference: r.reference, repository: r.repository, tag: r.tag, purl: r.purl, packageName: finding.packageName, installedVersion: finding.installedVersion, fixedIn: [...finding.fixedIn], severity, environments: [] });
      continue;
    }
    if (RANKS[severity] < RANKS[seen.severity]) seen.severity = severity;
    for (const v of finding.fixedIn) if (!seen.fixedIn.includes(v)) seen.fixedIn.push(v);
  }
  const images = [...byKey.values()].sort((a, b) => compare(a.reference, b.reference) || compare(a.digest, b.digest) || compare(a.purl, b.purl));
  const running = await environmentsRunning(db, orgId, [...new Set(images.map((i) => i.digest))]);
  for (const image of images) image.environments = running.get(image.digest) ?? [];
  return { images, ids: [...ids].sort(compare), summary: worst?.finding.summary ?? null, severity: worst?.finding.severity ?? null };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
