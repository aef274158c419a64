// The package model: one software package found in an image, where it was found, and how it is named.

/** Package ecosystems, named as their package URL types (purl-spec). */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'maven'
  | 'golang'
  | 'cargo'
  | 'gem'
  | 'composer'
  | 'nuget'
  | 'conda'
  | 'pub'
  | 'hex'
  | 'swift'
  | 'generic';

/** A file in the image that declares a package, and the layer that wrote it. */
export interface Location {
  /** Absolute path in the image, e.g. `/var/lib/dpkg/status`. */
  path: string;
  /** Digest (diffID) of the layer that wrote the file; null for a root filesystem or a lockfile outside an image. */
  layerDigest: string | null;
}

/** One package. Fields a format does not record are null (licences: `NOASSERTION`). */
export interface Package {
  type: PackageType;
  /** purl namespace: the distro for OS packages (`debian`), the scope for npm (`@babel`), the groupId for Maven. */
  namespace: string | null;
  name: string;
  version: string;
  /** Package URL per purl-spec, with qualifiers (`arch`, `distro`, `epoch`, …). */
  purl: string;
  /** Authors or maintainers as written (`Name <email>`). */
  authors: string[];
  description: string | null;
  /** An SPDX licence expression, or `NOASSERTION` when unknown. */
  licenses: string;
  /** Installed size in bytes, when the format records it. */
  size: number | null;
  locations: Location[];
  /** True for a direct dependency of the application, false for a transitive one, null when unknowable. */
  direct: boolean | null;
  /** Names of the packages this one depends on, as the format writes them (resolved to purls when assembled). */
  dependsOn: string[];
  /** Source package of a binary OS package (dpkg `Source`, rpm `SOURCERPM`). */
  source: { name: string; version: string } | null;
  arch: string | null;
  /** The cataloger that found it, `name@version`. */
  foundBy: string;
  /** Ecosystem fields kept for matching and display (epoch, release, dev, integrity…). */
  metadata: Record<string, unknown>;
}
