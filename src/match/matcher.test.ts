// The matcher over a real store holding the shared npm advisories (GitHub's, in OSV form) and a few
// distribution records written here in OSV's shape.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Advisory } from '../core/advisory.ts';
import type { OsRelease } from '../core/model.ts';
import type { Package } from '../core/package.ts';
import { parseOsvRecord } from '../advisory/feeds/osv/parse-osv.ts';
import { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { matchPackages } from './matcher.ts';

const npmDir = fileURLToPath(new URL('../../../shared/vectors/osv/npm/', import.meta.url));
let store: AdvisoryStore;

function pkg(fields: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package {
  return { namespace: null, purl: `pkg:${fields.type}/${fields.name}@${fields.version}`, authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [{ path: '/x', layerDigest: 'sha256:layer' }], direct: null, dependsOn: [], source: null, arch: null, foundBy: 'test@1', metadata: {}, ...fields };
}

const debian12: OsRelease = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', name: null, versionCodename: 'bookworm', idLike: [], path: '/etc/os-release' };

function osv(record: Record<string, unknown>): Advisory {
  return parseOsvRecord({ modified: '2024-01-01T00:00:00Z', ...record }, 'test');
}

beforeAll(async () => {
  store = await AdvisoryStore.open({ url: ':memory:' });
  const npm = readdirSync(npmDir).map((f) => parseOsvRecord(JSON.parse(readFileSync(`${npmDir}${f}`, 'utf8')), f));
  await store.upsert(npm, 'osv:npm');
  await store.upsert(
    [
      // Debian keys by source package; the same CVE under a DSA and a DLA-free DEBIAN-CVE record merges.
      osv({ id: 'DSA-5532-1', aliases: ['CVE-2023-5363'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] }] }),
      osv({ id: 'DEBIAN-CVE-2023-5363', aliases: ['CVE-2023-5363'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] }] }),
      // The same source package in another release must not match a bookworm image.
      osv({ id: 'DSA-4963-1', aliases: ['CVE-2021-3711'], affected: [{ package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1k-1+deb11u1' }] }] }] }),
      // A binary-named record for a package whose source has none.
      osv({ id: 'DEBIAN-CVE-2099-0001', aliases: ['CVE-2099-0001'], affected: [{ package: { ecosystem: 'Debian:12', name: 'libfoo1' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }] }] }),
      // Red Hat names a product stream and repository, and writes epoch 0 out; EUS streams are other products.
      osv({ id: 'RHSA-2024:2447', aliases: ['CVE-2023-5678'], affected: [
        { package: { ecosystem: 'Red Hat:enterprise_linux:9::appstream', name: 'openssl-libs' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-27.el9' }] }] },
        { package: { ecosystem: 'Red Hat:rhel_eus:9.2::baseos', name: 'openssl-libs' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:3.0.7-18.el9_2' }] }] },
      ] }),
      osv({ id: 'RHSA-2024:9999', aliases: ['CVE-2099-0009'], affected: [{ package: { ecosystem: 'Red Hat:enterprise_linux:8::baseos', name: 'openssl-libs' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:1.1.1k-12.el8' }] }] }] }),
      // Alpine's secdb names the origin package, in each release's own ecosystem.
      osv({ id: 'ALPINE-CVE-2024-9143', upstream: ['CVE-2024-9143'], affected: [{ package: { ecosystem: 'Alpine:v3.20', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.3.2-r1' }] }] }] }),
      osv({ id: 'DEBIAN-CVE-2099-0002', withdrawn: '2024-02-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }] }),
    ],
    'test',
  );
});
afterAll(async () => {
  await store.close();
});

describe('matchPackages', () => {
  it('finds the npm advisories affecting a version, with fixes, severity and why, and none for a fixed one', async () => {
    const { findings } = await matchPackages([pkg({ type: 'npm', name: 'lodash', version: '4.17.15' }), pkg({ type: 'npm', name: 'lodash', version: '4.17.21' })], null, store, 'sha256:db');
    const old = findings.filter((f) => f.installedVersion === '4.17.15');
    // lodash < 4.17.21 has GHSA-29mw (fixed 4.17.21), GHSA-35jh (4.17.21) and GHSA-p6mc (4.17.20); 4.17.15 is past the others.
    expect(old.map((f) => f.id).sort()).toEqual(['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337']);
    const prototypePollution = old.find((f) => f.id === 'CVE-2020-8203');
    expect(prototypePollution).toMatchObject({ ids: ['CVE-2020-8203', 'GHSA-p6mc-m468-83gw'], fixedIn: ['4.17.20'], severity: { rating: 'high' }, layers: ['sha256:layer'] });
    expect(prototypePollution?.explanations).toEqual([{ advisoryId: 'GHSA-p6mc-m468-83gw', ecosystem: 'npm', name: 'lodash', installedVersion: '4.17.15', keyedBy: 'package', range: '>=0, <4.17.20', scheme: 'semver', matcher: 'osv-range', database: 'sha256:db' }]);
    expect(findings.filter((f) => f.installedVersion === '4.17.21')).toEqual([]);
  });

  it('picks the interval a version lies in among several (qs, debug)', async () => {
    const { findings } = await matchPackages(
      [pkg({ type: 'npm', name: 'qs', version: '6.5.2' }), pkg({ type: 'npm', name: 'qs', version: '6.5.3' }), pkg({ type: 'npm', name: 'debug', version: '3.1.0' })],
      null,
      store,
      'sha256:db',
    );
    expect(findings.filter((f) => f.packageName === 'qs').map((f) => [f.installedVersion, f.fixedIn])).toEqual([['6.5.2', ['6.5.3']]]);
    // debug 3.1.0: GHSA-gxpj lists [3.0.0, 3.1.0) so 3.1.0 is fixed there; GHSA-9vvw says the same.
    expect(findings.filter((f) => f.packageName === 'debug')).toEqual([]);
  });

  it('matches dpkg packages by source package in the image release, merges aliases, and falls back to the binary name', async () => {
    const libssl = pkg({ type: 'deb', name: 'libssl3', version: '3.0.11-1~deb12u1', source: { name: 'openssl', version: '3.0.11-1~deb12u1' } });
    const libfoo = pkg({ type: 'deb', name: 'libfoo1', version: '1.0-1', source: { name: 'foo', version: '1.0-1' } });
    const { findings } = await matchPackages([libssl, libfoo], debian12, store, 'sha256:db');
    expect(findings.map((f) => [f.packageName, f.id, f.ids, f.fixedIn])).toEqual([
      ['libfoo1', 'CVE-2099-0001', ['CVE-2099-0001', 'DEBIAN-CVE-2099-0001'], ['2.0-1']],
      ['libssl3', 'CVE-2023-5363', ['CVE-2023-5363', 'DEBIAN-CVE-2023-5363', 'DSA-5532-1'], ['3.0.11-1~deb12u2']],
    ]);
    expect(findings[1]?.explanations.map((e) => [e.advisoryId, e.ecosystem, e.name, e.keyedBy, e.scheme])).toEqual([
      ['DEBIAN-CVE-2023-5363', 'Debian:12', 'openssl', 'source package', 'deb'],
      ['DSA-5532-1', 'Debian:12', 'openssl', 'source package', 'deb'],
    ]);
    expect(findings[0]?.explanations[0]?.keyedBy).toBe('binary package');
    // The security update is not affected; the Debian 11 record and the withdrawn one never count.
    const fixed = await matchPackages([{ ...libssl, version: '3.0.11-1~deb12u2', source: { name: 'openssl', version: '3.0.11-1~deb12u2' } }], debian12, store, 'sha256:db');
    expect(fixed.findings).toEqual([]);
  });

  it('matches Red Hat packages in every repository of the image’s product stream, and only there', async () => {
    const rhel94: OsRelease = { ...debian12, id: 'rhel', versionId: '9.4', prettyName: 'Red Hat Enterprise Linux 9.4 (Plow)', versionCodename: null };
    const libs = pkg({ type: 'rpm', name: 'openssl-libs', version: '1:3.0.7-24.el9' });
    const { findings } = await matchPackages([libs], rhel94, store, 'sha256:db');
    expect(findings.map((f) => [f.id, f.fixedIn, f.explanations.map((e) => e.ecosystem)])).toEqual([['CVE-2023-5678', ['1:3.0.7-27.el9'], ['Red Hat:enterprise_linux:9::appstream']]]);
    expect((await matchPackages([{ ...libs, version: '1:3.0.7-27.el9' }], rhel94, store, 'sha256:db')).findings).toEqual([]);
  });

  it('matches apk packages by their origin package, as Alpine keys its records', async () => {
    const alpine320: OsRelease = { ...debian12, id: 'alpine', versionId: '3.20.3', prettyName: 'Alpine Linux v3.20', versionCodename: null };
    const libssl = pkg({ type: 'apk', name: 'libssl3', version: '3.3.2-r0', source: { name: 'openssl', version: '3.3.2-r0' } });
    const { findings } = await matchPackages([libssl, { ...libssl, name: 'libcrypto3', purl: 'pkg:apk/alpine/libcrypto3@3.3.2-r1', version: '3.3.2-r1', source: { name: 'openssl', version: '3.3.2-r1' } }], alpine320, store, 'sha256:db');
    expect(findings.map((f) => [f.packageName, f.id, f.fixedIn, f.explanations[0]?.keyedBy])).toEqual([['libssl3', 'CVE-2024-9143', ['3.3.2-r1'], 'source package']]);
  });

  it('reports versions it cannot read instead of guessing', async () => {
    const { findings, undecided } = await matchPackages([pkg({ type: 'npm', name: 'lodash', version: 'not-a-version' })], null, store, 'sha256:db');
    expect(findings).toEqual([]);
    expect(undecided.length).toBeGreaterThan(0);
    expect(undecided[0]?.reason).toMatch(/not a valid semver version/);
  });
});
