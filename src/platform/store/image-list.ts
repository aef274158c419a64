// Listing an org's images: newest push first (then by digest), an optional substring search, keyset pages behind
// an opaque cursor, and each image's summary (open findings by severity, package count, environments).
import { type Kysely, type Selectable, sql } from 'kysely';
import { SextantError } from '../../core/errors.ts';
import type { ImageSummary } from '../model.ts';
import { environmentsRunning } from './environments.ts';
import type { ImageTable, PlatformDatabase } from './schema.ts';

/** The image columns a summary is made of. */
export const SUMMARY_COLUMNS = ['id', 'digest', 'reference', 'repository', 'tag', 'created', 'pushed_at', 'os', 'architecture', 'package_count'] as const;
export type SummaryRow = Pick<Selectable<ImageTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** Where a page ends: the last image's push time and digest. */
function encodeCursor(row: SummaryRow): string {
  return Buffer.from(JSON.stringify([row.pushed_at, row.digest])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through to the error below
  }
  throw new SextantError('USAGE', 'invalid page cursor');
}

/** `text` as a LIKE pattern matching it anywhere, with LIKE's own characters escaped (by `\`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of org `orgId`'s images, newest push first, then by digest. `search` keeps images whose reference,
 * repository, tag or digest contains it (case-blind). `next` is the cursor of the following page, null at the end.
 */
export async function listImagePage(db: Kysely<PlatformDatabase>, orgId: string, query: { search?: string; limit: number; cursor?: string | null }): Promise<{ images: ImageSummary[]; next: string | null }> {
  const limit = Number.isFinite(query.limit) ? Math.max(1, Math.floor(query.limit)) : 50;
  let select = db.selectFrom('image').select(SUMMARY_COLUMNS).where('org_id', '=', orgId);
  if (query.search) {
    const pattern = containsPattern(query.search);
    select = select.where((eb) => eb.or((['reference', 'repository', 'tag', 'digest'] as const).map((column) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`)));
  }
  if (query.cursor) {
    const [pushedAt, digest] = decodeCursor(query.cursor);
    select = select.where((eb) => eb.or([eb('pushed_at', '<', pushedAt), eb.and([eb('pushed_at', '=', pushedAt), eb('digest', '>', digest)])]));
  }
  const rows = await select.orderBy('pushed_at', 'desc').orderBy('digest', 'asc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { images: await summarize(db, orgId, page), next: rows.length > limit && last ? encodeCursor(last) : null };
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
