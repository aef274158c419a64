// The store's side of re-evaluation: the stored packages an advisory change concerns (through their OSV
// coordinates), the images holding them, and the replacement of those packages' findings on every such image in
// a few statements, recording what appeared and disappeared. Nothing is re-cataloged: packages are read back.
import type { Insertable, Kysely } from 'kysely';
import type { Location, Package } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { type Dialect, insertMany } from './bulk-insert.ts';
import { ROWS_PER_STATEMENT } from './chunks.ts';
import { lockFindingEvents } from './findings.ts';
import { readPackage } from './image-rows.ts';
import type { PlatformDatabase } from './schema.ts';

/** A stored package, by its row id, without image-specific locations. */
export interface StoredPackage {
  packageId: number;
  package: Package;
}

/** One image holding some of the concerned packages, with each one's locations there. */
export interface ImageHolding {
  orgId: string;
  imageId: number;
  digest: string;
  /** Package row id → its locations in this image. */
  locations: Map<number, Location[]>;
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

/** The images (of every org) holding any of `packageIds`, with those packages' locations in each. */
export async function imagesHolding(db: Kysely<PlatformDatabase>, packageIds: readonly number[]): Promise<ImageHolding[]> {
  const images = new Map<number, ImageHolding>();
  for (let i = 0; i < packageIds.length; i += ROWS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('image_package')
      .innerJoin('image', 'image.id', 'image_package.image_id')
      .select(['image.id', 'image.org_id', 'image.digest', 'image_package.package_id', 'image_package.locations'])
      .where('image_package.package_id', 'in', packageIds.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
    for (const r of rows) {
      let image = images.get(r.id);
      if (!image) images.set(r.id, (image = { orgId: r.org_id, imageId: r.id, digest: r.digest, locations: new Map() }));
      image.locations.set(r.package_id, JSON.parse(r.locations) as Location[]);
    }
  }
  return [...images.values()];
}

/** What a replacement changed, over all the images it touched. */
export interface PackageFindingChanges {
  appeared: number;
  disappeared: number;
  /** Images whose findings changed. */
  changedImages: number;
}

/**
 * The advisory database a finding's explanations cite (`"database":"sha256:…"`): the one part of a stored finding
 * that every advisory update changes, whether or not the verdict changed.
 */
const CITED_DATABASE = /"database":"[^"]*"/g;

/**
 * On each of `images`, make the findings of the packages in `packageIds` (at most ROWS_PER_STATEMENT) those
 * `findingsFor(image, packageId)` gives (inside the caller's transaction `tx`), leaving the image's other findings
 * alone; differences become events at `at` with `cause`. Only what changed is written: a finding whose content is
 * the same but for the advisory database it cites stays as stored; one whose content changed is rewritten in
 * place, keeping its first-seen time and position; a new one goes after the image's last. `findingsFor` may give
 * the same Finding objects for several images: each object is serialized once.
 */
export async function replacePackageFindings(
  tx: Kysely<PlatformDatabase>,
  dialect: Dialect,
  images: readonly ImageHolding[],
  packageIds: readonly number[],
  findingsFor: (image: ImageHolding, packageId: number) => Finding[],
  cause: string,
  at: string,
): Promise<PackageFindingChanges> {
  const changes: PackageFindingChanges = { appeared: 0, disappeared: 0, changedImages: 0 };
  const keyOf = (id: string, purl: string) => `${id}\n${purl}`;
  const concerned = new Set(packageIds);
  const serialized = new WeakMap<Finding, { data: string; comparable: string }>();
  const serialize = (f: Finding) => {
    let text = serialized.get(f);
    if (!text) {
      const data = JSON.stringify(f);
      serialized.set(f, (text = { data, comparable: data.replace(CITED_DATABASE, '') }));
    }
    return text;
  };
  const allEvents: Insertable<PlatformDatabase['finding_event']>[] = [];
  const recordEvent = (image: ImageHolding, displayId: string, purl: string, kind: 'appeared' | 'disappeared') => allEvents.push({ org_id: image.orgId, image_id: image.imageId, display_id: displayId, purl, kind, at, cause });
  for (let i = 0; i < images.length; i += ROWS_PER_STATEMENT) {
    const chunk = images.slice(i, i + ROWS_PER_STATEMENT);
    const imageIds = chunk.map((img) => img.imageId);
    const old = await tx
      .selectFrom('finding')
      .select(['image_id', 'package_id', 'display_id', 'purl', 'first_seen', 'position', 'data'])
      .where('image_id', 'in', imageIds)
      .where('package_id', 'in', packageIds)
      .execute();
    const oldByImage = new Map<number, Map<string, (typeof old)[number]>>();
    for (const r of old) {
      const m = oldByImage.get(r.image_id) ?? new Map();
      m.set(keyOf(r.display_id, r.purl), r);
      oldByImage.set(r.image_id, m);
    }
    const rows: Insertable<PlatformDatabase['finding']>[] = [];
    // Rows to delete: findings gone, and findings rewritten in place.
    const removed: { imageId: number; position: number }[] = [];
    const added: { image: ImageHolding; finding: Finding; packageId: number; data: string }[] = [];
    const row = (image: ImageHolding, f: Finding, packageId: number, data: string, position: number, firstSeen: string): Insertable<PlatformDatabase['finding']> => ({
      org_id: image.orgId,
      image_id: image.imageId,
      position,
      package_id: packageId,
      purl: f.purl,
      display_id: f.id,
      ids: JSON.stringify(f.ids),
      advisory_ids: JSON.stringify(f.advisoryIds),
      severity: f.severity?.rating ?? 'unknown',
      data,
      first_seen: firstSeen,
    });
    for (const image of chunk) {
      const before = oldByImage.get(image.imageId) ?? new Map<string, (typeof old)[number]>();
      const after = new Map<string, { finding: Finding; packageId: number }>();
      for (const packageId of image.locations.keys()) {
        if (!concerned.has(packageId)) continue;
        for (const f of findingsFor(image, packageId)) if (!after.has(keyOf(f.id, f.purl))) after.set(keyOf(f.id, f.purl), { finding: f, packageId });
      }
      let changed = false;
      for (const [key, r] of before) {
        if (after.has(key)) continue;
        removed.push({ imageId: image.imageId, position: r.position });
        recordEvent(image, r.display_id, r.purl, 'disappeared');
        changes.disappeared++;
        changed = true;
      }
      for (const [key, { finding: f, packageId }] of after) {
        const kept = before.get(key);
        const { data, comparable } = serialize(f);
        if (!kept) {
          added.push({ image, finding: f, packageId, data });
          recordEvent(image, f.id, f.purl, 'appeared');
          changes.appeared++;
          changed = true;
        } else if (kept.package_id !== packageId || (kept.data !== data && kept.data.replace(CITED_DATABASE, '') !== comparable)) {
          removed.push({ imageId: image.imageId, position: kept.position });
          rows.push(row(image, f, packageId, data, kept.position, kept.first_seen));
        }
      }
      if (changed) changes.changedImages++;
    }
    // New findings go after each image's last one (looked up image by image: one index probe each).
    const gaining = [...new Set(added.map((a) => a.image.imageId))];
    const lastPositions = gaining.length
      ? await tx
          .selectFrom('image')
          .select((eb) => ['image.id', eb.selectFrom('finding').select((f) => f.fn.max('finding.position').as('last')).whereRef('finding.image_id', '=', 'image.id').as('last')])
          .where('image.id', 'in', gaining)
          .execute()
      : [];
    const nextPosition = new Map(lastPositions.map((r) => [Number(r.id), r.last === null ? 0 : Number(r.last) + 1]));
    for (const { image, finding, packageId, data } of added) {
      const position = nextPosition.get(image.imageId) ?? 0;
      nextPosition.set(image.imageId, position + 1);
      rows.push(row(image, finding, packageId, data, position, at));
    }
    for (let j = 0; j < removed.length; j += ROWS_PER_STATEMENT) {
      const positions = removed.slice(j, j + ROWS_PER_STATEMENT);
      await tx
        .deleteFrom('finding')
        .where((eb) =>
          eb(
            eb.refTuple('image_id', 'position'),
            'in',
            positions.map((r) => eb.tuple(r.imageId, r.position)),
          ),
        )
        .execute();
    }
    await insertMany(tx, dialect, 'finding', rows);
  }
  // Events go in last, under their orgs' locks, so each org's events commit in seq order (see lockFindingEvents).
  if (allEvents.length > 0) {
    await lockFindingEvents(tx, dialect, allEvents.map((e) => e.org_id));
    await insertMany(tx, dialect, 'finding_event', allEvents);
  }
  return changes;
}
