// The platform store on both databases: SQLite always, PostgreSQL when DATABASE_URL is set (.ci/run sets it). Each
// test gets a fresh SQLite file or PostgreSQL schema (all dropped afterwards), so row counts are exact.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AdvisoryStore } from '../../advisory/store/advisory-store.ts';
import { type Finding, matchPackages } from '../../match/matcher.ts';
import { assembleSbom } from '../../sbom/assemble.ts';
import { chainIds } from '../chain-id.ts';
import type { PushPayload } from '../model.ts';
import { type Deployment, PlatformStore } from './platform-store.ts';
import { replacePackageFindings } from './reevaluation.ts';
import { advisory, appImage, BASE, bookworm, deb, digestOf, handFinding, layer, metadata, npm, range, RUNTIME, withPlatformStore } from '../../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../../test/support/pg-schemas.ts';

const { backends, dir, cleanup } = testStoreLocations('sextant_platform', { skipped: 'platform store' });
afterAll(cleanup);

const ADVISORIES = [
  advisory('DSA-5532-1', ['CVE-2023-5363'], [range('Debian:12', 'openssl', '3.0.11-1~deb12u2')], 'high'),
  advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical'),
  advisory('GHSA-29mw-wpgm-hmr9', ['CVE-2020-28500'], [range('npm', 'lodash', '4.17.21')], 'medium'),
];

/** A hand-made finding, for the history tests. */
const finding = (id: string, purl: string, rating: 'critical' | 'high' | 'medium' | 'low' | null, summary = `${id} in ${purl}`): Finding => handFinding(id, purl, rating, { summary });

describe.each(backends)('platform store on %s', (_name, newLocation) => {
  it('stores a pushed image with its findings beside the advisory store, and gives every part of it back', async () => {
    const location = newLocation();
    const advisories = await AdvisoryStore.open(location);
    try {
      await advisories.upsert(ADVISORIES, 'test');
      await withPlatformStore(location, async (store) => {
        const org = await store.createOrg('acme');
        const { payload } = appImage('shop', '1.0', [
          ['lodash', '4.17.20'],
          ['express', '4.19.2'],
        ]);
        const { sbom } = payload;
        const { findings } = await matchPackages(sbom.packages, sbom.distro, advisories, 'sha256:db1');
        expect(findings.map((f) => [f.id, f.purl])).toEqual([
          ['CVE-2023-5363', sbom.packages.find((p) => p.name === 'libssl3')?.purl],
          ['CVE-2023-5363', sbom.packages.find((p) => p.name === 'openssl')?.purl],
          ['CVE-2020-28500', 'pkg:npm/lodash@4.17.20'],
          ['CVE-2021-23337', 'pkg:npm/lodash@4.17.20'],
        ]);

        const digest = sbom.image.digest as string;
        const first = await store.putImage(org.id, payload, () => findings, 'sha256:db1', '2024-05-03T00:00:00.000Z');
        expect(first).toEqual({ digest, created: true, findings, newPackageIds: expect.any(Array) });
        // Every package was new: their ids are those stored.
        const packageIds = (await store.db.selectFrom('package').select('id').execute()).map((r) => Number(r.id));
        expect([...first.newPackageIds].sort((a, b) => a - b)).toEqual(packageIds.sort((a, b) => a - b));
        const stored = await store.getImage(org.id, digest);
        expect(stored?.metadata).toEqual(sbom.image);
        expect(stored?.packages).toEqual(sbom.packages);
        expect(stored?.relationships).toEqual(sbom.relationships);
        expect(sbom.relationships.length).toBeGreaterThan(0);
        expect(stored?.secrets).toEqual(payload.secrets);
        expect(stored?.distro).toEqual(bookworm);
        expect(stored?.summary).toEqual({
          digest,
          reference: 'registry.example.com/shop:1.0',
          repository: 'shop',
          tag: '1.0',
          created: '2024-05-01T10:00:00Z',
          pushedAt: '2024-05-03T00:00:00.000Z',
          os: 'linux',
          architecture: 'amd64',
          packageCount: 5,
          vulnerabilities: { high: 2, critical: 1, medium: 1 },
          environments: [],
        });
        expect(await store.getFindings(org.id, digest)).toEqual(findings);
        expect(await store.getSbom(org.id, digest)).toEqual(sbom);

        // Each package's OSV coordinates are stored: libssl3 is found under its source package as well.
        const coordinates = await store.db.selectFrom('package_coordinate').innerJoin('package', 'package.id', 'package_coordinate.package_id').select(['package.name as pkg', 'package_coordinate.ecosystem', 'package_coordinate.name']).execute();
        expect(coordinates.filter((c) => c.pkg === 'libssl3').map((c) => `${c.ecosystem}/${c.name}`).sort()).toEqual(['Debian/libssl3', 'Debian/openssl']);
        expect(coordinates.filter((c) => c.pkg === 'express').map((c) => `${c.ecosystem}/${c.name}`)).toEqual(['npm/express']);
        expect(await store.imagesWithPackages('Debian', ['openssl'])).toEqual([{ orgId: org.id, digest }]);
        expect(await store.imagesWithPackages('npm', ['left-pad'])).toEqual([]);

        // Pushing the same digest again updates it in place.
        const counts = await store.tableCounts();
        const moved = { ...payload, sbom: { ...sbom, image: { ...sbom.image, labels: { version: '1.0.1' } } } };
        expect(await store.putImage(org.id, moved, () => [], 'sha256:db1', '2024-05-04T00:00:00.000Z')).toEqual({ digest, created: false, findings, newPackageIds: [] });
        expect(await store.tableCounts()).toEqual(counts);
        const again = await store.getImage(org.id, digest);
        expect(again?.metadata.labels).toEqual({ version: '1.0.1' });
        expect(again?.summary.pushedAt).toBe('2024-05-04T00:00:00.000Z');
        expect(again?.packages).toEqual(sbom.packages);

        // Opening it again (migrations already applied) finds it all.
        await withPlatformStore(location, async (reopened) => {
          expect((await reopened.getImage(org.id, digest))?.packages).toEqual(sbom.packages);
          expect(await reopened.isEmpty()).toBe(false);
        });
      });
    } finally {
      await advisories.close();
    }
  });

  it('stores a layer or package shared by several images once, with each image keeping its own locations', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      expect(await store.tableCounts()).toEqual({
        org: 1,
        token: 0,
        image: 0,
        layer: 0,
        image_layer: 0,
        package: 0,
        package_coordinate: 0,
        image_package: 0,
        package_finding: 0,
        finding_event: 0,
        environment: 0,
        deployment: 0,
        environment_event: 0,
        catalog_image: 0,
        job: 0,
        webhook: 0,
        webhook_delivery: 0,
      });
      const one = appImage('shop', '1.0', [
        ['lodash', '4.17.21'],
        ['express', '4.19.2'],
      ]);
      const two = appImage('cart', '2.0', [
        ['lodash', '4.17.21'],
        ['fastify', '5.0.0'],
      ]);
      await store.putImage(org.id, one.payload, () => [], 'sha256:db');
      await store.putImage(org.id, two.payload, () => [], 'sha256:db');
      const counts = await store.tableCounts();
      // Layers: the base and runtime layers are shared, each image has its own app layer.
      expect(counts).toMatchObject({ image: 2, layer: 4, image_layer: 6 });
      // Packages: three OS packages shared; lodash differs only in its location's layer, so it is one content too.
      expect(counts).toMatchObject({ package: 6, image_package: 10 });
      const lodashIn = async (digest: string) => (await store.getImage(org.id, digest))?.packages.find((p) => p.name === 'lodash')?.locations;
      expect(await lodashIn(one.payload.sbom.image.digest as string)).toEqual([{ path: '/app/node_modules/lodash/package.json', layerDigest: one.app.diffId }]);
      expect(await lodashIn(two.payload.sbom.image.digest as string)).toEqual([{ path: '/app/node_modules/lodash/package.json', layerDigest: two.app.diffId }]);
      // Any other difference makes another content row.
      const three = appImage('api', '3.0', [['lodash', '4.17.21']]);
      three.payload.sbom.packages = three.payload.sbom.packages.map((p) => (p.name === 'lodash' ? { ...p, description: 'Lodash modular utilities.' } : p));
      await store.putImage(org.id, three.payload, () => [], 'sha256:db');
      expect(await store.tableCounts()).toMatchObject({ image: 3, package: 7, image_package: 14 });
    });
  });

  it('keeps every org to its own images, findings, environments and tokens', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const a = await store.createOrg('a');
      const b = await store.createOrg('b');
      const { payload } = appImage('shop', '1.0', [['lodash', '4.17.20']]);
      const digest = payload.sbom.image.digest as string;
      const lodash = 'pkg:npm/lodash@4.17.20';
      await store.putImage(a.id, { ...payload, environment: 'production' }, () => [finding('CVE-2021-23337', lodash, 'critical')], 'sha256:db');

      expect(await store.getImage(b.id, digest)).toBeNull();
      expect(await store.getFindings(b.id, digest)).toBeNull();
      expect(await store.getSbom(b.id, digest)).toBeNull();
      expect(await store.listImages(b.id, { limit: 10 })).toEqual({ images: [], next: null });
      expect(await store.listImages(b.id, { limit: 10, search: 'shop' })).toEqual({ images: [], next: null });
      expect(await store.baseCandidates(b.id, chainIds(payload.sbom.image.layers.map((l) => l.diffId)))).toEqual([]);
      expect(await store.findingEvents(b.id)).toEqual([]);
      expect(await store.environments(b.id)).toEqual([]);
      expect(await store.environmentHistory(b.id, 'production')).toEqual([]);
      expect((await store.environments(a.id)).map((e) => e.name)).toEqual(['production']);

      // B pushes the same digest on its own: both stored, the content rows (and the packages' findings) shared, the
      // events and environments each org's own.
      expect(await store.putImage(b.id, payload, () => [], 'sha256:db')).toMatchObject({ digest, created: true });
      expect(await store.tableCounts()).toMatchObject({ image: 2, package: 4, layer: 3, image_package: 8, package_finding: 1, finding_event: 2 });
      expect(await store.getFindings(b.id, digest)).toHaveLength(1);
      expect((await store.findingEvents(b.id)).map((e) => `${e.id} ${e.kind}`)).toEqual(['CVE-2021-23337 appeared']);
      expect(await store.findingEvents(a.id)).toHaveLength(1);
      expect((await store.getImage(a.id, digest))?.summary).toMatchObject({ vulnerabilities: { critical: 1 }, environments: ['production'] });
      expect((await store.getImage(b.id, digest))?.summary).toMatchObject({ vulnerabilities: { critical: 1 }, environments: [] });

      const tokenOfA = await store.createToken(a.id, 'ci', ['push']);
      expect(await store.listTokens(b.id)).toEqual([]);
      expect(await store.revokeToken(b.id, tokenOfA.info.id)).toBe(false);
      expect(await store.authenticate(tokenOfA.token)).toMatchObject({ orgId: a.id });
    });
  });

  it('keeps tokens as hashes only, authenticates them until revoked, and records their use once a minute', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      expect(await store.isEmpty()).toBe(true);
      const org = await store.createOrg('acme');
      expect(await store.isEmpty()).toBe(false);
      expect(await store.getOrg(org.id)).toEqual(org);
      const { token, info } = await store.createToken(org.id, 'admin', ['admin', 'read', 'push']);
      expect(token).toMatch(/^sxt_[A-Za-z0-9_-]{43}$/);
      expect(info).toMatchObject({ orgId: org.id, name: 'admin', scopes: ['admin', 'read', 'push'], lastUsedAt: null });

      const rows = await store.db.selectFrom('token').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows[0]?.hash).toBe(createHash('sha256').update(token).digest('hex'));

      const t0 = new Date('2024-06-01T12:00:00.000Z');
      expect(await store.authenticate(token, t0)).toEqual({ orgId: org.id, tokenId: info.id, scopes: ['admin', 'read', 'push'] });
      expect((await store.listTokens(org.id))[0]?.lastUsedAt).toBe(t0.toISOString());
      await store.authenticate(token, new Date(t0.getTime() + 30_000));
      expect((await store.listTokens(org.id))[0]?.lastUsedAt).toBe(t0.toISOString());
      const t2 = new Date(t0.getTime() + 61_000);
      await store.authenticate(token, t2);
      expect((await store.listTokens(org.id))[0]?.lastUsedAt).toBe(t2.toISOString());

      expect(await store.authenticate('sxt_unknown')).toBeNull();
      expect(await store.authenticate(`${token}x`)).toBeNull();

      // A given value (the bootstrap token) is taken as is, once.
      const bootstrap = await store.createToken(org.id, 'bootstrap', ['admin'], 'my-bootstrap-secret');
      expect(bootstrap.token).toBe('my-bootstrap-secret');
      expect(await store.authenticate('my-bootstrap-secret')).toMatchObject({ tokenId: bootstrap.info.id, scopes: ['admin'] });
      await expect(store.createToken(org.id, 'again', ['read'], 'my-bootstrap-secret')).rejects.toMatchObject({ code: 'USAGE' });

      expect(await store.revokeToken(org.id, info.id)).toBe(true);
      expect(await store.revokeToken(org.id, info.id)).toBe(false);
      expect(await store.authenticate(token)).toBeNull();
      expect((await store.listTokens(org.id)).map((t) => t.name)).toEqual(['bootstrap']);
    });
  });

  it('keeps findings per package, replaces a package\'s findings, and records what appeared and disappeared on each image', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const { payload, app } = appImage('shop', '1.0', [
        ['lodash', '4.17.20'],
        ['express', '4.19.2'],
      ]);
      const digest = payload.sbom.image.digest as string;
      const lodash = 'pkg:npm/lodash@4.17.20';
      const express = 'pkg:npm/express@4.19.2';
      const f1 = finding('CVE-2021-23337', lodash, 'critical');
      const f2 = finding('CVE-2020-28500', lodash, 'medium');
      // Only the packages stored for the first time are matched; the image's findings carry its layers.
      const asked: string[][] = [];
      const pushed = await store.putImage(
        org.id,
        payload,
        (packages) => {
          asked.push(packages.map((p) => p.name));
          return [f1, f2];
        },
        'sha256:db1',
        '2024-06-01T00:00:00.000Z',
      );
      expect(asked.map((names) => [...names].sort())).toEqual([payload.sbom.packages.map((p) => p.name).sort()]);
      expect(pushed.findings).toEqual([
        { ...f2, layers: [app.diffId] },
        { ...f1, layers: [app.diffId] },
      ]);
      expect(await store.findingEvents(org.id, { digest })).toEqual([
        { seq: expect.any(Number), digest, id: f2.id, purl: lodash, kind: 'appeared', at: '2024-06-01T00:00:00.000Z', cause: 'push' },
        { seq: expect.any(Number), digest, id: f1.id, purl: lodash, kind: 'appeared', at: '2024-06-01T00:00:00.000Z', cause: 'push' },
      ]);
      const [, lastPushEvent] = await store.findingEvents(org.id);
      // A second image with the same lodash is not matched again: it has lodash's findings.
      const other = appImage('cart', '2.0', [['lodash', '4.17.20']]);
      const second = await store.putImage(org.id, other.payload, (packages) => {
        asked.push(packages.map((p) => p.name));
        return [];
      }, 'sha256:db1');
      expect(asked).toHaveLength(1);
      expect(second.findings.map((f) => [f.id, f.layers])).toEqual([
        [f2.id, [other.app.diffId]],
        [f1.id, [other.app.diffId]],
      ]);

      // A re-evaluation: lodash loses f1 and f2 changes (a fix became known); express gains f3.
      const idOf = async (purl: string) => Number((await store.db.selectFrom('package').select('id').where('purl', '=', purl).executeTakeFirstOrThrow()).id);
      const [lodashId, expressId] = [await idOf(lodash), await idOf(express)];
      const f2Fixed = { ...f2, fixedIn: ['4.17.21'] };
      const f3 = finding('CVE-2024-29041', express, null);
      const replace = (findings: Map<number, Finding[]>, cause: string, at = '2024-06-02T00:00:00.000Z') => store.atomically(({ db }) => replacePackageFindings(db, store.dialect, findings, cause, at));
      expect(
        await replace(
          new Map([
            [lodashId, [f2Fixed]],
            [expressId, [f3]],
          ]),
          'advisory:GHSA-rv95-896h-c2vc',
        ),
      ).toEqual({ appeared: 1, disappeared: 2 });
      expect(await store.getFindings(org.id, digest)).toEqual([
        { ...f3, layers: [app.diffId] },
        { ...f2Fixed, layers: [app.diffId] },
      ]);
      const rows = (await store.db.selectFrom('package_finding').select(['package_id', 'display_id', 'purl', 'first_seen', 'severity']).orderBy('package_id').orderBy('position').execute()).map((r) => ({ ...r, package_id: Number(r.package_id) }));
      expect(rows).toEqual(
        [
          { package_id: lodashId, display_id: f2.id, purl: lodash, first_seen: '2024-06-01T00:00:00.000Z', severity: 'medium' },
          { package_id: expressId, display_id: f3.id, purl: express, first_seen: '2024-06-02T00:00:00.000Z', severity: 'unknown' },
        ].sort((x, y) => x.package_id - y.package_id),
      );
      expect((await store.findingEvents(org.id, { afterSeq: lastPushEvent?.seq })).filter((e) => e.cause !== 'push')).toEqual([
        { seq: expect.any(Number), digest, id: f3.id, purl: express, kind: 'appeared', at: '2024-06-02T00:00:00.000Z', cause: 'advisory:GHSA-rv95-896h-c2vc' },
        { seq: expect.any(Number), digest, id: f1.id, purl: lodash, kind: 'disappeared', at: '2024-06-02T00:00:00.000Z', cause: 'advisory:GHSA-rv95-896h-c2vc' },
        { seq: expect.any(Number), digest: other.payload.sbom.image.digest, id: f1.id, purl: lodash, kind: 'disappeared', at: '2024-06-02T00:00:00.000Z', cause: 'advisory:GHSA-rv95-896h-c2vc' },
      ]);
      expect((await store.getImage(org.id, digest))?.summary.vulnerabilities).toEqual({ medium: 1, unknown: 1 });
      // The same lists again change nothing; a finding listed twice is kept once.
      expect(await replace(new Map([[expressId, [f3, f3]]]), 'advisory:x')).toEqual({ appeared: 0, disappeared: 0 });
      expect(await store.getFindings(org.id, digest)).toHaveLength(2);

      // Re-pushing the digest without lodash: its finding disappears from the image, caused by the push.
      const without = { ...payload, sbom: { ...payload.sbom, packages: payload.sbom.packages.filter((p) => p.name !== 'lodash') } };
      await store.putImage(org.id, without, () => [], 'sha256:db2', '2024-06-03T00:00:00.000Z');
      expect((await store.getFindings(org.id, digest))?.map((f) => f.id)).toEqual([f3.id]);
      expect((await store.findingEvents(org.id)).slice(-1).map((e) => [e.digest, e.id, e.kind, e.cause])).toEqual([[digest, f2.id, 'disappeared', 'push']]);
      expect(await store.findingEvents(org.id, { limit: 1 })).toHaveLength(1);
    });
  });

  it('finds base candidates by chain ID among the org images and the catalog', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const other = await store.createOrg('other');
      // An org base image (BASE + RUNTIME) and an app on top of it.
      const baseSbom = assembleSbom(metadata('node-base', '20', [BASE, RUNTIME]), [deb('openssl', '3.0.11-1~deb12u1', null, BASE.diffId)], '0.1.0');
      await store.putImage(org.id, { sbom: baseSbom, secrets: [] }, () => [], 'sha256:db');
      const { payload, app } = appImage('shop', '1.0', [['lodash', '4.17.21']]);
      await store.putImage(org.id, payload, () => [], 'sha256:db');
      // Another org's image with the same chain is not a candidate for this org.
      await store.putImage(other.id, { sbom: assembleSbom(metadata('theirs', '1', [BASE, RUNTIME]), [], '0.1.0'), secrets: [] }, () => [], 'sha256:db');

      expect(
        await store.addCatalogEntries([
          { name: 'debian', tag: 'bookworm', digest: null, layers: ['sha256:old'] },
          { name: 'debian', tag: 'bookworm', digest: digestOf('debian:bookworm'), layers: [BASE.diffId], addedAt: '2024-01-01T00:00:00.000Z' },
          { name: 'alpine', tag: '3.20', digest: digestOf('alpine:3.20'), layers: [digestOf('tar alpine')], addedAt: '2024-01-01T00:00:00.000Z' },
        ]),
      ).toBe(2);
      await expect(store.addCatalogEntries([{ name: 'empty', tag: 'x', digest: null, layers: [] }])).rejects.toMatchObject({ code: 'USAGE' });
      expect(await store.listCatalog()).toEqual([
        { name: 'alpine', tag: '3.20', platform: null, digest: digestOf('alpine:3.20'), layers: [digestOf('tar alpine')], addedAt: '2024-01-01T00:00:00.000Z' },
        { name: 'debian', tag: 'bookworm', platform: null, digest: digestOf('debian:bookworm'), layers: [BASE.diffId], addedAt: '2024-01-01T00:00:00.000Z' },
      ]);

      // An image built on the app: every prefix of its chain is looked up.
      const extra = layer('extra', 'RUN true');
      const chain = chainIds([BASE.diffId, RUNTIME.diffId, app.diffId, extra.diffId]);
      expect(await store.baseCandidates(org.id, chain)).toEqual([
        { source: 'org', reference: 'registry.example.com/shop:1.0', digest: payload.sbom.image.digest, layers: [BASE.diffId, RUNTIME.diffId, app.diffId] },
        { source: 'org', reference: 'registry.example.com/node-base:20', digest: baseSbom.image.digest, layers: [BASE.diffId, RUNTIME.diffId] },
        { source: 'catalog', reference: 'debian:bookworm', digest: digestOf('debian:bookworm'), layers: [BASE.diffId] },
      ]);
      expect(await store.baseCandidates(org.id, chainIds([digestOf('tar alpine'), extra.diffId]))).toEqual([{ source: 'catalog', reference: 'alpine:3.20', digest: digestOf('alpine:3.20'), layers: [digestOf('tar alpine')] }]);
      expect(await store.baseCandidates(org.id, [])).toEqual([]);
    });
  });

  it('keeps a catalog entry per platform of a name and tag, and finds each platform\u2019s as the base of an image of that platform', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const amd64 = layer('debian-amd64', '# debian.sh --arch amd64 out/ bookworm');
      const arm64 = layer('debian-arm64', '# debian.sh --arch arm64 out/ bookworm');
      const at = '2024-01-01T00:00:00.000Z';
      const entry = (platform: string | null, layers: string[], digest: string | null) => ({ name: 'docker.io/library/debian', tag: '12', platform, digest, layers, addedAt: at });
      expect(
        await store.addCatalogEntries([
          entry('linux/amd64', [amd64.diffId], digestOf('debian:12 amd64')),
          entry('linux/arm64/v8', [arm64.diffId], digestOf('debian:12 arm64')),
          // Left out: unknown, a third entry of the name and tag.
          { name: 'docker.io/library/debian', tag: '12', digest: null, layers: [digestOf('tar unknown')], addedAt: at },
        ]),
      ).toBe(3);
      expect(await store.listCatalog()).toEqual([
        entry(null, [digestOf('tar unknown')], null),
        entry('linux/amd64', [amd64.diffId], digestOf('debian:12 amd64')),
        entry('linux/arm64/v8', [arm64.diffId], digestOf('debian:12 arm64')),
      ]);

      // Re-adding one platform replaces that entry only; an entry given twice keeps its last copy.
      const rebuilt = layer('debian-arm64-rebuilt', '# debian.sh --arch arm64 out/ bookworm');
      expect(
        await store.addCatalogEntries([
          entry('linux/arm64/v8', [digestOf('tar first copy')], digestOf('first copy')),
          { ...entry('linux/arm64/v8', [rebuilt.diffId], digestOf('debian:12 arm64 rebuilt')), addedAt: '2024-02-01T00:00:00.000Z' },
        ]),
      ).toBe(1);
      expect(await store.listCatalog()).toEqual([
        entry(null, [digestOf('tar unknown')], null),
        entry('linux/amd64', [amd64.diffId], digestOf('debian:12 amd64')),
        { ...entry('linux/arm64/v8', [rebuilt.diffId], digestOf('debian:12 arm64 rebuilt')), addedAt: '2024-02-01T00:00:00.000Z' },
      ]);

      // An arm64 image built on the arm64 base finds the arm64 entry; an amd64 one the amd64 entry. Both answer
      // under the name and tag (each image is its own longest candidate).
      const app = layer('app', 'COPY . /app');
      const armApp = assembleSbom(metadata('shop', 'arm64', [rebuilt, app], { architecture: 'arm64', variant: 'v8' }), [], '0.1.0');
      await store.putImage(org.id, { sbom: armApp, secrets: [] }, () => [], 'sha256:db');
      expect(await store.baseCandidates(org.id, chainIds([rebuilt.diffId, app.diffId]))).toEqual([
        { source: 'org', reference: 'registry.example.com/shop:arm64', digest: armApp.image.digest, layers: [rebuilt.diffId, app.diffId] },
        { source: 'catalog', reference: 'docker.io/library/debian:12', digest: digestOf('debian:12 arm64 rebuilt'), layers: [rebuilt.diffId] },
      ]);
      const amdApp = assembleSbom(metadata('shop', 'amd64', [amd64, app]), [], '0.1.0');
      await store.putImage(org.id, { sbom: amdApp, secrets: [] }, () => [], 'sha256:db');
      expect(await store.baseCandidates(org.id, chainIds([amd64.diffId, app.diffId]))).toEqual([
        { source: 'org', reference: 'registry.example.com/shop:amd64', digest: amdApp.image.digest, layers: [amd64.diffId, app.diffId] },
        { source: 'catalog', reference: 'docker.io/library/debian:12', digest: digestOf('debian:12 amd64'), layers: [amd64.diffId] },
      ]);
    });
  });

  it('records environment snapshots as differences, with their history', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const { payload } = appImage('shop', '1.0', []);
      const shop = payload.sbom.image.digest as string;
      await store.putImage(org.id, payload, () => [], 'sha256:db');
      const web = { namespace: 'shop', workload: 'web', workloadType: 'Deployment', digest: shop };
      const worker = { namespace: 'shop', workload: 'worker', workloadType: 'StatefulSet', digest: digestOf('worker v1') };
      const worker2 = { ...worker, digest: digestOf('worker v2') };
      const cron = { namespace: null, workload: 'cleanup', workloadType: 'CronJob', digest: digestOf('cleanup') };

      expect(await store.recordDeployments(org.id, 'production', [web, worker, web], '2024-06-01T00:00:00.000Z')).toEqual({ added: 2, removed: 0 });
      expect(await store.recordDeployments(org.id, 'production', [worker, web], '2024-06-02T00:00:00.000Z')).toEqual({ added: 0, removed: 0 });
      expect(await store.recordDeployments(org.id, 'production', [web, worker2, cron], '2024-06-03T00:00:00.000Z')).toEqual({ added: 2, removed: 1 });
      expect(await store.recordDeployments(org.id, 'staging', [], '2024-06-03T00:00:00.000Z')).toEqual({ added: 0, removed: 0 });
      expect(await store.environments(org.id)).toEqual([
        { name: 'production', deployments: [cron, web, worker2] },
        { name: 'staging', deployments: [] },
      ]);
      const event = (d: Deployment, kind: 'added' | 'removed', at: string) => ({ environment: 'production', digest: d.digest, namespace: d.namespace, workload: d.workload, workloadType: d.workloadType, kind, at });
      expect(await store.environmentHistory(org.id, 'production')).toEqual([
        event(web, 'added', '2024-06-01T00:00:00.000Z'),
        event(worker, 'added', '2024-06-01T00:00:00.000Z'),
        event(worker, 'removed', '2024-06-03T00:00:00.000Z'),
        event(cron, 'added', '2024-06-03T00:00:00.000Z'),
        event(worker2, 'added', '2024-06-03T00:00:00.000Z'),
      ]);
      expect(await store.environmentHistory(org.id, 'nowhere')).toEqual([]);
      expect((await store.getImage(org.id, shop))?.summary.environments).toEqual(['production']);

      // One workload recorded on its own replaces its previous digest and leaves the rest.
      const worker3 = { ...worker, digest: digestOf('worker v3') };
      expect(await store.recordDeployment(org.id, 'production', worker3, '2024-06-04T00:00:00.000Z')).toEqual({ added: 1, removed: 1 });
      expect((await store.environments(org.id))[0]?.deployments).toEqual([cron, web, worker3]);

      // A push naming an environment records the image there, in place of the repository's previous digest.
      const next = appImage('shop', '1.1', []);
      await store.putImage(org.id, { ...next.payload, environment: 'staging' }, () => [], 'sha256:db');
      await store.putImage(org.id, { ...payload, environment: 'staging' }, () => [], 'sha256:db');
      expect((await store.environments(org.id))[1]).toEqual({ name: 'staging', deployments: [{ namespace: null, workload: 'shop', workloadType: 'image', digest: shop }] });
      expect((await store.environmentHistory(org.id, 'staging')).map((e) => [e.kind, e.digest])).toEqual([
        ['added', next.payload.sbom.image.digest],
        ['removed', next.payload.sbom.image.digest],
        ['added', shop],
      ]);
      expect((await store.getImage(org.id, shop))?.summary.environments).toEqual(['production', 'staging']);
    });
  });

  it('lists images newest first in keyset pages, and searches them', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
      for (const [i, name] of names.entries()) {
        await store.putImage(org.id, appImage(name, `v${i}`, []).payload, () => [], 'sha256:db', `2024-06-0${i + 1}T00:00:00.000Z`);
      }
      // Two pushed at the same instant are ordered by digest.
      const twins = ['zeta', 'eta'].map((name) => appImage(name, 'same', []).payload);
      for (const p of twins) await store.putImage(org.id, p, () => [], 'sha256:db', '2024-06-09T00:00:00.000Z');
      const twinDigests = twins.map((p) => p.sbom.image.digest as string).sort();

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<PlatformStore['listImages']>> = await store.listImages(org.id, { limit: 2, cursor });
        seen.push(...page.images.map((i) => i.digest));
        cursor = page.next;
        pages++;
      } while (cursor);
      expect(pages).toBe(4);
      const expected = [...twinDigests, ...[...names].reverse().map((n, i) => appImage(n, `v${names.length - 1 - i}`, []).payload.sbom.image.digest as string)];
      expect(seen).toEqual(expected);

      const repos = async (search: string) => (await store.listImages(org.id, { limit: 10, search })).images.map((i) => i.repository);
      expect(await repos('ALPHA')).toEqual(['alpha']);
      expect(await repos('v3')).toEqual(['delta']);
      expect((await repos('eta')).sort()).toEqual(['beta', 'eta', 'zeta']);
      expect(await repos(twinDigests[0]?.slice(7, 20) as string)).toHaveLength(1);
      expect(await repos('%')).toEqual([]);
      expect(await repos('_')).toEqual([]);
      await expect(store.listImages(org.id, { limit: 2, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'USAGE' });
    });
  });

  it('takes concurrent pushes sharing new packages and layers, and of one digest, without losing or doubling any', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const images = Array.from({ length: 6 }, (_, i) =>
        appImage(`svc${i}`, '1.0', [
          ['lodash', '4.17.21'],
          ['express', '4.19.2'],
          [`own-${i}`, '1.0.0'],
        ]),
      );
      const twice = images[0] as ReturnType<typeof appImage>;
      const results = await Promise.all([...images, twice].map((image) => store.putImage(org.id, image.payload, () => [], 'sha256:db')));
      expect(results.filter((r) => r.digest === twice.payload.sbom.image.digest).map((r) => r.created).sort()).toEqual([false, true]);
      // 3 OS packages (5 coordinates: libssl3 and libc6 also by source), lodash, express and one own package per
      // image; 2 shared layers and one app layer per image.
      expect(await store.tableCounts()).toMatchObject({ image: 6, package: 5 + 6, image_package: 36, layer: 2 + 6, image_layer: 18, package_coordinate: 5 + 2 + 6 });
    });
  });

  it('stores a push in one transaction: a failing part leaves nothing of it', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const good = appImage('shop', '1.0', [['lodash', '4.17.20']]);
      const lodash = 'pkg:npm/lodash@4.17.20';
      await store.putImage(org.id, { ...good.payload, environment: 'production' }, () => [finding('CVE-2021-23337', lodash, 'critical')], 'sha256:db');
      const counts = await store.tableCounts();
      const before = await store.getImage(org.id, good.payload.sbom.image.digest as string);

      // The package rows are written after the image, its layers and the other packages' rows: a package without a
      // version fails there, and everything before it is rolled back.
      const broken = (image: ReturnType<typeof appImage>): PushPayload => {
        const bad = { ...npm('mystery', '1.0.0', image.app.diffId), type: 'generic' as const, purl: 'pkg:generic/mystery', version: null as unknown as string };
        return { ...image.payload, sbom: { ...image.payload.sbom, packages: [...image.payload.sbom.packages, bad] }, environment: 'staging' };
      };
      const fresh = appImage('cart', '2.0', [['express', '4.19.2']]);
      await expect(store.putImage(org.id, broken(fresh), () => [finding('CVE-2024-29041', 'pkg:npm/express@4.19.2', 'medium')], 'sha256:db')).rejects.toMatchObject({ code: 'STORE' });
      expect(await store.tableCounts()).toEqual(counts);
      expect(await store.getImage(org.id, fresh.payload.sbom.image.digest as string)).toBeNull();

      // A failing re-push leaves the stored image as it was.
      const repush = broken(good);
      await expect(store.putImage(org.id, { ...repush, sbom: { ...repush.sbom, image: { ...repush.sbom.image, labels: { changed: 'yes' } } } }, () => [], 'sha256:db2')).rejects.toMatchObject({ code: 'STORE' });
      expect(await store.tableCounts()).toEqual(counts);
      expect(await store.getImage(org.id, good.payload.sbom.image.digest as string)).toEqual(before);
    });
  });
});

describe('platform store errors', () => {
  it('names the store it cannot open, in one line, without credentials', async () => {
    await expect(PlatformStore.open({ url: join(dir, 'missing-dir', 'db.sqlite') })).rejects.toMatchObject({ code: 'STORE', message: expect.stringMatching(/cannot open the platform store at .*missing-dir/) });
    const err = await PlatformStore.open({ url: 'postgres://user:secret@127.0.0.1:1/none' }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'STORE' });
    expect((err as Error).message).not.toContain('secret');
  });

  it('refuses a push for an org that does not exist', async () => {
    await withPlatformStore({ url: join(dir, 'no-org.sqlite') }, async (store) => {
      await expect(store.putImage('no-such-org', appImage('shop', '1.0', []).payload, () => [], 'sha256:db')).rejects.toMatchObject({ code: 'STORE' });
      expect((await store.tableCounts()).image).toBe(0);
    });
  });
});
