// The overview's store side on both databases (SQLite always, PostgreSQL when DATABASE_URL is set): finding events
// carry their severity from every writer (push, re-push, re-evaluation, re-ratings as pairs), the trend runs them up
// by day to today's open findings, the counts, the findings an advisory update brought, the worst images and the
// outdated bases of both kinds, each org seeing only its own.
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../match/matcher.ts';
import { assembleSbom } from '../../sbom/assemble.ts';
import type { ImageMetadata, LayerInfo } from '../../core/model.ts';
import type { PushPayload } from '../model.ts';
import type { PlatformStore } from './platform-store.ts';
import { replacePackageFindings } from './reevaluation.ts';
import { appImage, digestOf, handFinding, layer, metadata, withPlatformStore } from '../../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../../test/support/pg-schemas.ts';

const { backends, cleanup } = testStoreLocations('sextant_overview', { skipped: 'overview store' });
afterAll(cleanup);

type Rating = 'critical' | 'high' | 'medium' | 'low' | null;

/** A finding of `purl` whose advisory is a GHSA aliasing the CVE `id`. */
const finding = (id: string, purl: string, rating: Rating, fixedIn: string[] = []): Finding =>
  handFinding(id, purl, rating, { ids: [id, `GHSA-${id.slice(4)}`], advisoryIds: [`GHSA-${id.slice(4)}`], fixedIn });

const LODASH = 'pkg:npm/lodash@4.17.20';
const EXPRESS = 'pkg:npm/express@4.19.2';
const QS = 'pkg:npm/qs@6.5.2';
const none = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

/** The ids of stored packages by purl. */
async function packageId(store: PlatformStore, purl: string): Promise<number> {
  return Number((await store.db.selectFrom('package').select('id').where('purl', '=', purl).orderBy('id').executeTakeFirstOrThrow()).id);
}

/** Every finding event as stored: kind, id, severity, cause. */
async function storedEvents(store: PlatformStore, orgId: string): Promise<string[]> {
  const rows = await store.db.selectFrom('finding_event').select(['kind', 'display_id', 'severity', 'cause']).where('org_id', '=', orgId).orderBy('seq').execute();
  return rows.map((r) => `${r.kind} ${r.display_id} ${r.severity} ${r.cause}`);
}

/** Make `findings` (by package id) the stored findings, as a re-evaluation with `cause` at `at` does. */
function reevaluate(store: PlatformStore, findings: [number, Finding[]][], cause: string, at: string) {
  return store.atomically(({ db }) => replacePackageFindings(db, store.dialect, new Map(findings), cause, at));
}

/** A push of image `name:tag` with `layers`, no packages, and `over` in its metadata. */
function bare(name: string, tag: string, layers: LayerInfo[], over: Partial<ImageMetadata> = {}): PushPayload {
  return { sbom: assembleSbom(metadata(name, tag, layers, { provenance: null, ...over }), [], '0.1.0'), secrets: [] };
}

describe.each(backends)('overview store on %s', (_name, newLocation) => {
  it('records each finding event with its severity: on push, re-push and re-evaluation, a change of rating as a pair', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const shop = appImage('shop', '1.0', [
        ['lodash', '4.17.20'],
        ['express', '4.19.2'],
      ]);
      const f1 = finding('CVE-2021-23337', LODASH, 'critical');
      const f2 = finding('CVE-2020-28500', LODASH, 'medium');
      await store.putImage(org.id, shop.payload, () => [f1, f2], 'sha256:db', '2024-06-01T00:00:00.000Z');
      expect(await storedEvents(store, org.id)).toEqual(['appeared CVE-2020-28500 medium push', 'appeared CVE-2021-23337 critical push']);

      // An advisory change: f1 is rated high now, f2 goes, express gains an unrated f3.
      const f3 = finding('CVE-2024-29041', EXPRESS, null);
      const changes = await reevaluate(
        store,
        [
          [await packageId(store, LODASH), [{ ...f1, severity: { rating: 'high', score: 8.1, vector: null, source: 'CVSS_V3' } }]],
          [await packageId(store, EXPRESS), [f3]],
        ],
        'advisory:x',
        '2024-06-02T00:00:00.000Z',
      );
      // The re-rating is no appearance or disappearance.
      expect(changes).toEqual({ appeared: 1, disappeared: 1 });
      expect((await storedEvents(store, org.id)).slice(2)).toEqual([
        'appeared CVE-2024-29041 unknown advisory:x',
        'disappeared CVE-2020-28500 medium advisory:x',
        'rerated-from CVE-2021-23337 critical advisory:x',
        'rerated-to CVE-2021-23337 high advisory:x',
      ]);
      // The public history (and the webhooks reading it) has appearances and disappearances only.
      expect((await store.findingEvents(org.id)).map((e) => `${e.kind} ${e.id}`)).toEqual(['appeared CVE-2020-28500', 'appeared CVE-2021-23337', 'appeared CVE-2024-29041', 'disappeared CVE-2020-28500']);

      // Re-pushing the digest without express: f3 goes, rated as it was.
      const without = { ...shop.payload, sbom: { ...shop.payload.sbom, packages: shop.payload.sbom.packages.filter((p) => p.name !== 'express') } };
      await store.putImage(org.id, without, () => [], 'sha256:db', '2024-06-03T00:00:00.000Z');
      expect((await storedEvents(store, org.id)).slice(6)).toEqual(['disappeared CVE-2024-29041 unknown push']);
    });
  });

  it('runs the events up by UTC day into a trend whose last day is the open findings now', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const shop = appImage('shop', '1.0', [['lodash', '4.17.20']]);
      const cart = appImage('cart', '2.0', [
        ['lodash', '4.17.20'],
        ['qs', '6.5.2'],
      ]);
      const f1 = finding('CVE-2021-23337', LODASH, 'critical');
      const f2 = finding('CVE-2020-28500', LODASH, 'medium');
      const f4 = finding('CVE-2022-24999', QS, 'high');
      // Before the window: shop (f1, f2). In it: cart (f1, f2, f4) on the 3rd, a re-evaluation on the 5th (f1 rated
      // low, f2 gone, on both images), late in the day.
      await store.putImage(org.id, shop.payload, () => [f1, f2], 'sha256:db', '2024-05-20T10:00:00.000Z');
      await store.putImage(org.id, cart.payload, () => [f4], 'sha256:db', '2024-06-03T08:00:00.000Z');
      await reevaluate(store, [[await packageId(store, LODASH), [{ ...f1, severity: { rating: 'low', score: null, vector: null, source: 'database_specific' } }]]], 'advisory:y', '2024-06-05T23:59:59.999Z');

      const { trend, findings } = await store.overview(org.id, { days: 5, since: null, now: new Date('2024-06-06T12:00:00.000Z') });
      expect(trend).toEqual([
        { day: '2024-06-02', ...none, critical: 1, medium: 1 },
        { day: '2024-06-03', ...none, critical: 2, high: 1, medium: 2 },
        { day: '2024-06-04', ...none, critical: 2, high: 1, medium: 2 },
        { day: '2024-06-05', ...none, high: 1, low: 2 },
        { day: '2024-06-06', ...none, high: 1, low: 2 },
      ]);
      expect(findings).toEqual({ ...none, high: 1, low: 2 });
      // One day only: today.
      expect((await store.overview(org.id, { days: 1, since: null, now: new Date('2024-06-06T00:00:00.000Z') })).trend).toEqual([{ day: '2024-06-06', ...none, high: 1, low: 2 }]);
      // A day inside the history: what was open at its end.
      expect((await store.overview(org.id, { days: 2, since: null, now: new Date('2024-06-04T01:00:00.000Z') })).trend.map((d) => d.critical)).toEqual([2, 2]);
    });
  });

  it('counts images, packages, environments, open findings and vulnerabilities, and ranks the worst images', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const other = await store.createOrg('other');
      const shop = appImage('shop', '1.0', [['lodash', '4.17.20']]);
      const cart = appImage('cart', '2.0', [
        ['lodash', '4.17.20'],
        ['qs', '6.5.2'],
      ]);
      const blog = appImage('blog', '3.0', [['express', '4.19.2']]);
      const clean = appImage('clean', '4.0', []);
      const findingsOf = [finding('CVE-2021-23337', LODASH, 'critical'), finding('CVE-2020-28500', LODASH, 'medium'), finding('CVE-2022-24999', QS, 'critical'), finding('CVE-2024-29041', EXPRESS, null)];
      for (const image of [shop, cart, blog, clean]) await store.putImage(org.id, image.payload, (packages) => findingsOf.filter((f) => packages.some((p) => p.purl === f.purl)), 'sha256:db', '2024-06-01T00:00:00.000Z');
      const digest = (image: ReturnType<typeof appImage>) => image.payload.sbom.image.digest as string;
      await store.recordDeployments(org.id, 'production', [
        { namespace: 'shop', workload: 'web', workloadType: 'Deployment', digest: digest(shop) },
        { namespace: 'shop', workload: 'worker', workloadType: 'Deployment', digest: digest(shop) },
        { namespace: 'blog', workload: 'web', workloadType: 'Deployment', digest: digestOf('not pushed') },
      ]);
      await store.recordDeployments(org.id, 'staging', []);

      const overview = await store.overview(org.id, { days: 3, since: null, now: new Date('2024-06-02T00:00:00.000Z') });
      expect(overview).toMatchObject({
        images: 4,
        packages: 4 + 5 + 4 + 3,
        environments: [
          { name: 'production', images: 2, workloads: 3 },
          { name: 'staging', images: 0, workloads: 0 },
        ],
        // shop: 2, cart: 3, blog: 1.
        findings: { ...none, critical: 3, medium: 2, unknown: 1 },
        vulnerabilities: { ...none, critical: 2, medium: 1, unknown: 1 },
        newFindings: { since: null, total: 0, findings: [] },
        outdatedBases: [],
      });
      expect(overview.trend.at(-1)).toEqual({ day: '2024-06-02', ...overview.findings });
      // The worst first; an image without findings is not among them.
      expect(overview.topImages.map((i) => i.repository)).toEqual(['cart', 'shop', 'blog']);
      expect(overview.topImages[0]).toMatchObject({ digest: digest(cart), packageCount: 5, environments: [] });
      expect(overview.topImages[1]?.environments).toEqual(['production']);

      // Another org has nothing of it.
      expect(await store.overview(other.id, { days: 2, since: '2024-01-01T00:00:00.000Z', now: new Date('2024-06-02T00:00:00.000Z') })).toEqual({
        images: 0,
        packages: 0,
        environments: [],
        findings: none,
        vulnerabilities: none,
        trend: [
          { day: '2024-06-01', ...none },
          { day: '2024-06-02', ...none },
        ],
        newFindings: { since: '2024-01-01T00:00:00.000Z', total: 0, findings: [] },
        topImages: [],
        outdatedBases: [],
      });
    });
  });

  it('lists the findings an advisory update brought that are still open, worst first', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const shop = appImage('shop', '1.0', [['lodash', '4.17.20']]);
      const cart = appImage('cart', '2.0', [
        ['lodash', '4.17.20'],
        ['qs', '6.5.2'],
      ]);
      const f1 = finding('CVE-2021-23337', LODASH, 'critical');
      // Pushed with f1: appeared through pushes, not through an update.
      await store.putImage(org.id, shop.payload, () => [f1], 'sha256:db', '2024-06-01T00:00:00.000Z');
      await store.putImage(org.id, cart.payload, () => [], 'sha256:db', '2024-06-01T00:00:00.000Z');
      const [lodash, qs] = [await packageId(store, LODASH), await packageId(store, QS)];
      // An earlier update brings f2 on lodash; the last one (at 06-03) f4 on qs and f5 on lodash, then takes f6 away again.
      const f2 = finding('CVE-2020-28500', LODASH, 'medium');
      const f4 = finding('CVE-2022-24999', QS, 'high');
      const f5 = finding('CVE-2019-10744', LODASH, 'low');
      const f6 = finding('CVE-2018-3721', QS, 'critical');
      await reevaluate(store, [[lodash, [f1, f2]]], 'advisory update osv:npm', '2024-06-02T00:00:00.000Z');
      await reevaluate(
        store,
        [
          [lodash, [f1, f2, f5]],
          [qs, [f4, f6]],
        ],
        'advisory update osv:npm',
        '2024-06-03T00:00:01.000Z',
      );
      await reevaluate(store, [[qs, [f4]]], 'advisory update osv:npm', '2024-06-03T00:00:02.000Z');

      const since = '2024-06-03T00:00:00.000Z';
      const { newFindings } = await store.overview(org.id, { days: 1, since, now: new Date('2024-06-04T00:00:00.000Z') });
      const item = (f: Finding, image: ReturnType<typeof appImage>, severity: string) => ({ id: f.id, purl: f.purl, severity, digest: image.payload.sbom.image.digest as string, reference: image.payload.sbom.image.reference, at: '2024-06-03T00:00:01.000Z' });
      expect(newFindings).toEqual({ since, total: 3, findings: [item(f4, cart, 'high'), item(f5, cart, 'low'), item(f5, shop, 'low')].sort((a, b) => (a.severity === b.severity ? (a.digest < b.digest ? -1 : 1) : a.severity === 'high' ? -1 : 1)) });
      // Since the earlier update: f2 on both images as well.
      expect((await store.overview(org.id, { days: 1, since: '2024-06-02T00:00:00.000Z', now: new Date('2024-06-04T00:00:00.000Z') })).newFindings.total).toBe(5);
      // After the last change, nothing.
      expect((await store.overview(org.id, { days: 1, since: '2024-06-03T00:00:03.000Z' })).newFindings).toEqual({ since: '2024-06-03T00:00:03.000Z', total: 0, findings: [] });
    });
  });

  it('names the images whose base the org pushed again, and those whose named base moved in the org or the catalog', async () => {
    await withPlatformStore(newLocation(), async (store) => {
      const org = await store.createOrg('acme');
      const other = await store.createOrg('other');
      const at = (day: number) => `2024-06-0${day}T00:00:00.000Z`;
      const named = (n: string) => layer(n, `RUN ${n}`);
      const [b1, b2, b3, a1, a2, a3, a4, a5, a6] = [named('b1'), named('b2'), named('b3'), named('a1'), named('a2'), named('a3'), named('a4'), named('a5'), named('a6')] as const;
      const [c1, c2, c3] = [named('c1'), named('c2'), named('c3')] as const;
      const arm = { architecture: 'arm64', variant: 'v8' };
      // The org's base image, pushed twice under one tag; an arm64 build of it after that.
      await store.putImage(org.id, bare('base', '12', [b1]), () => [], 'sha256:db', at(1));
      // shop built on the first push, then the base pushed again: newer-push. (An arm64 push later changes nothing.)
      await store.putImage(org.id, bare('shop', '1.0', [b1, a1]), () => [], 'sha256:db', at(2));
      await store.putImage(org.id, bare('base', '12', [b2], { digest: digestOf('base 12 again') }), () => [], 'sha256:db', at(3));
      await store.putImage(org.id, bare('base', '12', [b3], { ...arm, digest: digestOf('base 12 arm') }), () => [], 'sha256:db', at(5));
      // cart on the second push: current.
      await store.putImage(org.id, bare('cart', '2.0', [b2, a2]), () => [], 'sha256:db', at(4));
      // An arm64 app on the arm64 base: current.
      await store.putImage(org.id, bare('armapp', '1.0', [b3, a6], arm), () => [], 'sha256:db', at(6));

      // The catalog's debian:bookworm is c2 for amd64 now (c1 for arm64; c1 under an unknown platform for trixie).
      await store.addCatalogEntries([
        { name: 'docker.io/library/debian', tag: 'bookworm', platform: 'linux/amd64', digest: digestOf('debian amd64'), layers: [c2.diffId] },
        { name: 'docker.io/library/debian', tag: 'bookworm', platform: 'linux/arm64/v8', digest: digestOf('debian arm64'), layers: [c1.diffId] },
        { name: 'docker.io/library/debian', tag: 'trixie', digest: null, layers: [c3.diffId] },
      ]);
      const provenance = (baseImage: string) => ({ provenance: { ...(metadata('x', 'y', []).provenance as NonNullable<ImageMetadata['provenance']>), baseImage } });
      // api (amd64) built from debian:bookworm when it was c1: base-moved. web on c2: current. A digest-only name is left.
      await store.putImage(org.id, bare('api', '3.0', [c1, a3], provenance('debian:bookworm')), () => [], 'sha256:db', at(2));
      await store.putImage(org.id, bare('web', '4.0', [c2, a4], provenance('docker.io/library/debian:bookworm')), () => [], 'sha256:db', at(2));
      await store.putImage(org.id, bare('pinned', '5.0', [c1, a5], provenance(`debian@${digestOf('x')}`)), () => [], 'sha256:db', at(2));
      // jobs names the org's own base:12 (its registry): moved from b1 to b2.
      await store.putImage(org.id, bare('jobs', '6.0', [b1, a5], provenance('registry.example.com/base:12')), () => [], 'sha256:db', at(2));
      // An older push of jobs' own name and tag (on b1 as well) is superseded by it, and not listed.
      await store.putImage(org.id, bare('jobs', '6.0', [b1, a6], { digest: digestOf('jobs old'), ...provenance('registry.example.com/base:12') }), () => [], 'sha256:db', at(1));

      const digest = (name: string, tag: string) => metadata(name, tag, []).digest as string;
      const { outdatedBases } = await store.overview(org.id, { days: 1, since: null });
      expect(outdatedBases).toEqual([
        {
          digest: digest('api', '3.0'),
          reference: 'registry.example.com/api:3.0',
          base: 'debian:bookworm',
          baseDigest: null,
          current: { reference: 'docker.io/library/debian:bookworm', digest: digestOf('debian amd64'), source: 'catalog' },
          reason: 'base-moved',
        },
        {
          digest: digest('jobs', '6.0'),
          reference: 'registry.example.com/jobs:6.0',
          base: 'registry.example.com/base:12',
          baseDigest: digest('base', '12'),
          current: { reference: 'registry.example.com/base:12', digest: digestOf('base 12 again'), source: 'org' },
          reason: 'newer-push',
        },
        {
          digest: digest('shop', '1.0'),
          reference: 'registry.example.com/shop:1.0',
          base: 'registry.example.com/base:12',
          baseDigest: digest('base', '12'),
          current: { reference: 'registry.example.com/base:12', digest: digestOf('base 12 again'), source: 'org' },
          reason: 'newer-push',
        },
      ]);
      expect((await store.overview(other.id, { days: 1, since: null })).outdatedBases).toEqual([]);
    });
  });
});
