// The platform store's tables, as Kysely sees them. Layers and packages are content-addressed rows that images
// reference; what varies per image (positions, locations) sits in the referencing rows. Findings belong to package
// content: an image's findings are its packages' findings.
import type { ColumnType, Generated } from 'kysely';

/** An integer PostgreSQL may hand back as a string (bigint) and SQLite as a number. */
type BigIntColumn = ColumnType<number | string, number, number>;

/** An organisation: every image, token, environment and finding belongs to one. */
export interface OrgTable {
  id: string;
  name: string;
  created_at: string;
}

/** An API token: only the sha256 (hex) of its secret is kept. */
export interface TokenTable {
  id: string;
  org_id: string;
  name: string;
  /** sha256 hex of the token text. */
  hash: string;
  /** JSON array of TokenScope. */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** One pushed image of one org: searchable fields as columns, the rest as JSON. */
export interface ImageTable {
  id: Generated<number>;
  org_id: string;
  /** Manifest digest (or, for images without one, see `imageKey` in image-rows.ts). Unique per org. */
  digest: string;
  index_digest: string | null;
  /** Image ID: the config blob's digest. */
  config_digest: string | null;
  reference: string;
  repository: string | null;
  tag: string | null;
  registry_type: string | null;
  created: string | null;
  os: string | null;
  architecture: string | null;
  pushed_at: string;
  layer_count: number;
  /** Chain ID of the whole layer chain (null for no layers): base detection looks images up by it. */
  chain_id: string | null;
  package_count: number;
  /** Digest of the advisory database when the image was pushed (its packages' findings follow later updates). */
  database: string;
  /** JSON of the whole ImageMetadata (provenance included). */
  metadata: string;
  /** JSON of the SBOM's OsRelease, or null. */
  distro: string | null;
  /** JSON array of the SBOM's relationships. */
  relationships: string;
  /** JSON array of the redacted SecretFindings. */
  secrets: string;
  sbom_generated_at: string;
  tool_version: string;
}

/** One layer, by diffID, stored once however many images use it. */
export interface LayerTable {
  diff_id: string;
  /** The stored (compressed) blob's digest as first seen. */
  digest: string;
  size: BigIntColumn;
  media_type: string;
}

/** An image's layer at `position` (0 = base). */
export interface ImageLayerTable {
  image_id: number;
  position: number;
  diff_id: string;
  created_by: string | null;
}

/** One distinct package content (every SBOM field but `locations` and `direct`), stored once. */
export interface PackageTable {
  id: Generated<number>;
  /** sha256 hex naming the content and its OSV coordinates (see `packageContent` in image-rows.ts). Unique. */
  digest: string;
  purl: string;
  type: string;
  name: string;
  version: string;
  /** Canonical JSON (sorted keys) of the package without `locations` and `direct`. */
  data: string;
}

/** Where OSV looks a package up: the re-evaluation finds stored images affected by an advisory through it. */
export interface PackageCoordinateTable {
  package_id: number;
  /** OSV ecosystem without a release (`Debian`, `npm`). */
  ecosystem: string;
  /** The name as the advisory store indexes it (`lookupName`). */
  name: string;
}

/** A package in an image, with what is particular to that image. */
export interface ImagePackageTable {
  image_id: number;
  /** Position in the SBOM's package list. */
  position: number;
  package_id: number;
  /** JSON array of the package's Locations in this image. */
  locations: string;
  /** 1 direct, 0 transitive, null unknown. */
  direct: number | null;
}

/**
 * One vulnerability of one stored package under the current advisories: findings belong to package content, so a
 * package in a thousand images is matched and stored once, and an image's findings are those of its packages
 * (with the image's own layers). Re-evaluation rewrites these rows only.
 */
export interface PackageFindingTable {
  package_id: number;
  /** Position in the package's finding list (the matcher's order). */
  position: number;
  /** The id shown first (Finding.id); unique per package. */
  display_id: string;
  /** The package's purl, as the finding names it. */
  purl: string;
  /** JSON array of every id of the vulnerability. */
  ids: string;
  /** JSON array of the matched advisories' ids. */
  advisory_ids: string;
  /** Severity rating, `unknown` when none. */
  severity: string;
  /** JSON of the Finding without what an image or the exploit data add (`layers`, `kev`, `epss`, `vex`). */
  data: string;
  /** When the package first had this finding. */
  first_seen: string;
}

/**
 * A finding that appeared on or disappeared from an image, and why (`push`, or an advisory change). A finding whose
 * rating changed while it stayed is recorded as a pair: `rerated-from` (the old rating) and `rerated-to` (the new),
 * so the open findings by severity at any time are the events' sum (+1 appeared and rerated-to, -1 the others).
 */
export interface FindingEventTable {
  seq: Generated<number>;
  org_id: string;
  image_id: number;
  display_id: string;
  purl: string;
  kind: 'appeared' | 'disappeared' | 'rerated-from' | 'rerated-to';
  at: string;
  cause: string;
  /** The finding's severity rating on the image at the event (`unknown` when none; see package_finding.severity). */
  severity: string;
}

/** A named place images run in (`production`, a cluster). */
export interface EnvironmentTable {
  id: Generated<number>;
  org_id: string;
  name: string;
  created_at: string;
}

/** What runs in an environment now. */
export interface DeploymentTable {
  id: Generated<number>;
  org_id: string;
  environment_id: number;
  /** '' for none (Kubernetes namespaces are never empty). */
  namespace: string;
  workload: string;
  workload_type: string;
  digest: string;
  since: string;
}

/** A deployment that was added to or removed from an environment. */
export interface EnvironmentEventTable {
  seq: Generated<number>;
  org_id: string;
  environment_id: number;
  namespace: string;
  workload: string;
  workload_type: string;
  digest: string;
  kind: 'added' | 'removed';
  at: string;
}

/** A public image's layer chain, shared by every org, for base detection. */
export interface CatalogImageTable {
  name: string;
  tag: string;
  /** `os/arch[/variant]` (`linux/arm/v7`); '' when unknown. */
  platform: string;
  digest: string | null;
  /** JSON array of diffIDs, base first. */
  layers: string;
  layer_count: number;
  chain_id: string;
  added_at: string;
}

/** A background job (registry analysis, webhook delivery, advisory sync): its record on both dialects, and the
 * queue itself on SQLite (on PostgreSQL graphile-worker queues a reference to it). */
export interface JobTable {
  id: string;
  /** The org the job works for; null for the server's own jobs (advisory syncs). */
  org_id: string | null;
  kind: string;
  /** JSON of the job's payload. */
  payload: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  /** Not before this time (ISO 8601): the next attempt after a failure waits for its backoff. */
  run_at: string;
  /** Unique when set: adding a job under a key already used adds nothing. */
  job_key: string | null;
  last_error: string | null;
  /** JSON of what a finished job returned. */
  result: string | null;
  created_at: string;
  updated_at: string;
}

/** A webhook subscription of an org: where its finding events are delivered. */
export interface WebhookTable {
  id: string;
  org_id: string;
  url: string;
  /** The HMAC key deliveries are signed with (kept as given: signing needs it). */
  secret: string;
  /** JSON array of the event types delivered (`finding.appeared`, `finding.disappeared`). */
  events: string;
  /** The org's last finding event already batched into a delivery (or there when the subscription was made). */
  last_seq: BigIntColumn;
  created_at: string;
}

/** One batch of events for one subscription, delivered with retries. */
export interface WebhookDeliveryTable {
  id: string;
  webhook_id: string;
  org_id: string;
  /** The exact JSON body sent (and signed) on every attempt. */
  body: string;
  event_count: number;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  max_attempts: number;
  /** HTTP status of the last attempt, null when it got no answer. */
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface PlatformDatabase {
  org: OrgTable;
  token: TokenTable;
  image: ImageTable;
  layer: LayerTable;
  image_layer: ImageLayerTable;
  package: PackageTable;
  package_coordinate: PackageCoordinateTable;
  image_package: ImagePackageTable;
  package_finding: PackageFindingTable;
  finding_event: FindingEventTable;
  environment: EnvironmentTable;
  deployment: DeploymentTable;
  environment_event: EnvironmentEventTable;
  catalog_image: CatalogImageTable;
  job: JobTable;
  webhook: WebhookTable;
  webhook_delivery: WebhookDeliveryTable;
}

/** Every platform table, for counts. */
export const PLATFORM_TABLES = [
  'org',
  'token',
  'image',
  'layer',
  'image_layer',
  'package',
  'package_coordinate',
  'image_package',
  'package_finding',
  'finding_event',
  'environment',
  'deployment',
  'environment_event',
  'catalog_image',
  'job',
  'webhook',
  'webhook_delivery',
] as const satisfies readonly (keyof PlatformDatabase)[];
