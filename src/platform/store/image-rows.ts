// How a pushed image is laid out in the store's rows: the image row, its layers and packages split into shared
// content rows (keyed by diffID and by a content hash) and per-image references, and the packages' OSV lookup
// coordinates. Pure: no database here.
import { hash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ImageMetadata, OsRelease } from '../../core/model.ts';
import type { Location, Package } from '../../core/package.ts';
import type { Sbom } from '../../core/sbom.ts';
import { lookupName } from '../../advisory/names.ts';
import { osvCoordinates } from '../../match/osv-coordinates.ts';
import type { PushPayload } from '../model.ts';
import { chainIds } from '../chain-id.ts';
import type { ImageLayerTable, ImagePackageTable, ImageTable, LayerTable, PackageCoordinateTable, PackageTable } from './schema.ts';

/**
 * JSON with every object's keys in sorted order, so equal content always gives the same text (and hash).
 * Otherwise as JSON.stringify (undefined members left out, `toJSON` honoured); integer-like keys come first in
 * ascending order, as JavaScript orders them in any object.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value)) ?? 'null';
}

/** `value` with every plain object rebuilt with its keys inserted in sorted order (JSON.stringify writes them so). */
function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortedKeys);
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return sortedKeys(withJson.toJSON());
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) out[key] = sortedKeys(record[key]);
  return out;
}

function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The digest an image is stored under: its manifest digest; for an image without one (a root filesystem, an
 * imported SBOM), its image ID; failing both, the sha256 of its canonical metadata.
 */
export function imageKey(image: ImageMetadata): string {
  return image.digest ?? image.id ?? `sha256:${sha256Hex(canonicalJson(image))}`;
}

/** Where OSV looks a package up, as the store keeps it: ecosystem without release, name as the index compares it. */
export type StoredCoordinate = Pick<PackageCoordinateTable, 'ecosystem' | 'name'>;

/**
 * A package's content without what is particular to one image (`locations`, `direct`), as stored once, and its
 * OSV coordinates under `distro`. The digest names both, the distribution's release included: the same package
 * seen under a distribution that changes where OSV looks it up (rare: OS package purls name their distribution) is
 * another row. So everything matching reads is fixed by the digest: a stored package's coordinates never change,
 * and its findings hold for every image that holds it.
 */
export function packageContent(p: Package, distro: OsRelease | null): { digest: string; data: string; coordinates: StoredCoordinate[] } {
  const data = packageJson(p);
  const coordinates: StoredCoordinate[] = [];
  const lookedUp: string[] = [];
  for (const c of osvCoordinates(p, distro)) {
    const name = lookupName(c.ecosystem, c.name);
    lookedUp.push(`${c.ecosystem}:${c.release ?? ''}/${c.name}@${c.version}`);
    if (!coordinates.some((x) => x.ecosystem === c.ecosystem && x.name === name)) coordinates.push({ ecosystem: c.ecosystem, name });
  }
  return { digest: sha256Hex(`${data}\n${lookedUp.join('\n')}`), data, coordinates };
}

/** `canonicalJson` of a package without `locations` and `direct`, the fields particular to one image. */
function packageJson(p: Package): string {
  const { locations: _locations, direct: _direct, ...content } = p;
  return canonicalJson(content);
}

/** A distinct package of a pushed image: its content row and coordinates, before the database gives it an id. */
export interface PackageRows {
  row: Insertable<PackageTable>;
  /** The package as pushed (its first copy in the SBOM), to match when it is new. */
  package: Package;
  coordinates: StoredCoordinate[];
}

/** The rows of one pushed image, but the ids the database assigns (the image's, new packages'). */
export interface ImageRows {
  digest: string;
  image: Omit<ImageTable, 'id' | 'org_id'>;
  layers: Insertable<LayerTable>[];
  imageLayers: Omit<ImageLayerTable, 'image_id'>[];
  /** Distinct packages, sorted by digest (concurrent pushes then lock rows in one order). */
  packages: PackageRows[];
  /** The image's packages in SBOM order, by content digest. */
  imagePackages: (Omit<ImagePackageTable, 'image_id' | 'package_id'> & { digest: string })[];
}

/** Lay out `payload` (pushed at `at`, matched against advisory database `database`) in rows. */
export function imageRows(payload: PushPayload, at: string, database: string): ImageRows {
  const { sbom, secrets } = payload;
  const meta = sbom.image;
  const diffIds = meta.layers.map((l) => l.diffId);
  const digest = imageKey(meta);

  const layers = new Map<string, Insertable<LayerTable>>();
  for (const l of meta.layers) if (!layers.has(l.diffId)) layers.set(l.diffId, { diff_id: l.diffId, digest: l.digest, size: l.size, media_type: l.mediaType });

  const packages = new Map<string, PackageRows>();
  const imagePackages = sbom.packages.map((p, position) => {
    const { digest: key, data, coordinates } = packageContent(p, sbom.distro);
    if (!packages.has(key)) packages.set(key, { row: { digest: key, purl: p.purl, type: p.type, name: p.name, version: p.version, data }, package: p, coordinates });
    return { position, digest: key, locations: JSON.stringify(p.locations), direct: p.direct === null ? null : p.direct ? 1 : 0 };
  });

  return {
    digest,
    image: {
      digest,
      index_digest: meta.indexDigest,
      config_digest: meta.id,
      reference: meta.reference,
      repository: meta.registry?.repository ?? null,
      tag: meta.registry?.tag ?? null,
      registry_type: meta.registry?.type ?? null,
      created: meta.created,
      os: meta.os,
      architecture: meta.architecture,
      pushed_at: at,
      layer_count: diffIds.length,
      chain_id: chainIds(diffIds).at(-1) ?? null,
      package_count: sbom.packages.length,
      database,
      metadata: JSON.stringify(meta),
      distro: sbom.distro === null ? null : JSON.stringify(sbom.distro),
      relationships: JSON.stringify(sbom.relationships),
      secrets: JSON.stringify(secrets),
      sbom_generated_at: sbom.generatedAt,
      tool_version: sbom.tool.version,
    },
    layers: [...layers.values()].sort((a, b) => compareCodeUnits(a.diff_id, b.diff_id)),
    imageLayers: meta.layers.map((l, position) => ({ position, diff_id: l.diffId, created_by: l.createdBy })),
    packages: [...packages.values()].sort((a, b) => compareCodeUnits(a.row.digest, b.row.digest)),
    imagePackages,
  };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A package back from its stored content and its image's reference row, fields in the model's order. */
export function readPackage(data: string, locations: string, direct: number | null): Package {
  const content = JSON.parse(data) as Omit<Package, 'locations' | 'direct'>;
  const { type, namespace, name, version, purl, authors, description, licenses, size, dependsOn, source, arch, foundBy, metadata, ...rest } = content;
  return {
    type,
    namespace,
    name,
    version,
    purl,
    authors,
    description,
    licenses,
    size,
    locations: JSON.parse(locations) as Location[],
    direct: direct === null ? null : Number(direct) === 1,
    dependsOn,
    source,
    arch,
    foundBy,
    metadata,
    ...rest,
  };
}

/** The SBOM document back from an image row and its packages. */
export function readSbom(row: Pick<ImageTable, 'metadata' | 'distro' | 'relationships' | 'sbom_generated_at' | 'tool_version'>, packages: Package[]): Sbom {
  return {
    schema: 'sextant-sbom/1',
    generatedAt: row.sbom_generated_at,
    tool: { name: 'sextant', version: row.tool_version },
    image: JSON.parse(row.metadata) as ImageMetadata,
    distro: row.distro === null ? null : (JSON.parse(row.distro) as OsRelease),
    packageCount: packages.length,
    packages,
    relationships: JSON.parse(row.relationships) as Sbom['relationships'],
  };
}
