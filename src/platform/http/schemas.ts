// TypeBox schemas the API's routes share: identifiers, the error body, and the model's shapes (src/platform/model.ts,
// the store's types). Bulky documents (SBOMs, findings, image metadata) are loose objects that require their key
// fields: a full schema of every SBOM field would be larger than the code that reads it.
import { Type, type TSchema } from 'typebox';

/** `T | null`. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** An object that must have `properties` and may have any others (kept and passed through). */
export const Loose = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: true, ...(description ? { description } : {}) });

/** A content digest (`sha256:<hex>`), per the OCI digest grammar. */
export const Digest = Type.String({ pattern: '^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,256}$', maxLength: 300, description: 'content digest, e.g. sha256:…' });

/** An environment's name. */
export const EnvironmentName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$', description: 'letters, digits, dot, underscore, dash; at most 100' });

export const Scope = Type.Enum(['read', 'push', 'admin']);

/** The body of every error answer. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INVALID_REQUEST', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED', 'CONFLICT', 'INTERNAL']),
      message: Type.String(),
    }),
  },
  { description: 'an error: a stable code and a one-line message' },
);

/** The error answers every authenticated route may give, for the OpenAPI document. */
export const AUTH_ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody, 500: ErrorBody } as const;

export const Severity = Loose({ rating: Type.String() }, 'the worst severity of the matched advisories (rating, score, vector, source)');

export const Finding = Loose(
  {
    id: Type.String(),
    ids: Type.Array(Type.String()),
    advisoryIds: Type.Array(Type.String()),
    purl: Type.String(),
    packageName: Type.String(),
    installedVersion: Type.String(),
    fixedIn: Type.Array(Type.String()),
    severity: Nullable(Severity),
    summary: Nullable(Type.String()),
    layers: Type.Array(Type.String()),
  },
  'one vulnerability in one package (src/match/matcher.ts Finding: also explanations, kev, epss, vex)',
);

export const BaseCandidate = {
  source: Type.Enum(['org', 'catalog']),
  reference: Type.String(),
  digest: Nullable(Type.String()),
  layers: Type.Array(Type.String()),
};

export const BaseMatch = Type.Object({
  base: Nullable(Type.Object({ ...BaseCandidate, sharedLayers: Type.Integer() })),
  provenance: Nullable(Type.String()),
  agrees: Nullable(Type.Boolean()),
});

export const AnalysisAnswer = Type.Object({
  image: Type.Object({ digest: Nullable(Type.String()), reference: Type.String() }),
  findings: Type.Array(Finding),
  base: BaseMatch,
  database: Type.String({ description: 'digest of the advisory database the findings came from' }),
});

export const ImageSummary = Type.Object({
  digest: Type.String(),
  reference: Type.String(),
  repository: Nullable(Type.String()),
  tag: Nullable(Type.String()),
  created: Nullable(Type.String()),
  pushedAt: Type.String(),
  os: Nullable(Type.String()),
  architecture: Nullable(Type.String()),
  packageCount: Type.Integer(),
  vulnerabilities: Type.Record(Type.String(), Type.Integer(), { description: 'open findings by severity rating' }),
  environments: Type.Array(Type.String()),
});

/** Counts by severity rating: all five keys, 0 when none. */
export const SeverityCounts = Type.Object(
  { critical: Type.Integer(), high: Type.Integer(), medium: Type.Integer(), low: Type.Integer(), unknown: Type.Integer() },
  { description: 'counts by severity rating, every rating present' },
);

/** `GET /api/v1/images`: filters, sort and page. */
export const ImageListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, description: 'part of the reference, repository, tag or digest (case-blind)' })),
  repository: Type.Optional(Type.String({ maxLength: 500, description: 'exactly this repository (empty: any)' })),
  tag: Type.Optional(Type.String({ maxLength: 200, description: 'exactly this tag (empty: any)' })),
  environment: Type.Optional(Type.String({ maxLength: 100, description: 'images some deployment of the environment of this name runs now (empty: any)' })),
  severity: Type.Optional(Type.Enum(['critical', 'high', 'medium', 'low'], { description: 'images with an open finding rated this or worse' })),
  createdAfter: Type.Optional(Type.String({ format: 'date-time', description: 'created at or after this time (ISO 8601)' })),
  createdBefore: Type.Optional(Type.String({ format: 'date-time', description: 'created before this time (ISO 8601)' })),
  sort: Type.Optional(Type.Enum(['pushed', 'created', 'reference', 'vulnerabilities', 'packages'], { default: 'pushed' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { description: 'desc by default, asc for `reference`' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'the `next` of the previous page' })),
});

export const ImagePage = Type.Object({
  images: Type.Array(ImageSummary),
  next: Nullable(Type.String()),
  total: Type.Integer({ description: 'images passing the filters, on every page' }),
});

/** `GET /api/v1/images/{digest}`: whether packages and relationships come too. */
export const StoredImageQuery = Type.Object({
  packages: Type.Optional(Type.Boolean({ default: true, description: 'false: packages and relationships come back empty (page them through /packages)' })),
});

/** `GET /api/v1/images/{digest}/packages`: filters, sort and page. */
export const ImagePackageQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name or purl (case-blind)' })),
  type: Type.Optional(Type.String({ maxLength: 50, description: 'purl type, e.g. deb or npm (empty: any)' })),
  layer: Type.Optional(Digest),
  direct: Type.Optional(Type.Boolean({ description: 'true: direct dependencies; false: known transitive ones' })),
  vulnerable: Type.Optional(Type.Boolean({ description: 'true: only packages with an open finding' })),
  sort: Type.Optional(Type.Enum(['name', 'type', 'version', 'vulnerabilities', 'layer'], { default: 'name' })),
  order: Type.Optional(Type.Enum(['asc', 'desc'], { description: 'asc by default, desc for `vulnerabilities`' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 })),
});

export const ImagePackageRow = Type.Object({
  position: Type.Integer({ description: "position in the image's SBOM" }),
  purl: Type.String(),
  type: Type.String(),
  namespace: Nullable(Type.String()),
  name: Type.String(),
  version: Type.String(),
  licenses: Nullable(Type.String()),
  description: Nullable(Type.String()),
  authors: Type.Array(Type.String()),
  size: Nullable(Type.Number()),
  paths: Type.Array(Type.String(), { description: "its locations' paths" }),
  layers: Type.Array(Type.String(), { description: "diffIDs of its locations' layers, in image order" }),
  layerIndex: Nullable(Type.Integer({ description: "position of its first location's layer (0 = base)" })),
  direct: Nullable(Type.Boolean()),
  vulnerabilities: SeverityCounts,
});

export const ImagePackagePage = Type.Object({ total: Type.Integer(), packages: Type.Array(ImagePackageRow) });

export const ImageLayerRow = Type.Object({
  position: Type.Integer({ description: '0 = base' }),
  digest: Type.String(),
  diffId: Type.String(),
  size: Type.Number(),
  mediaType: Type.String(),
  createdBy: Nullable(Type.String()),
  packages: Type.Integer({ description: 'packages with a location in the layer' }),
  vulnerabilities: SeverityCounts,
});

const LayerInfo = Loose({ digest: Type.String(), diffId: Digest });

/** Image metadata (`inspect` JSON, docs/cli.md): loose, with the fields the platform reads required. */
export const ImageMetadata = Loose(
  {
    reference: Type.String({ maxLength: 1000 }),
    digest: Nullable(Digest),
    layers: Type.Array(LayerInfo, { maxItems: 1000 }),
    provenance: Type.Optional(Nullable(Loose({ baseImage: Type.Optional(Nullable(Type.String())) }))),
  },
  'every field of `sextant inspect --format json`',
);

export const Package = Loose(
  {
    type: Type.String(),
    name: Type.String(),
    version: Type.String(),
    purl: Type.String({ minLength: 1, maxLength: 4096 }),
    locations: Type.Array(Loose({ path: Type.String(), layerDigest: Nullable(Type.String()) })),
  },
  'a package with every SBOM field (src/core/package.ts)',
);

export const Relationship = Type.Object({ from: Type.String(), to: Type.String(), type: Type.Literal('depends-on') });

export const SecretFinding = Loose({ rule: Type.String(), severity: Type.String(), preview: Type.String() }, 'a redacted secret finding');

export const Distro = Nullable(Loose({ id: Nullable(Type.String()) }, 'os-release of the image'));

/** `sextant sbom --format json`. */
export const Sbom = Loose(
  {
    schema: Type.Literal('sextant-sbom/1'),
    image: ImageMetadata,
    distro: Distro,
    packages: Type.Array(Package, { maxItems: 200_000 }),
    relationships: Type.Array(Relationship, { maxItems: 2_000_000 }),
  },
  'the SBOM in Sextant JSON (`sextant sbom --format json`)',
);

export const PushPayload = Type.Object({
  sbom: Sbom,
  secrets: Type.Array(SecretFinding, { maxItems: 100_000 }),
  environment: Type.Optional(EnvironmentName),
});

/** Only package URLs and layer digests: anything else in the body is refused. */
export const LocalAnalysisPayload = Type.Object(
  {
    schema: Type.Literal('sextant-local-analysis/1'),
    layers: Type.Array(Digest, { maxItems: 1000, description: 'the image layers by diffID, base first' }),
    packages: Type.Array(
      Type.Object(
        {
          purl: Type.String({ minLength: 1, maxLength: 4096 }),
          layers: Type.Array(Digest, { maxItems: 1000, description: 'diffIDs of the layers that introduced the package' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200_000 },
    ),
  },
  { additionalProperties: false, description: 'package URLs and layer digests only; nothing of it is stored or logged' },
);

export const StoredImage = Type.Object({
  summary: ImageSummary,
  metadata: ImageMetadata,
  packages: Type.Array(Package),
  relationships: Type.Array(Relationship),
  secrets: Type.Array(SecretFinding),
  distro: Distro,
});

/** A platform as `os/arch[/variant]`: 2 or 3 segments of lowercase letters, digits, `_` and `-`. */
export const PlatformName = Type.String({ pattern: '^[a-z0-9_-]+(?:/[a-z0-9_-]+){1,2}$', maxLength: 100, description: 'os/arch[/variant], e.g. linux/amd64 or linux/arm/v7' });

const catalogEntryFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  tag: Type.String({ minLength: 1, maxLength: 128 }),
  digest: Nullable(Digest),
  layers: Type.Array(Digest, { minItems: 1, maxItems: 1000, description: 'the whole layer chain by diffID, base first' }),
  addedAt: Type.Optional(Type.String()),
};

/** A catalog entry as added: the platform may be left out (null, unknown). */
export const CatalogEntry = Type.Object({ ...catalogEntryFields, platform: Type.Optional(Nullable(PlatformName)) });

/** A catalog entry as listed: with its platform (null when unknown). */
export const ListedCatalogEntry = Type.Object({ ...catalogEntryFields, platform: Nullable(PlatformName) });

export const Deployment = Type.Object({
  namespace: Nullable(Type.String({ maxLength: 253 })),
  workload: Type.String({ minLength: 1, maxLength: 253 }),
  workloadType: Type.String({ minLength: 1, maxLength: 64 }),
  digest: Digest,
});

export const EnvironmentEvent = Type.Object({
  environment: Type.String(),
  digest: Type.String(),
  namespace: Nullable(Type.String()),
  workload: Type.String(),
  workloadType: Type.String(),
  kind: Type.Enum(['added', 'removed']),
  at: Type.String(),
});

export const TokenInfo = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Scope),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
});

export const DeploymentChanges = Type.Object({ added: Type.Integer(), removed: Type.Integer() });

export const DigestParams = Type.Object({ digest: Digest });
export const EnvironmentParams = Type.Object({ name: EnvironmentName });

/** A severity rating as the dashboard counts it (`none` and unrated: unknown). */
export const Rating = Type.Enum(['critical', 'high', 'medium', 'low', 'unknown']);

/** `GET /api/v1/overview`: the trend's length. */
export const OverviewQuery = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'days in the trend, the last being today (UTC)' })),
});

export const Overview = Type.Object({
  images: Type.Integer(),
  packages: Type.Integer({ description: "the sum of the images' package counts" }),
  environments: Type.Array(Type.Object({ name: Type.String(), images: Type.Integer({ description: 'distinct digests running there' }), workloads: Type.Integer() })),
  findings: SeverityCounts,
  vulnerabilities: SeverityCounts,
  trend: Type.Array(Type.Object({ day: Type.String({ description: 'YYYY-MM-DD (UTC)' }), critical: Type.Integer(), high: Type.Integer(), medium: Type.Integer(), low: Type.Integer(), unknown: Type.Integer() })),
  advisories: Type.Object({ lastUpdate: Nullable(Type.String()) }),
  newFindings: Type.Object({
    since: Nullable(Type.String()),
    total: Type.Integer(),
    findings: Type.Array(Type.Object({ id: Type.String(), purl: Type.String(), severity: Rating, digest: Type.String(), reference: Type.String(), at: Type.String() })),
  }),
  topImages: Type.Array(ImageSummary),
  outdatedBases: Type.Array(
    Type.Object({
      digest: Type.String(),
      reference: Type.String(),
      base: Type.String(),
      baseDigest: Nullable(Type.String()),
      current: Type.Object({ reference: Type.String(), digest: Nullable(Type.String()), source: Type.Enum(['org', 'catalog']) }),
      reason: Type.Enum(['newer-push', 'base-moved']),
    }),
  ),
});

/** A vulnerability's id: an advisory id or an alias (`CVE-…`, `GHSA-…`). */
export const VulnerabilityParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export const VulnerabilityDetail = Type.Object({
  id: Type.String(),
  aliases: Type.Array(Type.String()),
  summary: Nullable(Type.String()),
  details: Nullable(Type.String()),
  severity: Nullable(Severity),
  published: Nullable(Type.String()),
  modified: Nullable(Type.String()),
  references: Type.Array(Type.Object({ type: Type.String(), url: Type.String() })),
  affected: Type.Array(
    Type.Object({
      ecosystem: Type.String(),
      name: Type.String(),
      ranges: Type.Array(Type.Object({ type: Type.String(), events: Type.Array(Type.Object({}, { additionalProperties: true })) })),
      versions: Type.Array(Type.String()),
    }),
  ),
  advisories: Type.Array(Type.String(), { description: 'ids of the stored advisories that make it up' }),
  kev: Nullable(Loose({ cve: Type.String() }, 'its CISA KEV entry')),
  epss: Nullable(Loose({ cve: Type.String(), score: Type.Number() }, 'its highest EPSS score')),
  images: Type.Array(
    Type.Object({
      digest: Type.String(),
      reference: Type.String(),
      repository: Nullable(Type.String()),
      tag: Nullable(Type.String()),
      purl: Type.String(),
      packageName: Type.String(),
      installedVersion: Type.String(),
      fixedIn: Type.Array(Type.String()),
      severity: Rating,
      environments: Type.Array(Type.String()),
    }),
  ),
  environments: Type.Array(Type.String()),
});

/** `GET /api/v1/vulnerabilities`: filters and page. */
export const VulnerabilityListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 200, description: 'part of one of its ids or of a purl having it (case-blind)' })),
  severity: Type.Optional(Type.Enum(['critical', 'high', 'medium', 'low', 'unknown'], { description: 'only those whose worst rating this is' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const VulnerabilityPage = Type.Object({
  total: Type.Integer({ description: 'vulnerabilities passing the filters, on every page' }),
  vulnerabilities: Type.Array(
    Type.Object({
      id: Type.String(),
      severity: Rating,
      summary: Nullable(Type.String()),
      images: Type.Integer(),
      packages: Type.Integer({ description: 'distinct purls having it' }),
      fixAvailable: Type.Boolean(),
      kev: Type.Boolean(),
    }),
  ),
});
