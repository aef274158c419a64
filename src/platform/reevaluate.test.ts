// Re-evaluation over real stores (SQLite always, PostgreSQL when DATABASE_URL is set): a purl stored as several
// packages gets its findings on every image holding any of them, and only findings whose content changed are
// rewritten (in place, keeping position and first-seen time).
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

  it('rewrites only the findings whose content changed, in place, and leaves the others as stored', async () => {
    const { store, advisories, principal, service, close } = await open(location());
    try {
      const lodash = advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical');
      const qs = advisory('GHSA-hrpp-h998-j3pp', ['CVE-2022-24999'], [range('npm', 'qs', '6.5.3')], 'high');
      const first = await update(advisories, [lodash, qs], 1);
      const payload = image('shop', [['lodash', '4.17.15', []], ['qs', '6.5.2', []]]);
      await service.push(principal, payload);
      const digest = payload.sbom.image.digest as string;
      const stored = () => store.db.selectFrom('finding').innerJoin('image', 'image.id', 'finding.image_id').select(['finding.display_id', 'finding.position', 'finding.first_seen', 'finding.data']).where('image.digest', '=', digest).orderBy('finding.position').execute();
      const before = await stored();
      expect(before.map((r) => `${r.position} ${r.display_id}`)).toEqual(['0 CVE-2021-23337', '1 CVE-2022-24999']);
      expect(before[0]?.data).toContain(first.digest);

      // qs's fix moves on; lodash gains an advisory that does not reach its version and one that does. Both are
      // re-evaluated against a new database.
      const second = await update(
        advisories,
        [
          { ...qs, modified: '2024-05-01T00:00:00Z', affected: [range('npm', 'qs', '6.5.4')] },
          advisory('GHSA-old0-0000-0000', ['CVE-2019-10744'], [range('npm', 'lodash', '4.17.12')], 'high'),
          advisory('GHSA-new0-0000-0000', ['CVE-2020-8203'], [range('npm', 'lodash', '4.17.19')], 'high'),
        ],
        2,
      );
      expect([...second.changed].sort()).toEqual(['npm\nlodash', 'npm\nqs']);
      expect(await reevaluatePackages(store, advisories, second.changed, second.digest, 'test', '2030-01-01T00:00:00.000Z')).toEqual({ images: 1, appeared: 1, disappeared: 0 });

      const after = await stored();
      // lodash's first finding is the same but for the database it cites: untouched.
      expect(after[0]).toEqual(before[0]);
      // qs's is rewritten where it was, first seen when it was.
      expect(after[1]).toMatchObject({ display_id: 'CVE-2022-24999', position: 1, first_seen: before[1]?.first_seen });
      expect(after[1]?.data).toContain(second.digest);
      // The new one goes last.
      expect(after[2]).toMatchObject({ display_id: 'CVE-2020-8203', position: 2, first_seen: '2030-01-01T00:00:00.000Z' });
      expect((await store.getFindings(principal.orgId, digest))?.map((f) => `${f.id} ${f.fixedIn.join()}`)).toEqual(['CVE-2021-23337 4.17.21', 'CVE-2022-24999 6.5.4', 'CVE-2020-8203 4.17.19']);
      expect((await store.findingEvents(principal.orgId, { digest })).map((e) => `${e.kind} ${e.id} ${e.cause}`)).toEqual(['appeared CVE-2021-23337 push', 'appeared CVE-2022-24999 push', 'appeared CVE-2020-8203 test']);
    } finally {
      await close();
    }
  });
});
