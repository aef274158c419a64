// One stored image's packages a page at a time (filters, sorts, offsets) and its layers with what their packages
// bring, in SQL over image_package, package, package_finding, image_layer and layer: only the page's packages'
// stored JSON is read and parsed, however many packages the image has.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Location } from '../../core/package.ts';
import { SEVERITY_RATINGS, type ImageLayerRow, type ImagePackagePage, type ImagePackageQuery, type ImagePackageRow, type SeverityCounts, type SeverityRating } from '../model.ts';
import type { Dialect } from './bulk-insert.ts';
import { byCodeUnits, containsPattern, likeLower, ratingSum } from './image-list.ts';
import type { PlatformDatabase } from './schema.ts';

/** Zero of every rating. */
export function noFindings(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}

/** `counts` with `n` more of `rating` (ratings outside the five count as unknown). */
function add(counts: SeverityCounts, rating: string, n: number): void {
  const key: SeverityRating = (SEVERITY_RATINGS as readonly string[]).includes(rating) ? (rating as SeverityRating) : 'unknown';
  counts[key] += n;
}

/** The diffID of a package's first location, from image_package's `locations` JSON. */
function firstLayer(dialect: Dialect): RawBuilder<string | null> {
  return dialect === 'postgres' ? sql<string | null>`(ip.locations::json -> 0 ->> 'layerDigest')` : sql<string | null>`json_extract(ip.locations, '$[0].layerDigest')`;
}

/** True when one of a package's locations is in layer `diffId` (a cheap text test first, then the JSON). */
function inLayer(dialect: Dialect, diffId: string): RawBuilder<boolean> {
  return dialect === 'postgres'
    ? sql<boolean>`(strpos(ip.locations, ${diffId}) > 0 and exists (select 1 from json_array_elements(ip.locations::json) loc where loc ->> 'layerDigest' = ${diffId}))`
    : sql<boolean>`(instr(ip.locations, ${diffId}) > 0 and exists (select 1 from json_each(ip.locations) loc where json_extract(loc.value, '$.layerDigest') = ${diffId}))`;
}

/** Every (package position, package id, layer diffID) of image `imageId`'s locations, as a relation. */
function locationLayers(dialect: Dialect, imageId: number): RawBuilder<unknown> {
  return dialect === 'postgres'
    ? sql`(select ip.position, ip.package_id, loc ->> 'layerDigest' as diff_id from image_package ip, json_array_elements(ip.locations::json) loc where ip.image_id = ${imageId})`
    : sql`(select ip.position, ip.package_id, json_extract(loc.value, '$.layerDigest') as diff_id from image_package ip, json_each(ip.locations) loc where ip.image_id = ${imageId})`;
}

/** `sum(case …)` per rating over a relation's `severity` column, as columns named for the ratings. */
const RATING_SUMS = sql.join(SEVERITY_RATINGS.map((r) => sql`${ratingSum(sql.ref('severity'), r)} as ${sql.id(r)}`));

/**
 * One page of the packages of image `imageId` that pass `query`'s filters, in its order (ties by SBOM position),
 * with how many pass in all. Names sort case-blind; versions as text; `vulnerabilities` by critical findings, then
 * high, medium, low, unknown; `layer` by the position of the first location's layer (packages outside the image's
 * layers last). Each statement joins only what its filters and sort need.
 */
export async function readPackagePage(db: Kysely<PlatformDatabase>, dialect: Dialect, imageId: number, query: ImagePackageQuery): Promise<ImagePackagePage> {
  const sort = query.sort ?? 'name';
  const descending = (query.order ?? (sort === 'vulnerabilities' ? 'desc' : 'asc')) === 'desc';
  const dir = sql.raw(descending ? 'desc' : 'asc');
  const limit = Math.max(1, Math.floor(query.limit));
  const offset = Math.max(0, Math.floor(query.offset));

  const conditions: RawBuilder<boolean>[] = [sql<boolean>`ip.image_id = ${imageId}`];
  if (query.search) {
    const pattern = containsPattern(query.search);
    conditions.push(sql<boolean>`(${likeLower(sql.ref('p.name'), pattern)} or ${likeLower(sql.ref('p.purl'), pattern)})`);
  }
  if (query.type !== undefined) conditions.push(sql<boolean>`p.type = ${query.type}`);
  if (query.layer !== undefined) conditions.push(inLayer(dialect, query.layer));
  if (query.direct !== undefined) conditions.push(sql<boolean>`ip.direct = ${query.direct ? 1 : 0}`);
  if (query.vulnerable === true) conditions.push(sql<boolean>`exists (select 1 from package_finding pf where pf.package_id = ip.package_id)`);
  const where = sql.join(conditions, sql` and `);
  const packageJoin = sql`join package p on p.id = ip.package_id`;

  const counted = query.search || query.type !== undefined ? sql`image_package ip ${packageJoin}` : sql`image_package ip`;
  const totalRow = (await sql<{ n: number | string }>`select count(*) as n from ${counted} where ${where}`.execute(db)).rows[0];
  const total = Number(totalRow?.n ?? 0);
  if (total === 0 || offset >= total) return { total, packages: [] };

  const name = byCodeUnits(dialect, sql`lower(p.name)`);
  const nameTie = byCodeUnits(dialect, sql.ref('p.name'));
  let from = sql`image_package ip ${packageJoin}`;
  let order: RawBuilder<unknown>;
  if (sort === 'type') order = sql`${byCodeUnits(dialect, sql.ref('p.type'))} ${dir}, ${name} asc, ${nameTie} asc`;
  else if (sort === 'version') order = sql`${byCodeUnits(dialect, sql.ref('p.version'))} ${dir}, ${name} asc, ${nameTie} asc`;
  else if (sort === 'vulnerabilities') {
    // Each of the image's packages' findings by rating (display ids are unique per package: rows are findings).
    from = sql`${from} left join (
      select fp.position, ${RATING_SUMS} from image_package fp join package_finding pf on pf.package_id = fp.package_id where fp.image_id = ${imageId} group by fp.position
    ) v on v.position = ip.position`;
    order = sql`${sql.join(SEVERITY_RATINGS.map((r) => sql`coalesce(${sql.ref(`v.${r}`)}, 0) ${dir}`))}, ${name} asc, ${nameTie} asc`;
  } else if (sort === 'layer') {
    from = sql`${from} left join (select diff_id, min(position) as layer_index from image_layer where image_id = ${imageId} group by diff_id) li on li.diff_id = ${firstLayer(dialect)}`;
    order = sql`case when li.layer_index is null then 1 else 0 end, li.layer_index ${dir}, ${name} asc, ${nameTie} asc`;
  } else order = sql`${name} ${dir}, ${nameTie} ${dir}`;

  const page = (await sql<{ position: number }>`select ip.position from ${from} where ${where} order by ${order}, ip.position asc limit ${limit} offset ${offset}`.execute(db)).rows;
  if (page.length === 0) return { total, packages: [] };

  // Only now the page's stored packages, their findings and the image's layer order.
  const positions = page.map((r) => Number(r.position));
  const details = await db
    .selectFrom('image_package')
    .innerJoin('package', 'package.id', 'image_package.package_id')
    .select(['image_package.position', 'image_package.locations', 'image_package.direct', 'package.data'])
    .where('image_package.image_id', '=', imageId)
    .where('image_package.position', 'in', positions)
    .execute();
  const findings = await db
    .selectFrom('image_package')
    .innerJoin('package_finding', 'package_finding.package_id', 'image_package.package_id')
    .select(['image_package.position', 'package_finding.severity'])
    .where('image_package.image_id', '=', imageId)
    .where('image_package.position', 'in', positions)
    .execute();
  const byPosition = new Map(details.map((d) => [Number(d.position), d]));
  const counts = new Map<number, SeverityCounts>();
  for (const f of findings) {
    const position = Number(f.position);
    const record = counts.get(position) ?? noFindings();
    add(record, f.severity, 1);
    counts.set(position, record);
  }
  const layerOrder = await imageLayerOrder(db, imageId);

  const packages: ImagePackageRow[] = [];
  for (const position of positions) {
    const d = byPosition.get(position);
    if (!d) continue;
    const content = JSON.parse(d.data) as Record<string, unknown>;
    const locations = JSON.parse(d.locations) as Location[];
    const layers = [...new Set(locations.map((l) => l.layerDigest).filter((l): l is string => typeof l === 'string'))];
    // Image order; layers the image does not have (an imported SBOM's) keep their place after those it has.
    const rank = (diffId: string) => layerOrder.get(diffId) ?? Number.MAX_SAFE_INTEGER;
    layers.sort((a, b) => rank(a) - rank(b));
    const first = locations[0]?.layerDigest;
    packages.push({
      position,
      purl: String(content.purl),
      type: String(content.type),
      namespace: typeof content.namespace === 'string' ? content.namespace : null,
      name: String(content.name),
      version: String(content.version),
      licenses: typeof content.licenses === 'string' ? content.licenses : null,
      description: typeof content.description === 'string' ? content.description : null,
      authors: Array.isArray(content.authors) ? content.authors.filter((a): a is string => typeof a === 'string') : [],
      size: typeof content.size === 'number' ? content.size : null,
      paths: locations.map((l) => l.path),
      layers,
      layerIndex: typeof first === 'string' ? (layerOrder.get(first) ?? null) : null,
      direct: d.direct === null ? null : Number(d.direct) === 1,
      vulnerabilities: counts.get(position) ?? noFindings(),
    });
  }
  return { total, packages };
}

/** Image `imageId`'s layers by diffID: the first position of each. */
async function imageLayerOrder(db: Kysely<PlatformDatabase>, imageId: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom('image_layer').select(['position', 'diff_id']).where('image_id', '=', imageId).orderBy('position').execute();
  const out = new Map<string, number>();
  for (const r of rows) if (!out.has(r.diff_id)) out.set(r.diff_id, Number(r.position));
  return out;
}

/**
 * Image `imageId`'s layers in image order, each with how many of the image's packages have a location in it and
 * the distinct findings (id and purl) of those packages by rating. The blob digest, size and media type are the
 * layer's as first stored (a layer is stored once by diffID).
 */
export async function readLayerRows(db: Kysely<PlatformDatabase>, dialect: Dialect, imageId: number): Promise<ImageLayerRow[]> {
  const layers = await db
    .selectFrom('image_layer')
    .leftJoin('layer', 'layer.diff_id', 'image_layer.diff_id')
    .select(['image_layer.position', 'image_layer.diff_id', 'image_layer.created_by', 'layer.digest', 'layer.size', 'layer.media_type'])
    .where('image_layer.image_id', '=', imageId)
    .orderBy('image_layer.position')
    .execute();
  if (layers.length === 0) return [];
  const pairs = locationLayers(dialect, imageId);
  const packageCounts = await sql<{ diff_id: string; n: number | string }>`select pl.diff_id, count(distinct pl.position) as n from ${pairs} pl where pl.diff_id is not null group by pl.diff_id`.execute(db);
  const findingCounts = await sql<{ diff_id: string; severity: string; n: number | string }>`
    select f.diff_id, f.severity, count(*) as n
    from (select distinct pl.diff_id, pf.display_id, pf.purl, pf.severity from ${pairs} pl join package_finding pf on pf.package_id = pl.package_id where pl.diff_id is not null) f
    group by f.diff_id, f.severity`.execute(db);
  const packages = new Map(packageCounts.rows.map((r) => [r.diff_id, Number(r.n)]));
  const findings = new Map<string, SeverityCounts>();
  for (const r of findingCounts.rows) {
    const counts = findings.get(r.diff_id) ?? noFindings();
    add(counts, r.severity, Number(r.n));
    findings.set(r.diff_id, counts);
  }
  return layers.map((l) => ({
    position: Number(l.position),
    digest: l.digest ?? l.diff_id,
    diffId: l.diff_id,
    size: Number(l.size ?? 0),
    mediaType: l.media_type ?? '',
    createdBy: l.created_by,
    packages: packages.get(l.diff_id) ?? 0,
    vulnerabilities: { ...(findings.get(l.diff_id) ?? noFindings()) },
  }));
}
