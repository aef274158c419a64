// The platform's own model: organisations and their API tokens, stored images and what was pushed with them,
// base-image matches, environments, and the payloads the CLI and the server exchange (docs/api.md).
import type { SecretFinding } from '../core/secret.ts';
import type { Sbom } from '../core/sbom.ts';
import type { AffectedRange, ExploitPrediction, KnownExploited, Severity } from '../core/advisory.ts';
import type { Finding } from '../match/matcher.ts';

/** What a token may do: read, push images (and record environments), or administer the org. */
export type TokenScope = 'read' | 'push' | 'admin';

export interface Org {
  id: string;
  name: string;
  createdAt: string;
}

/** A token as the store describes it: never the secret itself, which is stored only as a hash. */
export interface TokenInfo {
  id: string;
  orgId: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
}

/** What an authenticated request acts as. */
export interface Principal {
  orgId: string;
  tokenId: string;
  scopes: TokenScope[];
}

/** `POST /api/v1/images`: what `sextant push` sends. */
export interface PushPayload {
  /** The full SBOM (`sbom --format json`): image metadata with provenance, packages with every field, relationships. */
  sbom: Sbom;
  /** Secret findings, redacted as `sextant secrets` prints them. */
  secrets: SecretFinding[];
  /** Record the image as running in this environment (optional). */
  environment?: string;
}

/**
 * `POST /api/v1/analysis`: what a local analysis sends. Only package URLs and layer digests: the server answers
 * from them and keeps nothing.
 */
export interface LocalAnalysisPayload {
  schema: 'sextant-local-analysis/1';
  /** The image's layers, base first, by diffID. */
  layers: string[];
  /** Each package's purl and the diffIDs of the layers that introduced it. */
  packages: { purl: string; layers: string[] }[];
}

/** An image the base detection can name: an org's stored image or a public catalog entry. */
export interface BaseCandidate {
  source: 'org' | 'catalog';
  /** `name:tag` for catalog entries, the stored reference for org images. */
  reference: string;
  /** Manifest digest, when known. */
  digest: string | null;
  /** Its whole layer chain, by diffID. */
  layers: string[];
}

/** The base image of an image: the candidate whose whole chain is the longest prefix of the image's chain. */
export interface BaseMatch {
  base: (BaseCandidate & { sharedLayers: number }) | null;
  /** The base image the provenance attestation names, when it names one. */
  provenance: string | null;
  /** Whether the two agree (same repository, and same digest when both have one); null when either is missing. */
  agrees: boolean | null;
}

/** A stored image, as lists show it. */
export interface ImageSummary {
  digest: string;
  reference: string;
  repository: string | null;
  tag: string | null;
  created: string | null;
  pushedAt: string;
  os: string | null;
  architecture: string | null;
  packageCount: number;
  /** Open findings by severity rating. */
  vulnerabilities: Record<string, number>;
  environments: string[];
}

/** Severity ratings of findings, worst first (`unknown`: the advisories rate none). */
export const SEVERITY_RATINGS = ['critical', 'high', 'medium', 'low', 'unknown'] as const;
export type SeverityRating = (typeof SEVERITY_RATINGS)[number];

/** Counts by severity rating, every rating present (0 when none). */
export type SeverityCounts = Record<SeverityRating, number>;

/** How an image list is ordered: push time, creation time, reference, findings (worst first), package count. */
export type ImageSort = 'pushed' | 'created' | 'reference' | 'vulnerabilities' | 'packages';

/** `GET /api/v1/images`: which images, in what order, which page. */
export interface ImageListQuery {
  /** Part of the reference, repository, tag or digest (case-blind). */
  search?: string;
  repository?: string;
  tag?: string;
  /** Images some deployment of the environment of this name runs now. */
  environment?: string;
  /** Images with at least one open finding rated this or worse. */
  severity?: Exclude<SeverityRating, 'unknown'>;
  /** ISO 8601 bounds on the image's creation time: at or after `createdAfter`, before `createdBefore`. */
  createdAfter?: string;
  createdBefore?: string;
  /** `pushed` by default. */
  sort?: ImageSort;
  /** Descending by default, ascending for `reference`. */
  order?: 'asc' | 'desc';
  limit: number;
  /** The `next` of the previous page. */
  cursor?: string | null;
}

/** One page of an image list, with how many images match in all. */
export interface ImagePage {
  images: ImageSummary[];
  next: string | null;
  total: number;
}

/** How an image's package list is ordered. */
export type ImagePackageSort = 'name' | 'type' | 'version' | 'vulnerabilities' | 'layer';

/** `GET /api/v1/images/{digest}/packages`: which packages, in what order, which page. */
export interface ImagePackageQuery {
  /** Part of the name or purl (case-blind). */
  search?: string;
  /** purl type (`deb`, `npm`). */
  type?: string;
  /** A diffID: packages with a location in that layer. */
  layer?: string;
  /** Packages whose `direct` is this (false: known transitive). */
  direct?: boolean;
  /** True: only packages with at least one open finding. */
  vulnerable?: boolean;
  /** `name` by default. */
  sort?: ImagePackageSort;
  /** Ascending by default, descending for `vulnerabilities`. */
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A package of a stored image, as the dashboard's package table shows it. */
export interface ImagePackageRow {
  /** Position in the image's SBOM. */
  position: number;
  purl: string;
  type: string;
  namespace: string | null;
  name: string;
  version: string;
  /** As the SBOM package has it. */
  licenses: string | null;
  description: string | null;
  authors: string[];
  size: number | null;
  /** Its locations' paths. */
  paths: string[];
  /** diffIDs of its locations' layers, in image order. */
  layers: string[];
  /** Position in the image (0 = base) of its first location's layer; null when that is not one of the image's. */
  layerIndex: number | null;
  direct: boolean | null;
  /** Its open findings by severity. */
  vulnerabilities: SeverityCounts;
}

/** One page of an image's packages, with how many match in all. */
export interface ImagePackagePage {
  total: number;
  packages: ImagePackageRow[];
}

/** A layer of a stored image, with what its packages contribute. */
export interface ImageLayerRow {
  /** 0 = base. */
  position: number;
  digest: string;
  diffId: string;
  size: number;
  mediaType: string;
  createdBy: string | null;
  /** Packages of the image with a location in this layer. */
  packages: number;
  /** Distinct open findings (id and purl) of those packages, by severity. */
  vulnerabilities: SeverityCounts;
}

/** What a push (or a local analysis) is answered with. */
export interface AnalysisAnswer {
  image: { digest: string | null; reference: string };
  findings: Finding[];
  base: BaseMatch;
  /** The advisory database the findings came from (its digest). */
  database: string;
}

/** Open findings by severity at the end of one UTC day (`YYYY-MM-DD`). */
export type TrendDay = { day: string } & SeverityCounts;

/** A finding that appeared through an advisory update and is still open. */
export interface NewFinding {
  id: string;
  purl: string;
  severity: SeverityRating;
  /** The image it appeared on. */
  digest: string;
  reference: string;
  /** When it appeared. */
  at: string;
}

/** An image built on a base that has moved on since. */
export interface OutdatedBase {
  digest: string;
  reference: string;
  /** The matched base's reference (`newer-push`), or the base the provenance names (`base-moved`). */
  base: string;
  /** The matched base's digest (`newer-push`); null for `base-moved`, where the image matched no stored base. */
  baseDigest: string | null;
  /** What the base's name and tag stand for now. */
  current: { reference: string; digest: string | null; source: 'org' | 'catalog' };
  /**
   * `newer-push`: the base is an org image and the org pushed its repository and tag again since, as another digest;
   * `base-moved`: what is stored now under the name and tag the provenance names is not a prefix of the image.
   */
  reason: 'newer-push' | 'base-moved';
}

/** `GET /api/v1/overview`: the org at a glance. */
export interface Overview {
  images: number;
  /** The sum of the images' package counts. */
  packages: number;
  /** By name: distinct digests running there, and workloads. */
  environments: { name: string; images: number; workloads: number }[];
  /** Open findings (image, id, purl) across the org, by severity. */
  findings: SeverityCounts;
  /** Distinct vulnerabilities (display ids) across the org's images, by their worst severity. */
  vulnerabilities: SeverityCounts;
  /** Open findings at the end of each of the last days, oldest first, the last being today (UTC). */
  trend: TrendDay[];
  /** When the advisory database last changed (null: never). */
  advisories: { lastUpdate: string | null };
  /** Findings that appeared through the last advisory update (at or after `since`) and are still open: the 20 worst. */
  newFindings: { since: string | null; total: number; findings: NewFinding[] };
  /** At most 10 images with findings, most critical first (then high, medium, low, unknown). */
  topImages: ImageSummary[];
  /** At most 20, by reference. */
  outdatedBases: OutdatedBase[];
}

/** An org image with an open finding of a vulnerability. */
export interface VulnerableImage {
  digest: string;
  reference: string;
  repository: string | null;
  tag: string | null;
  /** The package with the finding. */
  purl: string;
  packageName: string;
  installedVersion: string;
  fixedIn: string[];
  severity: SeverityRating;
  /** Environments running the image now. */
  environments: string[];
}

/** `GET /api/v1/vulnerabilities/{id}`: a vulnerability as the advisories describe it, and where the org has it. */
export interface VulnerabilityDetail {
  id: string;
  /** Every other id it is known by. */
  aliases: string[];
  summary: string | null;
  details: string | null;
  severity: Severity | null;
  published: string | null;
  modified: string | null;
  references: { type: string; url: string }[];
  affected: { ecosystem: string; name: string; ranges: AffectedRange[]; versions: string[] }[];
  /** Ids of the stored advisories that make it up. */
  advisories: string[];
  kev: KnownExploited | null;
  epss: ExploitPrediction | null;
  /** The org's images with an open finding of it, by reference. */
  images: VulnerableImage[];
  /** Every environment running one of those images. */
  environments: string[];
}

/** One vulnerability of the org's open findings, as the vulnerability list shows it. */
export interface VulnerabilityRow {
  id: string;
  /** Its worst rating across the org. */
  severity: SeverityRating;
  summary: string | null;
  /** Images with it open. */
  images: number;
  /** Distinct purls with it. */
  packages: number;
  /** Some finding of it names a fixed version. */
  fixAvailable: boolean;
  /** CISA lists one of its CVEs as known exploited. */
  kev: boolean;
}

/** `GET /api/v1/vulnerabilities`: which vulnerabilities, which page. */
export interface VulnerabilityListQuery {
  /** Part of one of its ids or of an affected package's purl (case-blind). */
  search?: string;
  /** Only those whose worst rating is this one. */
  severity?: SeverityRating;
  limit: number;
  offset: number;
}

/** One page of the org's vulnerabilities, worst first, then most images, with how many match in all. */
export interface VulnerabilityPage {
  total: number;
  vulnerabilities: VulnerabilityRow[];
}
