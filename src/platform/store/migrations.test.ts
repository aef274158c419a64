// Platform migrations on both databases (SQLite always, PostgreSQL when DATABASE_URL is set). 004: image findings
// stored the old way (table `finding`, through 003) carry over to package findings, one copy per package, and the
// store then reads each image's findings through its packages. 005: catalog entries from before platforms keep
// their rows, with platform unknown. 006: finding events gain their finding's severity where the finding is still
// stored (the worst, when packages with the purl rate it differently), `unknown` elsewhere.
import { afterAll, describe, expect, it } from 'vitest';
import { type Generated, type Kysely, sql } from 'kysely';
import { type Dialect, openDatabase } from '../../advisory/store/open-database.ts';
import type { Location } from '../../core/package.ts';
import type { Finding } from '../../match/matcher.ts';
import { chainIds } from '../chain-id.ts';
import { migratePlatform } from './migrations.ts';
import type { PackageFindingTable } from './schema.ts';
import { testStoreLocations } from '../../../test/support/pg-schemas.ts';
import { withPlatformStore } from '../../../test/support/platform-fixtures.ts';

const { backends, cleanup } = testStoreLocations('sextant_migrations', { skipped: 'platform migration' });
afterAll(cleanup);

/** The tables this test writes and reads, as they are around migrations 004 and 005 (inserts name every needed column). */
interface MigrationDatabase {
  org: { id: string; name: string; created_at: string };
  image: {
    id: Generated<number>;
    org_id: string;
    digest: string;
    reference: string;
    pushed_at: string;
    layer_count: number;
    package_count: number;
    database: string;
    metadata: string;
    relationships: string;
    secrets: string;
    sbom_generated_at: string;
    tool_version: string;
  };
  package: { id: Generated<number>; digest: string; purl: string; type: string; name: string; version: string; data: string };
  image_package: { image_id: number; position: number; package_id: number; locations: string; direct: number | null };
  finding: {
    org_id: string;
    image_id: number;
    position: number;
    package_id: number | null;
    purl: string;
    display_id: string;
    ids: string;
    advisory_ids: string;
    severity: string;
    data: string;
    first_seen: string;
  };
  /** As through 004: keyed by name and tag, without a platform. */
  catalog_image: { name: string; tag: string; digest: string | null; layers: string; layer_count: number; chain_id: string; added_at: string };
  package_finding: PackageFindingTable;
  /** As through 005: without a severity. */
  finding_event: { seq: Generated<number>; org_id: string; image_id: number; display_id: string; purl: string; kind: string; at: string; cause: string };
}

const LAYER = {
  base: `sha256:${'1'.repeat(64)}`,
  app: `sha256:${'2'.repeat(64)}`,
  other: `sha256:${'3'.repeat(64)}`,
  tools: `sha256:${'4'.repeat(64)}`,
};

const OPENSSL = { purl: 'pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12', type: 'deb', name: 'openssl', version: '3.0.11-1~deb12u1' } as const;
const LODASH = { purl: 'pkg:npm/lodash@4.17.20', type: 'npm', name: 'lodash', version: '4.17.20' } as const;
const MINIMIST = { purl: 'pkg:npm/minimist@1.2.5', type: 'npm', name: 'minimist', version: '1.2.5' } as const;

type PackageInfo = typeof OPENSSL | typeof LODASH | typeof MINIMIST;

/** A finding with every field set, as the old layout stored it per image (layers of that image included). */
function finding(id: string, advisoryId: string, p: PackageInfo, rating: 'critical' | 'high' | 'medium', summary: string, layers: string[]): Finding {
  return {
    id,
    ids: [advisoryId, id].sort(),
    advisoryIds: [advisoryId],
    purl: p.purl,
    packageName: p.name,
    packageType: p.type,
    installedVersion: p.version,
    fixedIn: ['9.9.9'],
    severity: { rating, score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', source: 'CVSS_V3' },
    summary,
    layers,
    explanations: [
      {
        advisoryId,
        ecosystem: p.type === 'deb' ? 'Debian:12' : 'npm',
        name: p.name,
        installedVersion: p.version,
        keyedBy: p.type === 'deb' ? 'source package' : 'package',
        range: '>=0, <9.9.9',
        scheme: p.type === 'deb' ? 'dpkg' : 'semver',
        matcher: 'osv-range',
        database: 'sha256:db-old',
      },
    ],
    kev: null,
    epss: null,
    vex: null,
  };
}

/** What the store gives back for stored finding `f` on an image whose copies of its package sit in `layers`. */
const asRead = (f: Finding, layers: string[]): Finding => ({ ...f, layers, kev: null, epss: null, vex: null });

/** The old `finding` row of `f` on image `imageId` at `position`. */
function findingRow(orgId: string, imageId: number, position: number, packageId: number | null, f: Finding, firstSeen: string): MigrationDatabase['finding'] {
  return {
    org_id: orgId,
    image_id: imageId,
    position,
    package_id: packageId,
    purl: f.purl,
    display_id: f.id,
    ids: JSON.stringify(f.ids),
    advisory_ids: JSON.stringify(f.advisoryIds),
    severity: f.severity?.rating ?? 'unknown',
    data: JSON.stringify(f),
    first_seen: firstSeen,
  };
}

async function insertImage(db: Kysely<MigrationDatabase>, orgId: string, digest: string, packageCount: number): Promise<number> {
  const row = await db
    .insertInto('image')
    .values({
      org_id: orgId,
      digest,
      reference: `registry.example/shop@${digest}`,
      pushed_at: '2024-05-01T00:00:00.000Z',
      layer_count: 2,
      package_count: packageCount,
      database: 'sha256:db-old',
      metadata: '{}',
      relationships: '[]',
      secrets: '[]',
      sbom_generated_at: '2024-05-01T00:00:00.000Z',
      tool_version: '0.1.0',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function insertPackage(db: Kysely<MigrationDatabase>, p: PackageInfo): Promise<number> {
  const row = await db
    .insertInto('package')
    .values({ digest: `sha256:${p.name}`, purl: p.purl, type: p.type, name: p.name, version: p.version, data: JSON.stringify({ name: p.name }) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

const locations = (...list: Location[]) => JSON.stringify(list);

/** The names of the tables in the store's own schema. */
async function tableNames(db: Kysely<MigrationDatabase>, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'postgres'
      ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows;
  return rows.map((r) => r.name).sort();
}

/** The columns of index `name`, in order. */
async function indexColumns(db: Kysely<MigrationDatabase>, dialect: Dialect, name: string): Promise<string[]> {
  if (dialect === 'postgres') {
    const { rows } = await sql<{ column: string }>`
      select a.attname as "column"
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where c.relname = ${name} and n.nspname = current_schema()
      order by k.ord`.execute(db);
    return rows.map((r) => r.column);
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_index_info(${name}) order by seqno`.execute(db);
  return rows.map((r) => r.name);
}

describe.each(backends)('platform migrations on %s', (_name, newLocation) => {
  it('004 moves image findings to their packages: one copy each, in the first image’s order and with its first_seen', async () => {
    const location = newLocation();
    const { db, dialect } = await openDatabase<MigrationDatabase>(location, 'platform store', 2, (raw, d) => migratePlatform(raw, d, '003-finding-by-package'));
    const orgId = 'org-1';
    const first = 'sha256:aaaa';
    const second = 'sha256:bbbb';
    // Each image's own copy of a finding: the same vulnerability, another summary (the migration keeps the first).
    const sslA = finding('CVE-2023-5363', 'DSA-5532-1', OPENSSL, 'high', 'openssl: first image', [LAYER.base]);
    const lodashBadA = finding('CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', LODASH, 'critical', 'lodash command injection: first image', [LAYER.app]);
    const lodashRedosA = finding('CVE-2020-28500', 'GHSA-29mw-wpgm-hmr9', LODASH, 'medium', 'lodash ReDoS: first image', [LAYER.app]);
    const lodashBadB = { ...lodashBadA, summary: 'lodash command injection: second image', layers: [LAYER.other] };
    const lodashRedosB = { ...lodashRedosA, summary: 'lodash ReDoS: second image', layers: [LAYER.other] };
    const minimistB = finding('CVE-2021-44906', 'GHSA-xvch-5gv4-984h', MINIMIST, 'critical', 'minimist prototype pollution', [LAYER.tools]);
    // A finding whose package was never stored (package_id null): it has nowhere to go and is dropped.
    const orphan = { ...finding('CVE-2099-0001', 'GHSA-orph-an00-0000', MINIMIST, 'medium', 'orphan', [LAYER.tools]), purl: 'pkg:npm/ghost@1.0.0', packageName: 'ghost' };
    try {
      expect(await tableNames(db, dialect)).toContain('finding');
      expect(await indexColumns(db, dialect, 'image_package_package')).toEqual(['package_id']);

      await db.insertInto('org').values({ id: orgId, name: 'acme', created_at: '2024-01-01T00:00:00.000Z' }).execute();
      const ids = {
        first: await insertImage(db, orgId, first, 2),
        second: await insertImage(db, orgId, second, 3),
        openssl: await insertPackage(db, OPENSSL),
        lodash: await insertPackage(db, LODASH),
        minimist: await insertPackage(db, MINIMIST),
      };
      expect(ids.first).toBeLessThan(ids.second);
      await db
        .insertInto('image_package')
        .values([
          { image_id: ids.first, position: 0, package_id: ids.openssl, locations: locations({ path: '/var/lib/dpkg/status', layerDigest: LAYER.base }), direct: null },
          { image_id: ids.first, position: 1, package_id: ids.lodash, locations: locations({ path: '/app/node_modules/lodash/package.json', layerDigest: LAYER.app }), direct: 1 },
          { image_id: ids.second, position: 0, package_id: ids.minimist, locations: locations({ path: '/tools/node_modules/minimist/package.json', layerDigest: LAYER.tools }), direct: 0 },
          // Held twice: once from a layer, once where no layer is known.
          {
            image_id: ids.second,
            position: 1,
            package_id: ids.lodash,
            locations: locations({ path: '/srv/node_modules/lodash/package.json', layerDigest: LAYER.other }, { path: '/lockfile/package-lock.json', layerDigest: null }),
            direct: 1,
          },
          { image_id: ids.second, position: 2, package_id: ids.lodash, locations: locations({ path: '/srv/b/node_modules/lodash/package.json', layerDigest: LAYER.app }), direct: 0 },
        ])
        .execute();
      // The second image's rows go in first, so the table's own order favours the wrong copy. Its copies were seen
      // earlier and sit in the other order, so neither the earliest first_seen nor its positions pass for the first
      // image's.
      await db
        .insertInto('finding')
        .values([
          findingRow(orgId, ids.second, 0, ids.lodash, lodashRedosB, '2024-02-01T00:00:00.000Z'),
          findingRow(orgId, ids.second, 1, ids.lodash, lodashBadB, '2024-02-02T00:00:00.000Z'),
          findingRow(orgId, ids.second, 2, ids.minimist, minimistB, '2024-02-03T00:00:00.000Z'),
          findingRow(orgId, ids.second, 3, null, orphan, '2024-02-04T00:00:00.000Z'),
          findingRow(orgId, ids.first, 0, ids.openssl, sslA, '2024-03-01T00:00:00.000Z'),
          findingRow(orgId, ids.first, 1, ids.lodash, lodashBadA, '2024-03-02T00:00:00.000Z'),
          findingRow(orgId, ids.first, 2, ids.lodash, lodashRedosA, '2024-03-03T00:00:00.000Z'),
        ])
        .execute();

      await migratePlatform(db as Kysely<unknown>, dialect);

      expect(await tableNames(db, dialect)).not.toContain('finding');
      expect(await tableNames(db, dialect)).toContain('package_finding');
      expect(await indexColumns(db, dialect, 'image_package_package')).toEqual(['package_id', 'image_id']);
      const rows = await db.selectFrom('package_finding').selectAll().orderBy('package_id').orderBy('position').execute();
      const row = (packageId: number, position: number, f: Finding, firstSeen: string) => ({
        package_id: packageId,
        position,
        display_id: f.id,
        purl: f.purl,
        ids: JSON.stringify(f.ids),
        advisory_ids: JSON.stringify(f.advisoryIds),
        severity: f.severity?.rating,
        data: JSON.stringify(f),
        first_seen: firstSeen,
      });
      expect(rows.map((r) => ({ ...r, package_id: Number(r.package_id), position: Number(r.position) }))).toEqual([
        row(ids.openssl, 0, sslA, '2024-03-01T00:00:00.000Z'),
        row(ids.lodash, 0, lodashBadA, '2024-03-02T00:00:00.000Z'),
        row(ids.lodash, 1, lodashRedosA, '2024-03-03T00:00:00.000Z'),
        row(ids.minimist, 0, minimistB, '2024-02-03T00:00:00.000Z'),
      ]);
    } finally {
      await db.destroy();
    }

    await withPlatformStore(location, async (store) => {
      expect(await store.getFindings(orgId, first)).toEqual([asRead(sslA, [LAYER.base]), asRead(lodashRedosA, [LAYER.app]), asRead(lodashBadA, [LAYER.app])]);
      // The second image reads the first image's copies of lodash's findings, with its own layers (both copies'
      // layers, none for a location without one).
      expect(await store.getFindings(orgId, second)).toEqual([asRead(lodashRedosA, [LAYER.other, LAYER.app]), asRead(lodashBadA, [LAYER.other, LAYER.app]), asRead(minimistB, [LAYER.tools])]);
      expect(await store.getFindings(orgId, 'sha256:none')).toBeNull();
    });
  });

  it('005 keeps the catalog entries of a 004 store, with platform unknown, and then keeps one per platform', async () => {
    const location = newLocation();
    const { db, dialect } = await openDatabase<MigrationDatabase>(location, 'platform store', 2, (raw, d) => migratePlatform(raw, d, '004-package-findings'));
    const row = (name: string, tag: string, layers: string[], digest: string | null) => ({
      name,
      tag,
      digest,
      layers: JSON.stringify(layers),
      layer_count: layers.length,
      chain_id: chainIds(layers).at(-1) as string,
      added_at: '2024-01-01T00:00:00.000Z',
    });
    try {
      await db
        .insertInto('catalog_image')
        .values([row('docker.io/library/debian', '12', [LAYER.base], `sha256:${'a'.repeat(64)}`), row('docker.io/library/alpine', '3.20', [LAYER.other, LAYER.tools], null)])
        .execute();
      await migratePlatform(db as Kysely<unknown>, dialect);
      expect(await indexColumns(db, dialect, 'catalog_image_chain')).toEqual(['chain_id']);
    } finally {
      await db.destroy();
    }

    await withPlatformStore(location, async (store) => {
      const debian = { name: 'docker.io/library/debian', tag: '12', platform: null, digest: `sha256:${'a'.repeat(64)}`, layers: [LAYER.base], addedAt: '2024-01-01T00:00:00.000Z' };
      const alpine = { name: 'docker.io/library/alpine', tag: '3.20', platform: null, digest: null, layers: [LAYER.other, LAYER.tools], addedAt: '2024-01-01T00:00:00.000Z' };
      expect(await store.listCatalog()).toEqual([alpine, debian]);
      // Base detection still finds them by chain ID.
      expect(await store.baseCandidates('no-org', chainIds([LAYER.other, LAYER.tools]))).toEqual([{ source: 'catalog', reference: 'docker.io/library/alpine:3.20', digest: null, layers: [LAYER.other, LAYER.tools] }]);
      // The name and tag are now known for another platform besides; the old entry stays.
      const arm = { ...debian, platform: 'linux/arm64/v8', digest: `sha256:${'b'.repeat(64)}`, layers: [LAYER.app] };
      expect(await store.addCatalogEntries([arm])).toBe(1);
      expect(await store.listCatalog()).toEqual([alpine, debian, arm]);
    });
  });
  it('006 gives finding events the severity their finding has now, and unknown where it is gone', async () => {
    const location = newLocation();
    const { db, dialect } = await openDatabase<MigrationDatabase>(location, 'platform store', 2, (raw, d) => migratePlatform(raw, d, '005-catalog-platforms'));
    const orgId = 'org-1';
    try {
      await db.insertInto('org').values({ id: orgId, name: 'acme', created_at: '2024-01-01T00:00:00.000Z' }).execute();
      const imageId = await insertImage(db, orgId, 'sha256:aaaa', 3);
      const openssl = await insertPackage(db, OPENSSL);
      const lodash = await insertPackage(db, LODASH);
      // A second content of the same lodash purl, rating one of its findings otherwise (matched at another time).
      const lodashAgain = Number((await db.insertInto('package').values({ digest: 'sha256:lodash-again', purl: LODASH.purl, type: 'npm', name: 'lodash', version: LODASH.version, data: '{}' }).returning('id').executeTakeFirstOrThrow()).id);
      const row = (packageId: number, position: number, f: Finding) => ({ package_id: packageId, position, display_id: f.id, purl: f.purl, ids: JSON.stringify(f.ids), advisory_ids: JSON.stringify(f.advisoryIds), severity: f.severity?.rating ?? 'unknown', data: JSON.stringify(f), first_seen: '2024-02-01T00:00:00.000Z' });
      const ssl = finding('CVE-2023-5363', 'DSA-5532-1', OPENSSL, 'high', 'openssl', [LAYER.base]);
      const bad = finding('CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm', LODASH, 'medium', 'lodash', [LAYER.app]);
      await db
        .insertInto('package_finding')
        .values([row(openssl, 0, ssl), row(lodash, 0, bad), row(lodashAgain, 0, { ...bad, severity: { rating: 'critical', score: 9.8, vector: null, source: 'CVSS_V3' } })])
        .execute();
      const event = (displayId: string, purl: string, kind: string) => ({ org_id: orgId, image_id: imageId, display_id: displayId, purl, kind, at: '2024-02-01T00:00:00.000Z', cause: 'push' });
      await db
        .insertInto('finding_event')
        .values([
          event(ssl.id, OPENSSL.purl, 'appeared'),
          event(bad.id, LODASH.purl, 'appeared'),
          // Gone since: no stored finding has this id and purl (nor the id on another purl).
          event('CVE-2020-28500', LODASH.purl, 'appeared'),
          event('CVE-2020-28500', LODASH.purl, 'disappeared'),
          event(ssl.id, MINIMIST.purl, 'appeared'),
        ])
        .execute();

      await migratePlatform(db as Kysely<unknown>, dialect);

      const { rows } = await sql<{ display_id: string; purl: string; kind: string; severity: string }>`select display_id, purl, kind, severity from finding_event order by seq`.execute(db);
      expect(rows.map((r) => `${r.kind} ${r.display_id} ${r.purl} ${r.severity}`)).toEqual([
        `appeared CVE-2023-5363 ${OPENSSL.purl} high`,
        `appeared CVE-2021-23337 ${LODASH.purl} critical`,
        `appeared CVE-2020-28500 ${LODASH.purl} unknown`,
        `disappeared CVE-2020-28500 ${LODASH.purl} unknown`,
        `appeared CVE-2023-5363 ${MINIMIST.purl} unknown`,
      ]);
      expect(await indexColumns(db, dialect, 'finding_event_org_at')).toEqual(['org_id', 'at', 'severity', 'kind']);
      // New events without a severity take unknown.
      await db.insertInto('finding_event').values(event(ssl.id, OPENSSL.purl, 'disappeared')).execute();
      expect((await sql<{ severity: string }>`select severity from finding_event order by seq desc limit 1`.execute(db)).rows[0]?.severity).toBe('unknown');
    } finally {
      await db.destroy();
    }
  });
});
