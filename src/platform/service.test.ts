// The platform service over real stores (SQLite always, PostgreSQL when DATABASE_URL is set): a push is matched,
// based and stored; a local analysis answers the same findings from purls alone and stores nothing; an advisory
// sync re-evaluates exactly the stored images holding the packages it changed, recording what appeared.
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../test/support/feed-server.ts';
import { advisory, appImage, BASE, metadata, range, openPlatformStores, RUNTIME } from '../../test/support/platform-fixtures.ts';
import { testStoreLocations } from '../../test/support/pg-schemas.ts';
import { assembleSbom } from '../sbom/assemble.ts';
import { distroOf } from './distro-of.ts';
import { localAnalysisPayload, withSbomPurls } from './local-payload.ts';
import { createPlatformService } from './service.ts';

const { backends, dir, cleanup } = testStoreLocations('sextant_service');
afterAll(cleanup);

const open = openPlatformStores;

const osvRecord = (id: string, alias: string, name: string, fixed: string) => ({ id, aliases: [alias], modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] });

describe.each(backends)('platform service on %s', (_name, location) => {
  it('answers a push with its findings and base, and a local analysis with the same findings, storing nothing', async () => {
    const { store, advisories, principal, close } = await open(location());
    try {
      await advisories.upsert([advisory('DSA-5532-1', ['CVE-2023-5363'], [range('Debian:12', 'openssl', '3.0.11-1~deb12u2')], 'high'), advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical')], 'test');
      await advisories.recordSource('test', null, 2);
      const service = createPlatformService({ store, advisories });
      // A base image: the OS and runtime layers the app images start with.
      await service.push(principal, { sbom: assembleSbom(metadata('base', '1', [BASE, RUNTIME]), [], '0.1.0'), secrets: [] });
      const { payload } = appImage('shop', '1', [['lodash', '4.17.15']]);
      const { answer, created } = await service.push(principal, payload);
      expect(created).toBe(true);
      expect(answer.findings.map((f) => `${f.packageName} ${f.id}`).sort()).toEqual(['libssl3 CVE-2023-5363', 'lodash CVE-2021-23337', 'openssl CVE-2023-5363']);
      // The answer is what the store now holds for the image.
      expect(await store.getFindings(principal.orgId, payload.sbom.image.digest as string)).toEqual(answer.findings);
      // The stored `base` image's chain is the shop image's first layers.
      expect(answer.base.base).toMatchObject({ source: 'org', reference: 'registry.example.com/base:1' });
      expect((await service.base(principal, payload.sbom.image.digest as string))?.base?.reference).toBe('registry.example.com/base:1');
      expect(await service.base({ ...principal, orgId: 'another' }, payload.sbom.image.digest as string)).toBeNull();

      const local = localAnalysisPayload(payload.sbom);
      const counts = await store.tableCounts();
      const advisoryCount = (await advisories.summary()).advisories;
      const localAnswer = await service.analyseLocal(principal, local);
      expect(withSbomPurls(localAnswer.findings, payload.sbom).map((f) => `${f.purl} ${f.id} ${f.layers.join(',')}`).sort()).toEqual(answer.findings.map((f) => `${f.purl} ${f.id} ${f.layers.join(',')}`).sort());
      expect(localAnswer.base.base?.reference).toBe('registry.example.com/base:1');
      expect(await store.tableCounts()).toEqual(counts);
      expect((await advisories.summary()).advisories).toBe(advisoryCount);
    } finally {
      await close();
    }
  });

  it('re-evaluates the stored images holding a package a synced advisory names, once, and records the cause', async () => {
    const { store, advisories, principal, close } = await open(location());
    const server = await FeedServer.start();
    try {
      server.put('/npm/all.zip', zipSync({ 'GHSA-1.json': Buffer.from(JSON.stringify(osvRecord('GHSA-35jh-r3h4-6jhm', 'CVE-2021-23337', 'lodash', '4.17.21'))) }));
      const service = createPlatformService({ store, advisories, advisorySource: server.url, workDir: dir, kevUrl: null, epssUrl: null });
      const shop = appImage('shop', '1', [['lodash', '4.17.15'], ['qs', '6.5.2']]);
      const blog = appImage('blog', '1', [['lodash', '4.17.15']]);
      const fixed = appImage('news', '1', [['lodash', '4.17.21'], ['qs', '6.5.2']]);
      for (const image of [shop, blog, fixed]) expect((await service.push(principal, image.payload)).answer.findings).toEqual([]);

      const first = await service.syncAdvisories({ ecosystems: ['npm'] });
      expect(first.sources).toMatchObject([{ name: 'osv:npm', status: 'updated', count: 1 }]);
      // Three images hold a lodash; two hold a vulnerable one.
      expect(first.reevaluated).toEqual({ images: 3, appeared: 2, disappeared: 0 });
      const findings = await store.getFindings(principal.orgId, shop.payload.sbom.image.digest as string);
      expect(findings?.map((f) => `${f.packageName} ${f.id} ${f.layers.join()}`)).toEqual([`lodash CVE-2021-23337 ${shop.app.diffId}`]);
      const events = await store.findingEvents(principal.orgId, { digest: blog.payload.sbom.image.digest as string });
      expect(events).toMatchObject([{ id: 'CVE-2021-23337', kind: 'appeared', cause: expect.stringMatching(/^advisory update osv:npm \(database sha256:[0-9a-f]{64}\)$/) }]);
      expect(await store.getFindings(principal.orgId, fixed.payload.sbom.image.digest as string)).toEqual([]);

      // Nothing changed upstream: nothing to re-evaluate.
      expect((await service.syncAdvisories({ ecosystems: ['npm'] })).reevaluated).toEqual({ images: 0, appeared: 0, disappeared: 0 });

      // The advisory moves on to qs: lodash's findings go, qs's come; the other findings of each image stay.
      server.put('/npm/all.zip', zipSync({ 'GHSA-1.json': Buffer.from(JSON.stringify({ ...osvRecord('GHSA-35jh-r3h4-6jhm', 'CVE-2021-23337', 'qs', '6.5.3'), modified: '2025-02-01T00:00:00Z' })) }));
      const second = await service.syncAdvisories({ ecosystems: ['npm'] });
      expect(second.reevaluated).toEqual({ images: 3, appeared: 2, disappeared: 2 });
      expect((await store.getFindings(principal.orgId, shop.payload.sbom.image.digest as string))?.map((f) => `${f.packageName} ${f.id}`)).toEqual(['qs CVE-2021-23337']);
      expect((await store.getFindings(principal.orgId, fixed.payload.sbom.image.digest as string))?.map((f) => `${f.packageName} ${f.id}`)).toEqual(['qs CVE-2021-23337']);
      expect(await store.getFindings(principal.orgId, blog.payload.sbom.image.digest as string)).toEqual([]);
    } finally {
      await server.close();
      await close();
    }
  });

  it('brings the packages a push stored up to date when the advisories changed while it matched them', async () => {
    const { store, advisories, principal, close } = await open(location());
    try {
      await advisories.upsert([advisory('GHSA-35jh-r3h4-6jhm', ['CVE-2021-23337'], [range('npm', 'lodash', '4.17.21')], 'critical')], 'test');
      await advisories.recordSource('test', 'run 1', 1);
      // The advisory store as the push sees it: its first lookup answers from the old database, then an update
      // (a new qs advisory) commits before the push stores its packages, as a concurrent sync would. That sync's
      // re-evaluation found no stored qs: the push's packages were not committed yet.
      let updated = false;
      const racing = new Proxy(advisories, {
        get(target, property, receiver) {
          if (property !== 'affecting') return Reflect.get(target, property, receiver) as unknown;
          return async (...args: Parameters<typeof advisories.affecting>) => {
            const answer = await target.affecting(...args);
            if (!updated) {
              updated = true;
              await target.upsert([advisory('GHSA-hrpp-h998-j3pp', ['CVE-2022-24999'], [range('npm', 'qs', '6.5.3')], 'high')], 'test');
              await target.recordSource('test', 'run 2', 2);
            }
            return answer;
          };
        },
      });
      const service = createPlatformService({ store, advisories: racing });
      const shop = appImage('shop', '1', [['lodash', '4.17.15'], ['qs', '6.5.2']]);
      const { answer } = await service.push(principal, shop.payload);
      expect(updated).toBe(true);
      const digest = shop.payload.sbom.image.digest as string;
      expect(answer.findings.map((f) => `${f.packageName} ${f.id}`)).toEqual(['lodash CVE-2021-23337', 'qs CVE-2022-24999']);
      expect(answer.database).toBe((await advisories.summary()).digest);
      expect((await store.getFindings(principal.orgId, digest))?.map((f) => `${f.packageName} ${f.id}`)).toEqual(['lodash CVE-2021-23337', 'qs CVE-2022-24999']);
      expect((await store.findingEvents(principal.orgId, { digest })).map((e) => `${e.kind} ${e.id} ${e.cause.replace(/sha256:[0-9a-f]+/, 'DB')}`)).toEqual(['appeared CVE-2021-23337 push', 'appeared CVE-2022-24999 advisory update during a push (database DB)']);

      // Without a change under it, a push stores what it matched and re-evaluates nothing.
      const blog = appImage('blog', '1', [['qs', '6.5.1']]);
      expect((await service.push(principal, blog.payload)).answer.findings.map((f) => `${f.packageName} ${f.id}`)).toEqual(['qs CVE-2022-24999']);
      expect((await store.findingEvents(principal.orgId, { digest: blog.payload.sbom.image.digest as string })).map((e) => e.cause)).toEqual(['push']);
    } finally {
      await close();
    }
  });
});

describe('distroOf', () => {
  it('reads the distribution from OS packages’ purls', () => {
    const p = (purl: string) => ({ type: purl.slice(4, 7) as 'deb', purl }) as Parameters<typeof distroOf>[0][number];
    expect(distroOf([p('pkg:deb/debian/bash@5.2?arch=amd64&distro=debian-12')])).toMatchObject({ id: 'debian', versionId: '12' });
    expect(distroOf([p('pkg:deb/ubuntu/bash@5.1?distro=ubuntu-22.04')])).toMatchObject({ id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04 LTS' });
    expect(distroOf([p('pkg:deb/ubuntu/bash@5.1?distro=ubuntu-23.04')])?.prettyName).toBeNull();
    expect(distroOf([p('pkg:apk/alpine/musl@1.2.5?distro=alpine-3.20.3')])).toMatchObject({ id: 'alpine', versionId: '3.20.3' });
    expect(distroOf([p('pkg:rpm/opensuse/bash@5?distro=opensuse-leap-15.5')])).toMatchObject({ id: 'opensuse-leap', versionId: '15.5' });
    expect(distroOf([p('pkg:deb/debian/bash@5.2?distro=debian-trixie')])).toMatchObject({ id: 'debian', versionId: null, versionCodename: 'trixie' });
    expect(distroOf([p('pkg:npm/lodash@4.17.21')])).toBeNull();
  });
});
