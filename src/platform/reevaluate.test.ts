// Re-evaluation over real stores (SQLite always, PostgreSQL when DATABASE_URL is set): a purl stored as several
// packages gets its findings on every image holding any of them, a package's findings are rewritten only when they
// changed (keeping first-seen times), and an image records a finding once however many of its packages carry it.
import { afterAll, describe, expect, it } from 'vitest';
import { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import type { Advisory } from '../core/advisory.ts';
import { advisory, BASE, layer, metadata, npm, range, openPlatformStores, RUNTIME } from '../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../test/support/pg-schemas.ts';
import { assembleSbom } from '../sbom/assemble.ts';
import type { PushPayload } from './model.ts';
import { reevaluatePackages } from './reevaluate.ts';
import { createPlatformService } from './service.ts';
import type { StoreLocation } from './store/platform-store.ts';

const { backends, cleanup } = testStoreLocations('sextant_reevaluate');
afterAll(cleanup);

async function open(location: StoreLocation) {
  const stores = await openPlatformStores(location);
  return { ...stores, service: createPlatformService({ store: stores.store, advisories: stores.advisories }) };
}

/** An image of npm packages (name, version, what it depends on) in one app layer. */
function image(name: string, packages: [string, string, string[]][]): PushPayload {
  const app = layer(`app ${name}`, 'COPY . /app');
  return { sbom: assembleSbom(metadata(name, '1', [BASE, RUNTIME, app]), packages.map(([n, v, dependsOn]) => npm(n, v, app.diffId, { dependsOn })), '0.1.0'), secrets: [] };
}

/** Upsert `list` as a new state of the database, returning its digest and the packages the change concerns. */
async function update(advisories: AdvisoryStore, list: Advisory[], run: number): Promise<{ digest: string; changed: Set<string> }> {
  const changed = new Set<string>();
  await advisories.upsert(list, 'test', changed);
  await advisories.recordSource('test', `run ${run}`, list.length);
  return { digest: (await advisories.summary()).digest, changed };
}

describe.each(backends)('reevaluatePackages on %s', (_name, location) => {
  it('gives every image holding a purl its findings when the purl is stored as several packages', async () => {
    const { store, advisories, principal, service, close } = await open(location());
    try {
      // The same lodash with different dependencies: two package rows with one purl.
      const shop = image('shop', [['lodash', '4.17.15', []]]);
      const blog = image('blog', [['lodash', '4.17.15', ['underscore']]]);
      for (const payload of [shop, blog]) await service.push(principal, payload);
      const rows = await store.db.selectFrom('package').select('id').where('purl', '=', 'pkg:npm/lodash@4.17.15').execute();
      expect(rows).toHaveLength(2);

      const { digest, changed } = await update(advisories, [advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical')], 1);
      expect(await reevaluatePackages(store, advisories, changed, digest, 'test')).toEqual({ images: 2, appeared: 2, disappeared: 0 });
      for (const payload of [shop, blog]) {
        expect((await store.getFindings(principal.orgId, payload.sbom.image.digest as string))?.map((f) => `${f.purl} ${f.id}`)).toEqual(['pkg:npm/lodash@4.17.15 CVE-2021-23337']);
      }
    } finally {
      await close();
    }
  });

  it('rewrites a package\'s findings only when they changed, keeping when each was first seen', async () => {
    const { store, advisories, principal, service, close } = await open(location());
    try {
      const lodash = advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical');
      const qs = advisory('GHSA-hrpp-h998-j3pp', ['CVE-2022-24999'], [range('npm', 'qs', '6.5.3')], 'high');
      const first = await update(advisories, [lodash, qs], 1);
      const payload = image('shop', [['lodash', '4.17.15', []], ['qs', '6.5.2', []]]);
      await service.push(principal, payload);
      const digest = payload.sbom.image.digest as string;
      const stored = async () =>
        (await store.db.selectFrom('package_finding').innerJoin('package', 'package.id', 'package_finding.package_id').select(['package.name', 'package_finding.display_id', 'package_finding.position', 'package_finding.first_seen', 'package_finding.data']).orderBy('package.name').orderBy('package_finding.position').execute()).map((r) => ({ ...r, position: Number(r.position) }));
      const before = await stored();
      expect(before.map((r) => `${r.name} ${r.position} ${r.display_id}`)).toEqual(['lodash 0 CVE-2021-23337', 'qs 0 CVE-2022-24999']);
      expect(before[0]?.data).toContain(first.digest);

      // qs's fix moves on; lodash gains an advisory that does not reach its version. Both are re-evaluated against
      // a new database: lodash's findings are the same but for the database they cite, so they stay as stored.
      const second = await update(advisories, [{ ...qs, modified: '2024-05-01T00:00:00Z', affected: [range('npm', 'qs', '6.5.4')] }, advisory('GHSA-old0-0000-0000', ['CVE-2019-10744'], [range('npm', 'lodash', '4.17.12')], 'high')], 2);
      expect([...second.changed].sort()).toEqual(['npm\nlodash', 'npm\nqs']);
      expect(await reevaluatePackages(store, advisories, second.changed, second.digest, 'test', '2030-01-01T00:00:00.000Z')).toEqual({ images: 1, appeared: 0, disappeared: 0 });
      const middle = await stored();
      expect(middle[0]).toEqual(before[0]);
      expect(middle[1]).toMatchObject({ display_id: 'CVE-2022-24999', position: 0, first_seen: before[1]?.first_seen });
      expect(middle[1]?.data).toContain(second.digest);

      // One that does reach it: lodash's list is rewritten, its first finding first seen when it was.
      const third = await update(advisories, [advisory('GHSA-new0-0000-0000', ['CVE-2020-8203'], [range('npm', 'lodash', '4.17.19')], 'high')], 3);
      expect(await reevaluatePackages(store, advisories, third.changed, third.digest, 'test', '2031-01-01T00:00:00.000Z')).toEqual({ images: 1, appeared: 1, disappeared: 0 });
      const after = await stored();
      expect(after.map((r) => `${r.name} ${r.position} ${r.display_id} ${r.first_seen}`)).toEqual(['lodash 0 CVE-2020-8203 2031-01-01T00:00:00.000Z', `lodash 1 CVE-2021-23337 ${before[0]?.first_seen}`, `qs 0 CVE-2022-24999 ${before[1]?.first_seen}`]);
      expect((await store.getFindings(principal.orgId, digest))?.map((f) => `${f.id} ${f.fixedIn.join()}`)).toEqual(['CVE-2020-8203 4.17.19', 'CVE-2021-23337 4.17.21', 'CVE-2022-24999 6.5.4']);
      expect((await store.findingEvents(principal.orgId, { digest })).map((e) => `${e.kind} ${e.id} ${e.cause}`)).toEqual(['appeared CVE-2021-23337 push', 'appeared CVE-2022-24999 push', 'appeared CVE-2020-8203 test']);
    } finally {
      await close();
    }
  });

  it('records a finding on an image once, however many of its packages with that purl gain or lose it', async () => {
    const { store, advisories, principal, service, close } = await open(location());
    try {
      // One image holding lodash twice, as two package rows (different dependencies), and one holding one of them.
      const both = image('both', [['lodash', '4.17.15', []], ['lodash', '4.17.15', ['underscore']]]);
      const one = image('one', [['lodash', '4.17.15', []]]);
      for (const payload of [both, one]) await service.push(principal, payload);
      const added = await update(advisories, [advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical')], 1);
      expect(await reevaluatePackages(store, advisories, added.changed, added.digest, 'added')).toEqual({ images: 2, appeared: 2, disappeared: 0 });
      const withdrawn = await update(advisories, [{ ...advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical'), modified: '2025-01-01T00:00:00Z', withdrawn: '2025-01-01T00:00:00Z' }], 2);
      expect(await reevaluatePackages(store, advisories, withdrawn.changed, withdrawn.digest, 'withdrawn')).toEqual({ images: 2, appeared: 0, disappeared: 2 });
      for (const payload of [both, one]) {
        const digest = payload.sbom.image.digest as string;
        expect((await store.findingEvents(principal.orgId, { digest })).map((e) => `${e.kind} ${e.id} ${e.purl} ${e.cause}`)).toEqual(['appeared CVE-2021-23337 pkg:npm/lodash@4.17.15 added', 'disappeared CVE-2021-23337 pkg:npm/lodash@4.17.15 withdrawn']);
        expect(await store.getFindings(principal.orgId, digest)).toEqual([]);
      }
    } finally {
      await close();
    }
  });
});
