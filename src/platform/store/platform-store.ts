// The platform store: organisations and tokens, pushed images (layers and packages stored once by content and
// referenced), their findings and finding history, environments, and the public base-image catalog, in SQLite or
// PostgreSQL through one Kysely code path and one set of migrations.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OsRelease, ImageMetadata } from '../../core/model.ts';
import type { Package } from '../../core/package.ts';
import type { Relationship, Sbom } from '../../core/sbom.ts';
import type { SecretFinding } from '../../core/secret.ts';
import { SextantError, isSextantError } from '../../core/errors.ts';
import { lookupName } from '../../advisory/names.ts';
import { openDatabase, type StoreLocation } from '../../advisory/store/open-database.ts';
import type { Finding } from '../../match/matcher.ts';
import { chainIds as chainIdsOf } from '../chain-id.ts';
import { imageFindings } from '../image-findings.ts';
import type { BaseCandidate, ImageLayerRow, ImageListQuery, ImagePackagePage, ImagePackageQuery, ImagePage, ImageSummary, Org, Principal, PushPayload, TokenInfo, TokenScope } from '../model.ts';
import type { Overview, VulnerabilityListQuery } from '../model.ts';
import { insertMany } from './bulk-insert.ts';
import { ROWS_PER_STATEMENT, inChunks } from './chunks.ts';
import { type Deployment, type EnvironmentEvent, readEnvironments, readHistory, recordOne, recordSnapshot } from './environments.ts';
import { type FindingEvent, imageFindingRatings, readFindingEvents, readImageFindings, recordPushEvents, findingsOfPackages } from './findings.ts';
import { type JobRecord, deleteFinishedJobs, readJob } from './jobs.ts';
import { SUMMARY_COLUMNS, listImagePage, summarize } from './image-list.ts';
import { readLayerRows, readPackagePage } from './image-packages.ts';
import { type PackageRows, imageRows, readPackage, readSbom } from './image-rows.ts';
import { migratePlatform } from './migrations.ts';
import { type OverviewQuery, readOverview } from './overview.ts';
import { PackageIdCache, packageIdsByDigest, storeNewPackages } from './packages.ts';
import { PLATFORM_TABLES, type ImageTable, type PlatformDatabase } from './schema.ts';
import { type WebhookDeliveryInfo, type WebhookEventType, type WebhookInfo, type WebhookSubscription, deleteFinishedDeliveries, deleteWebhook, insertWebhook, readDeliveries, readWebhooks, webhookInfo } from './webhooks.ts';
import { type StoredVulnerabilityRow, type VulnerabilityFindings, listVulnerabilities, vulnerableImages } from './vulnerabilities.ts';

export type { Deployment, EnvironmentEvent, FindingEvent, JobRecord, WebhookDeliveryInfo, WebhookEventType, WebhookInfo };

export type { StoreLocation } from '../../advisory/store/open-database.ts';

/** Everything stored about one image of an org. */
export interface StoredImage {
  summary: ImageSummary;
  /** Every `inspect` field, provenance included. */
  metadata: ImageMetadata;
  /** Every SBOM field, locations included, in the SBOM's order. */
  packages: Package[];
  relationships: Relationship[];
  /** Redacted, as pushed. */
  secrets: SecretFinding[];
  distro: OsRelease | null;
}

/** The findings of packages a push stores for the first time (each names its package by purl). */
export type MatchNewPackages = (packages: readonly Package[]) => Promise<readonly Finding[]> | readonly Finding[];

/** A public image's layer chain in the catalog: one per name, tag and platform. */
export interface CatalogEntry {
  name: string;
  tag: string;
  /**
   * `os/arch[/variant]` of the manifest the chain was read from (`linux/arm/v7`); null (or left out) when unknown.
   */
  platform?: string | null;
  digest: string | null;
  /** diffIDs, base first. */
  layers: string[];
  addedAt?: string;
}

/** A catalog entry as the catalog gives it back: with its platform (null when unknown) and when it was added. */
export type ListedCatalogEntry = CatalogEntry & { platform: string | null; addedAt: string };

/** Token last-use times are written at most this often, so authenticating is mostly a read. */
const LAST_USED_RESOLUTION_MS = 60_000;

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export class PlatformStore {
  readonly db: Kysely<PlatformDatabase>;
  readonly dialect: 'sqlite' | 'postgres';
  private readonly packageIds: PackageIdCache;

  private constructor(db: Kysely<PlatformDatabase>, dialect: 'sqlite' | 'postgres', packageIds = new PackageIdCache()) {
    this.db = db;
    this.dialect = dialect;
    this.packageIds = packageIds;
  }

  /** Open (creating and migrating as needed) the store at `location`. Throws SextantError STORE on failure. */
  static async open(location: StoreLocation): Promise<PlatformStore> {
    const { db, dialect } = await openDatabase<PlatformDatabase>(location, 'platform store', 8, migratePlatform);
    return new PlatformStore(db, dialect);
  }

  async close(): Promise<void> {
    if (!this.db.isTransaction) await this.db.destroy();
  }

  /**
   * Run `work` against this store inside one transaction: everything it wrote lands together, or (when it throws)
   * nothing does and the store is as it was. Nested calls join the outer transaction.
   */
  async atomically<T>(work: (store: PlatformStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((tx) => work(new PlatformStore(tx, this.dialect, this.packageIds)));
  }

  // ---- Organisations and tokens ----

  /** True while no organisation exists (a fresh database: the server then creates the first one and its admin token). */
  async isEmpty(): Promise<boolean> {
    return (await this.db.selectFrom('org').select('id').limit(1).executeTakeFirst()) === undefined;
  }

  async createOrg(name: string, at = new Date().toISOString()): Promise<Org> {
    const org: Org = { id: randomUUID(), name, createdAt: at };
    await this.db.insertInto('org').values({ id: org.id, name, created_at: at }).execute();
    return org;
  }

  async getOrg(orgId: string): Promise<Org | null> {
    const row = await this.db.selectFrom('org').selectAll().where('id', '=', orgId).executeTakeFirst();
    return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
  }

  /**
   * Create a token for org `orgId`: `token` when given (a bootstrap value), else `sxt_` and 32 random bytes in
   * base64url. Only its sha256 is stored; the text is returned this once. A value already in use is refused.
   */
  async createToken(orgId: string, name: string, scopes: TokenScope[], token?: string): Promise<{ token: string; info: TokenInfo }> {
    const text = token ?? `sxt_${randomBytes(32).toString('base64url')}`;
    if (text.length === 0) throw new SextantError('USAGE', 'a token cannot be empty');
    const hash = sha256Hex(text);
    const info: TokenInfo = { id: randomUUID(), orgId, name, scopes: [...new Set(scopes)], createdAt: new Date().toISOString(), lastUsedAt: null };
    const inserted = await this.db
      .insertInto('token')
      .values({ id: info.id, org_id: orgId, name, hash, scopes: JSON.stringify(info.scopes), created_at: info.createdAt, last_used_at: null, revoked_at: null })
      .onConflict((oc) => oc.column('hash').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new SextantError('USAGE', 'this token value is already in use');
    return { token: text, info };
  }

  /** Who `token` acts as, or null when it is unknown or revoked. Records the use (at most once a minute). */
  async authenticate(token: string, now = new Date()): Promise<Principal | null> {
    const row = await this.db.selectFrom('token').select(['id', 'org_id', 'scopes', 'last_used_at']).where('hash', '=', sha256Hex(token)).where('revoked_at', 'is', null).executeTakeFirst();
    if (!row) return null;
    if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
      await this.db.updateTable('token').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
    }
    return { orgId: row.org_id, tokenId: row.id, scopes: JSON.parse(row.scopes) as TokenScope[] };
  }

  /** The org's tokens that are not revoked, oldest first. */
  async listTokens(orgId: string): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('token').selectAll().where('org_id', '=', orgId).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, orgId: r.org_id, name: r.name, scopes: JSON.parse(r.scopes) as TokenScope[], createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** Revoke token `tokenId` of org `orgId`; false when the org has no such live token. */
  async revokeToken(orgId: string, tokenId: string): Promise<boolean> {
    const result = await this.db.updateTable('token').set({ revoked_at: new Date().toISOString() }).where('org_id', '=', orgId).where('id', '=', tokenId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- Images ----

  /**
   * Store a pushed image for org `orgId` in one transaction: nothing of it is stored when any part fails. Layers
   * and packages already stored are referenced, not copied, and keep their findings; packages stored for the first
   * time get theirs from `matchNew` (called before the transaction, with those packages; findings name packages
   * by purl), matched against advisory database `database`. Pushing a digest the org already has replaces what is
   * stored about it (`created` false). Findings that appear or disappear on the image are recorded as events
   * (cause `push`). With `payload.environment`, the image is also recorded as running there (as
   * `recordDeployment` does: workload = repository, type `image`), in place of the repository's previous digest.
   * Returns the image's findings (without exploit data) and the ids of the packages this push stored. The image is
   * stored under its manifest digest (see `imageKey` for images without one).
   */
  async putImage(orgId: string, payload: PushPayload, matchNew: MatchNewPackages, database: string, at = new Date().toISOString()): Promise<{ digest: string; created: boolean; findings: Finding[]; newPackageIds: number[] }> {
    const rows = imageRows(payload, at, database);
    try {
      const ids = new Map<string, number>();
      const unknown = this.packageIds.lookup(
        rows.packages.map((p) => p.row.digest),
        ids,
      );
      await packageIdsByDigest(this.db, this.dialect, unknown, ids);
      const missing = rows.packages.filter((p) => !ids.has(p.row.digest));
      const known = await findingsOfPackages(this.db, this.dialect, [...ids.values()]);
      const matched = missing.length > 0 ? await matchNew(missing.map((p) => p.package)) : [];
      const matchedByPurl = new Map<string, Finding[]>();
      for (const f of matched) matchedByPurl.set(f.purl, [...(matchedByPurl.get(f.purl) ?? []), f]);
      const findingsOf = (p: PackageRows) => matchedByPurl.get(p.row.purl) ?? [];

      const stored = await this.atomically(async ({ db: tx }) => {
        const inserted = await tx
          .insertInto('image')
          .values({ org_id: orgId, ...rows.image })
          .onConflict((oc) => oc.columns(['org_id', 'digest']).doNothing())
          .returning('id')
          .executeTakeFirst();
        let imageId: number;
        let before: Map<string, string> | null = null;
        if (inserted) imageId = Number(inserted.id);
        else {
          // Updating the row first also locks it: concurrent pushes of one digest take turns from here.
          const updated = await tx.updateTable('image').set(rows.image).where('org_id', '=', orgId).where('digest', '=', rows.digest).returning('id').executeTakeFirstOrThrow();
          imageId = Number(updated.id);
          before = await imageFindingRatings(tx, imageId);
          await tx.deleteFrom('image_layer').where('image_id', '=', imageId).execute();
          await tx.deleteFrom('image_package').where('image_id', '=', imageId).execute();
        }
        await insertMany(tx, this.dialect, 'layer', rows.layers, { onConflictIgnore: ['diff_id'] });
        await insertMany(
          tx,
          this.dialect,
          'image_layer',
          rows.imageLayers.map((r) => ({ image_id: imageId, ...r })),
        );
        const newPackageIds = await storeNewPackages(tx, this.dialect, missing, findingsOf, at, ids);
        await insertMany(
          tx,
          this.dialect,
          'image_package',
          rows.imagePackages.map(({ digest: key, ...r }) => ({ image_id: imageId, position: r.position, package_id: ids.get(key) as number, locations: r.locations, direct: r.direct })),
        );
        if (payload.environment) await recordOne(tx, orgId, payload.environment, { namespace: null, workload: workloadOf(rows.image), workloadType: 'image', digest: rows.digest }, at);
        await recordPushEvents(tx, this.dialect, orgId, imageId, before, at);
        return { digest: rows.digest, created: inserted !== undefined, newPackageIds };
      });
      if (!this.db.isTransaction) this.packageIds.remember(unknown.map((digest) => [digest, ids.get(digest) as number]));
      // The answer: known packages' stored findings, new ones' as just matched, each with this image's locations.
      const packages = payload.sbom.packages;
      const fresh = new Set(missing.map((p) => p.row.digest));
      const findings = imageFindings(
        rows.imagePackages.map(({ digest: key, position }) => ({
          locations: packages[position]?.locations ?? [],
          findings: fresh.has(key) ? (matchedByPurl.get(packages[position]?.purl ?? '') ?? []) : (known.get(ids.get(key) as number) ?? []),
        })),
      );
      return { ...stored, findings };
    } catch (err) {
      if (isSextantError(err)) throw err;
      throw new SextantError('STORE', `cannot store image ${rows.digest}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** `findImages` without the total: a page of the org's images, newest push first (then by digest) by default. */
  async listImages(orgId: string, query: ImageListQuery): Promise<{ images: ImageSummary[]; next: string | null }> {
    const { images, next } = await listImagePage(this.db, this.dialect, orgId, query);
    return { images, next };
  }

  /**
   * A page of the org's images that pass `query`'s filters, in its order (push time, newest first, by default; ties
   * by digest), with how many pass in all. A cursor that does not fit the sort is a USAGE error.
   */
  async findImages(orgId: string, query: ImageListQuery): Promise<ImagePage> {
    return listImagePage(this.db, this.dialect, orgId, query);
  }

  /** A page of the packages of image `digest` of org `orgId` (filtered, sorted), or null when the org has no such image. */
  async imagePackages(orgId: string, digest: string, query: ImagePackageQuery): Promise<ImagePackagePage | null> {
    const id = await this.imageId(orgId, digest);
    return id === null ? null : readPackagePage(this.db, this.dialect, id, query);
  }

  /** The layers of image `digest` of org `orgId` with their packages and findings, or null when the org has no such image. */
  async imageLayers(orgId: string, digest: string): Promise<ImageLayerRow[] | null> {
    const id = await this.imageId(orgId, digest);
    return id === null ? null : readLayerRows(this.db, this.dialect, id);
  }

  /**
   * Everything stored about image `digest` of org `orgId`, or null when the org has no such image. With `packages`
   * false, its packages and relationships are left out (empty): they are paged through `imagePackages`.
   */
  async getImage(orgId: string, digest: string, options: { packages?: boolean } = {}): Promise<StoredImage | null> {
    const row = await this.imageRow(orgId, digest);
    if (!row) return null;
    const [summary] = await summarize(this.db, orgId, [row]);
    return {
      summary: summary as ImageSummary,
      metadata: JSON.parse(row.metadata) as ImageMetadata,
      packages: options.packages === false ? [] : await this.packagesOf(row.id),
      relationships: options.packages === false ? [] : (JSON.parse(row.relationships) as Relationship[]),
      secrets: JSON.parse(row.secrets) as SecretFinding[],
      distro: row.distro === null ? null : (JSON.parse(row.distro) as OsRelease),
    };
  }

  /** The SBOM document of image `digest` of org `orgId` as pushed, or null. */
  async getSbom(orgId: string, digest: string): Promise<Sbom | null> {
    const row = await this.imageRow(orgId, digest);
    return row ? readSbom(row, await this.packagesOf(row.id)) : null;
  }

  /** The findings of image `digest` of org `orgId` (without exploit data), or null when there is no such image. */
  async getFindings(orgId: string, digest: string): Promise<Finding[] | null> {
    const row = await this.db.selectFrom('image').select('id').where('org_id', '=', orgId).where('digest', '=', digest).executeTakeFirst();
    return row ? readImageFindings(this.db, Number(row.id)) : null;
  }

  /** The org's finding events after `afterSeq` (of image `digest` when given), oldest first. */
  async findingEvents(orgId: string, options: { digest?: string; afterSeq?: number; limit?: number } = {}): Promise<FindingEvent[]> {
    let imageId: number | undefined;
    if (options.digest !== undefined) {
      const row = await this.db.selectFrom('image').select('id').where('org_id', '=', orgId).where('digest', '=', options.digest).executeTakeFirst();
      if (!row) return [];
      imageId = Number(row.id);
    }
    return readFindingEvents(this.db, orgId, { ...(imageId !== undefined ? { imageId } : {}), ...(options.afterSeq !== undefined ? { afterSeq: options.afterSeq } : {}), ...(options.limit !== undefined ? { limit: options.limit } : {}) });
  }

  /**
   * The stored images (of every org) holding a package OSV looks up as one of `names` in `ecosystem` (without a
   * release): the images an advisory change in those packages may affect.
   */
  async imagesWithPackages(ecosystem: string, names: readonly string[]): Promise<{ orgId: string; digest: string }[]> {
    const unique = [...new Set(names.map((n) => lookupName(ecosystem, n)))];
    const out = new Map<string, { orgId: string; digest: string }>();
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom('package_coordinate')
        .innerJoin('image_package', 'image_package.package_id', 'package_coordinate.package_id')
        .innerJoin('image', 'image.id', 'image_package.image_id')
        .select(['image.id', 'image.org_id', 'image.digest'])
        .distinct()
        .where('package_coordinate.ecosystem', '=', ecosystem)
        .where('package_coordinate.name', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
        .execute();
      for (const r of rows) out.set(String(r.id), { orgId: r.org_id, digest: r.digest });
    }
    return [...out.values()];
  }

  private async imageId(orgId: string, digest: string): Promise<number | null> {
    const row = await this.db.selectFrom('image').select('id').where('org_id', '=', orgId).where('digest', '=', digest).executeTakeFirst();
    return row ? Number(row.id) : null;
  }

  private async imageRow(orgId: string, digest: string) {
    return this.db
      .selectFrom('image')
      .select([...SUMMARY_COLUMNS, 'metadata', 'distro', 'relationships', 'secrets', 'sbom_generated_at', 'tool_version'])
      .where('org_id', '=', orgId)
      .where('digest', '=', digest)
      .executeTakeFirst();
  }

  private async packagesOf(imageId: number): Promise<Package[]> {
    const rows = await this.db
      .selectFrom('image_package')
      .innerJoin('package', 'package.id', 'image_package.package_id')
      .select(['package.data', 'image_package.locations', 'image_package.direct'])
      .where('image_package.image_id', '=', imageId)
      .orderBy('image_package.position')
      .execute();
    return rows.map((r) => readPackage(r.data, r.locations, r.direct));
  }

  // ---- Overview and vulnerabilities ----

  /** The overview of org `orgId` (all but the advisory database's state, which the advisory store knows). */
  async overview(orgId: string, query: OverviewQuery): Promise<Omit<Overview, 'advisories'>> {
    return readOverview(this.db, this.dialect, orgId, query);
  }

  /** A page of org `orgId`'s vulnerabilities, worst first (see `listVulnerabilities`), without exploit data. */
  async listVulnerabilities(orgId: string, query: VulnerabilityListQuery): Promise<{ total: number; rows: StoredVulnerabilityRow[] }> {
    return listVulnerabilities(this.db, this.dialect, orgId, query);
  }

  /** Org `orgId`'s images with an open finding of vulnerability `id`, found among those displayed as one of `displayIds`. */
  async vulnerableImages(orgId: string, id: string, displayIds: readonly string[]): Promise<VulnerabilityFindings> {
    return vulnerableImages(this.db, this.dialect, orgId, id, displayIds);
  }

  // ---- Base images ----

  /**
   * Org `orgId`'s images and the catalog's entries whose whole layer chain has one of `chainIds` as its chain ID:
   * every candidate base of an image with those prefix chain IDs (the image itself included, when stored). Sorted
   * by chain length, longest first, then org images before catalog entries, then by reference.
   */
  async baseCandidates(orgId: string, chainIds: readonly string[]): Promise<BaseCandidate[]> {
    const unique = [...new Set(chainIds)];
    const out: BaseCandidate[] = [];
    for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
      const chunk = unique.slice(i, i + ROWS_PER_STATEMENT);
      const images = await this.db.selectFrom('image').select(['id', 'reference', 'digest']).where('org_id', '=', orgId).where('chain_id', 'in', chunk).execute();
      if (images.length > 0) {
        const layers = await this.db
          .selectFrom('image_layer')
          .select(['image_id', 'diff_id'])
          .where(
            'image_id',
            'in',
            images.map((r) => r.id),
          )
          .orderBy('image_id')
          .orderBy('position')
          .execute();
        const byImage = new Map<number, string[]>();
        for (const l of layers) byImage.set(Number(l.image_id), [...(byImage.get(Number(l.image_id)) ?? []), l.diff_id]);
        for (const r of images) out.push({ source: 'org', reference: r.reference, digest: r.digest, layers: byImage.get(Number(r.id)) ?? [] });
      }
      const entries = await this.db.selectFrom('catalog_image').select(['name', 'tag', 'digest', 'layers']).where('chain_id', 'in', chunk).execute();
      for (const e of entries) out.push({ source: 'catalog', reference: `${e.name}:${e.tag}`, digest: e.digest, layers: JSON.parse(e.layers) as string[] });
    }
    const rank = (c: BaseCandidate) => (c.source === 'org' ? 0 : 1);
    return out.sort((a, b) => b.layers.length - a.layers.length || rank(a) - rank(b) || (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0) || ((a.digest ?? '') < (b.digest ?? '') ? -1 : (a.digest ?? '') > (b.digest ?? '') ? 1 : 0));
  }

  /**
   * Add (or replace, by name, tag and platform) public images' layer chains in the catalog; an entry given twice
   * keeps its last copy. Returns the number of entries written. An entry without layers is refused.
   */
  async addCatalogEntries(entries: readonly CatalogEntry[]): Promise<number> {
    const byKey = new Map<string, CatalogEntry>();
    for (const e of entries) {
      if (e.layers.length === 0) throw new SextantError('USAGE', `catalog entry ${e.name}:${e.tag} has no layers`);
      byKey.set(JSON.stringify([e.name, e.tag, e.platform ?? '']), e);
    }
    const now = new Date().toISOString();
    const rows = [...byKey.values()].map((e) => ({
      name: e.name,
      tag: e.tag,
      // An unknown platform is stored as '' (a key column cannot be null).
      platform: e.platform ?? '',
      digest: e.digest,
      layers: JSON.stringify(e.layers),
      layer_count: e.layers.length,
      chain_id: chainIdsOf(e.layers).at(-1) as string,
      added_at: e.addedAt ?? now,
    }));
    await this.atomically(({ db: tx }) =>
      inChunks(rows, (chunk) =>
        tx
          .insertInto('catalog_image')
          .values(chunk)
          .onConflict((oc) =>
            oc.columns(['name', 'tag', 'platform']).doUpdateSet((eb) => ({
              digest: eb.ref('excluded.digest'),
              layers: eb.ref('excluded.layers'),
              layer_count: eb.ref('excluded.layer_count'),
              chain_id: eb.ref('excluded.chain_id'),
              added_at: eb.ref('excluded.added_at'),
            })),
          )
          .execute(),
      ),
    );
    return rows.length;
  }

  /** Every catalog entry, by name, tag and platform (an unknown platform, null, first). */
  async listCatalog(): Promise<ListedCatalogEntry[]> {
    const rows = await this.db
      .selectFrom('catalog_image')
      .select(['name', 'tag', 'platform', 'digest', 'layers', 'added_at'])
      .orderBy('name')
      .orderBy('tag')
      .orderBy('platform')
      .execute();
    return rows.map((r) => ({ name: r.name, tag: r.tag, platform: r.platform === '' ? null : r.platform, digest: r.digest, layers: JSON.parse(r.layers) as string[], addedAt: r.added_at }));
  }

  // ---- Environments ----

  /**
   * Make `deployments` (a full snapshot) what environment `environment` of org `orgId` runs, creating the
   * environment when new; deployments added and removed since the last snapshot become events at `at`.
   */
  async recordDeployments(orgId: string, environment: string, deployments: readonly Deployment[], at = new Date().toISOString()): Promise<{ added: number; removed: number }> {
    return this.atomically(({ db: tx }) => recordSnapshot(tx, orgId, environment, deployments, at));
  }

  /**
   * Record that `deployment` runs in environment `environment` of org `orgId` now, in place of the digest the same
   * workload (namespace, name and type) ran before; the environment's other workloads stay (`environment record`).
   */
  async recordDeployment(orgId: string, environment: string, deployment: Deployment, at = new Date().toISOString()): Promise<{ added: number; removed: number }> {
    return this.atomically(({ db: tx }) => recordOne(tx, orgId, environment, deployment, at));
  }

  /** The org's environments by name, each with what it runs now. */
  async environments(orgId: string): Promise<{ name: string; deployments: Deployment[] }[]> {
    return readEnvironments(this.db, orgId);
  }

  /** The changes to one environment of the org, oldest first. */
  async environmentHistory(orgId: string, environment: string): Promise<EnvironmentEvent[]> {
    return readHistory(this.db, orgId, environment);
  }

  // ---- Webhooks and jobs ----

  /**
   * Subscribe `url` to org `orgId`'s finding events of `events`, signed with `secret`. The subscription starts after
   * the org's latest event: it receives what happens from now on. Returns it with its secret (shown this once).
   */
  async createWebhook(orgId: string, webhook: { url: string; events: WebhookEventType[]; secret: string }, at = new Date().toISOString()): Promise<WebhookSubscription> {
    return this.atomically(({ db: tx }) => insertWebhook(tx, { id: randomUUID(), orgId, url: webhook.url, events: [...new Set(webhook.events)], secret: webhook.secret, createdAt: at }));
  }

  /** The org's webhook subscriptions, oldest first, without their secrets. */
  async listWebhooks(orgId: string): Promise<WebhookInfo[]> {
    return (await readWebhooks(this.db, orgId)).map(webhookInfo);
  }

  /** Delete subscription `id` of org `orgId` with its deliveries; false when the org has no such subscription. */
  async deleteWebhook(orgId: string, id: string): Promise<boolean> {
    return deleteWebhook(this.db, orgId, id);
  }

  /** The latest `limit` deliveries of subscription `id` of org `orgId`, newest first; null when there is no such subscription. */
  async webhookDeliveries(orgId: string, id: string, limit = 100): Promise<WebhookDeliveryInfo[] | null> {
    const exists = await this.db.selectFrom('webhook').select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    return exists ? readDeliveries(this.db, orgId, id, limit) : null;
  }

  /** Job `id` of org `orgId`, or null (another org's jobs and the server's own are not the org's). */
  async getJob(orgId: string, id: string): Promise<JobRecord | null> {
    return readJob(this.db, id, orgId);
  }

  /**
   * Delete the finished history older than `before` (ISO time): jobs done or failed whose record last changed before
   * it, and webhook deliveries delivered or failed whose delivery (else creation) was before it. Queued and running
   * jobs and pending deliveries stay, however old. Returns how many of each went.
   */
  async pruneHistory(before: string): Promise<{ jobs: number; deliveries: number }> {
    const time = Date.parse(before);
    if (!Number.isFinite(time)) throw new SextantError('USAGE', `pruning needs an ISO 8601 time, not "${before}"`);
    // Stored times are toISOString()'s text, compared as text: the cut-off is written the same way.
    const cutoff = new Date(time).toISOString();
    const jobs = await deleteFinishedJobs(this.db, cutoff);
    const deliveries = await deleteFinishedDeliveries(this.db, cutoff);
    return { jobs, deliveries };
  }

  /** Rows per platform table. */
  async tableCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of PLATFORM_TABLES) {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  }
}

/** The workload a pushed image stands for in an environment: its repository, else its reference without tag or digest. */
function workloadOf(image: Pick<ImageTable, 'repository' | 'reference'>): string {
  return image.repository ?? image.reference.replace(/@[^@]*$/, '').replace(/:[^:/]*$/, '');
}

