// Test fixture: a findings report made the way `cves` makes one: packages on the sample image matched by the real
// matcher against an in-memory store of the shared npm advisories and two Debian records, then some suppressed.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Advisory } from '../../../core/advisory.ts';
import type { Package } from '../../../core/package.ts';
import { parseOsvJson } from '../../../advisory/feeds/osv/parse-osv.ts';
import { AdvisoryStore } from '../../../advisory/store/advisory-store.ts';
import { matchPackages, type Finding } from '../../../match/matcher.ts';
import type { SuppressedFinding } from '../../../match/suppression.ts';
import { assembleSbom } from '../../../sbom/assemble.ts';
import { LAYERS, sampleImage } from '../../../sbom/formats/testdata/sample-sbom.ts';
import type { FindingsReport } from '../findings-report.ts';

const npmDir = fileURLToPath(new URL('../../../../../shared/vectors/osv/npm/', import.meta.url));

/** The database digest the sample findings name. */
export const SAMPLE_DATABASE = `sha256:${'9'.repeat(64)}`;

/** Debian records in OSV form, written here: one with a CVSS vector, one (a made-up id) with Markdown in its summary. */
const DEBIAN_RECORDS = JSON.stringify([
  {
    id: 'DSA-5532-1',
    aliases: ['CVE-2023-5363'],
    modified: '2023-11-01T00:00:00Z',
    published: '2023-10-24T00:00:00Z',
    summary: 'openssl: incorrect cipher key and IV length processing',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
    affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] }],
    database_specific: { cwe_ids: ['CWE-325'] },
  },
  {
    id: 'DEBIAN-CVE-2099-0001',
    modified: '2024-01-01T00:00:00Z',
    summary: 'openssl: a | pipe, *stars*, <b>tags</b> & `ticks`',
    affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
  },
]);

function pkg(fields: Partial<Package> & Pick<Package, 'type' | 'name' | 'version'>): Package {
  return { namespace: null, purl: `pkg:${fields.type}/${fields.name}@${fields.version}`, authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [], direct: null, dependsOn: [], source: null, arch: null, foundBy: `${fields.type}@1`, metadata: {}, ...fields };
}

/** The packages of the sample report: lodash twice (two purls), minimist, axios with no location, libssl3. */
export function sampleFindingPackages(): Package[] {
  return [
    pkg({ type: 'npm', name: 'lodash', version: '4.17.15', direct: true, locations: [{ path: '/app/node_modules/lodash/package.json', layerDigest: LAYERS[1] }] }),
    pkg({ type: 'npm', name: 'lodash', version: '4.17.19', locations: [{ path: '/opt/my tool/node_modules/lodash/package.json', layerDigest: LAYERS[0] }] }),
    pkg({ type: 'npm', name: 'minimist', version: '1.2.5', locations: [{ path: '/app/node_modules/minimist/package.json', layerDigest: LAYERS[1] }] }),
    // As an SBOM given instead of an image may list it: no file to point at.
    pkg({ type: 'npm', name: 'axios', version: '0.21.0' }),
    pkg({
      type: 'deb', namespace: 'debian', name: 'libssl3', version: '3.0.11-1~deb12u1', purl: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12',
      source: { name: 'openssl', version: '3.0.11-1~deb12u1' }, arch: 'amd64', foundBy: 'dpkg@1', locations: [{ path: '/var/lib/dpkg/status', layerDigest: LAYERS[0] }],
    }),
  ];
}

/** The report, with its matched advisories; `suppress` false leaves every finding in. */
export async function sampleFindingsReport(options: { suppress?: boolean } = {}): Promise<FindingsReport> {
  const store = await AdvisoryStore.open({ url: ':memory:' });
  try {
    await store.upsert(readdirSync(npmDir).flatMap((f) => parseOsvJson(readFileSync(`${npmDir}${f}`), f)), 'osv:npm');
    await store.upsert(parseOsvJson(DEBIAN_RECORDS, 'debian'), 'test');
    const sbom = assembleSbom(sampleImage(), sampleFindingPackages(), '0.1.0', new Date('2024-06-01T12:34:56.789Z'));
    const { findings } = await matchPackages(sbom.packages, sbom.distro, store, SAMPLE_DATABASE);
    const advisories: Advisory[] = [];
    for (const id of new Set(findings.flatMap((f) => f.advisoryIds))) advisories.push(...(await store.find(id)));

    const find = (id: string, version: string) => {
      const found = findings.find((f) => f.id === id && f.installedVersion === version);
      if (!found) throw new Error(`the sample data no longer yields ${id} in ${version}`);
      return found;
    };
    // Exploit data and a VEX note, made up for the test (as withExploitData and --vex would set them).
    const minimist = find('CVE-2021-44906', '1.2.5');
    minimist.kev = { cve: 'CVE-2021-44906', vendorProject: 'substack', product: 'minimist', vulnerabilityName: 'minimist prototype pollution', dateAdded: '2024-01-02', dueDate: '2024-01-23', requiredAction: 'Apply updates per vendor instructions.', knownRansomware: false };
    minimist.epss = { cve: 'CVE-2021-44906', score: 0.01234, percentile: 0.87, date: '2024-06-01' };
    minimist.vex = { status: 'under_investigation', document: 'vex/app.openvex.json', statement: 'checking whether argv reaches it' };

    const suppressed: SuppressedFinding[] =
      options.suppress === false
        ? []
        : [
            { finding: find('CVE-2021-23337', '4.17.19'), reason: { kind: 'vex', vulnerability: 'GHSA-35jh-r3h4-6jhm', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'the tool never calls _.template', document: 'vex/app.openvex.json', documentId: 'https://example.com/vex/app-1', timestamp: '2024-05-30T08:00:00Z' } },
            { finding: find('CVE-2020-28168', '0.21.0'), reason: { kind: 'ignore', id: 'CVE-2020-28168', purl: 'pkg:npm/axios', reason: 'SSRF needs a proxy | none is configured', expires: '2099-12-31', file: '.sextant-ignore.yaml' } },
            { finding: find('DEBIAN-CVE-2099-0001', '3.0.11-1~deb12u1'), reason: { kind: 'vex', vulnerability: 'DEBIAN-CVE-2099-0001', status: 'fixed', justification: null, statement: 'patched in our build', document: 'vex/base.openvex.json', documentId: null, timestamp: null } },
          ];
    const gone = new Set<Finding>(suppressed.map((s) => s.finding));
    return { sbom, findings: findings.filter((f) => !gone.has(f)), suppressed, database: SAMPLE_DATABASE, toolVersion: '0.1.0', advisories };
  } finally {
    await store.close();
  }
}
