// CycloneDX output: the image's SBOM with vulnerabilities, valid against the CycloneDX 1.6 schema; affects that
// point at the writer's components; ratings, CWEs, KEV and EPSS; suppressions and VEX notes as analyses.
import { beforeAll, describe, expect, it } from 'vitest';
import { toCycloneDx } from '../../sbom/formats/cyclonedx/cyclonedx.ts';
import { cycloneDxValidator } from '../../sbom/formats/testdata/validate.ts';
import { type CdxVulnerability, type CdxVulnerabilityBom, renderFindingsCycloneDx, toCycloneDxWithVulnerabilities } from './findings-cyclonedx.ts';
import type { FindingsReport } from './findings-report.ts';
import { SAMPLE_DATABASE, sampleFindingsReport } from './testdata/sample-findings.ts';

const validate = cycloneDxValidator();
const LIBSSL = 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12';

let report: FindingsReport;
let bom: CdxVulnerabilityBom;
const entries = (id: string) => bom.vulnerabilities.filter((v) => v.id === id);
const entry = (id: string): CdxVulnerability | undefined => entries(id)[0];
const prop = (v: CdxVulnerability | undefined, name: string) => v?.properties?.filter((p) => p.name === name).map((p) => p.value);

beforeAll(async () => {
  report = await sampleFindingsReport();
  bom = JSON.parse(renderFindingsCycloneDx(report)) as CdxVulnerabilityBom;
});

describe('renderFindingsCycloneDx', () => {
  it('validates against the CycloneDX 1.6 JSON schema, and the check is not vacuous', () => {
    expect(validate(bom)).toEqual([]);
    const broken = structuredClone(bom);
    (broken.vulnerabilities[0] as { analysis?: { state: string } }).analysis = { state: 'maybe' };
    expect(validate(broken)).not.toEqual([]);
    const badRating = structuredClone(bom);
    (badRating.vulnerabilities[0]?.ratings?.[0] as { method: string }).method = 'CVSSv5';
    expect(validate(badRating)).not.toEqual([]);
  });

  it('is the sbom writer\u2019s document of the image, with the advisory database named and vulnerabilities added', () => {
    const sbomOnly = toCycloneDx(report.sbom);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(bom.components).toEqual(sbomOnly.components);
    expect(bom.dependencies).toEqual(sbomOnly.dependencies);
    expect(bom.metadata.component).toEqual(sbomOnly.metadata.component);
    expect(bom.metadata.properties).toEqual([{ name: 'sextant:advisoryDatabase', value: SAMPLE_DATABASE }]);
    const refs = [bom.metadata.component['bom-ref'], ...bom.components.map((c) => c['bom-ref']), ...bom.vulnerabilities.map((v) => v['bom-ref'])];
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('points every affects ref at the component of the affected package', () => {
    const componentByRef = new Map(bom.components.map((c) => [c['bom-ref'], c]));
    for (const v of bom.vulnerabilities) for (const a of v.affects) expect(componentByRef.has(a.ref)).toBe(true);
    expect(entry('CVE-2023-5363')?.affects).toEqual([{ ref: componentByRef.get(LIBSSL)?.['bom-ref'], versions: [{ version: '3.0.11-1~deb12u1', status: 'affected' }] }]);
    expect(componentByRef.get(entry('CVE-2023-5363')?.affects[0]?.ref as string)).toMatchObject({ name: 'libssl3', purl: LIBSSL });
  });

  it('writes one entry per vulnerability, merging the affects of every package it hits', () => {
    expect(entries('CVE-2020-28500')).toHaveLength(1);
    expect(entry('CVE-2020-28500')?.affects).toEqual([
      { ref: 'pkg:npm/lodash@4.17.15', versions: [{ version: '4.17.15', status: 'affected' }] },
      { ref: 'pkg:npm/lodash@4.17.19', versions: [{ version: '4.17.19', status: 'affected' }] },
    ]);
    expect(entry('CVE-2020-28500')?.recommendation).toBe('Upgrade lodash 4.17.15 to 4.17.21. Upgrade lodash 4.17.19 to 4.17.21.');
    const ids = new Set([...report.findings, ...report.suppressed.map((s) => s.finding)].map((f) => f.id));
    expect(new Set(bom.vulnerabilities.map((v) => v.id))).toEqual(ids);
  });

  it('names the source by id, the other ids as references, and rates by CVSS version', () => {
    expect(entry('CVE-2020-8203')).toMatchObject({
      'bom-ref': 'sextant:vulnerability:CVE-2020-8203',
      source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' },
      references: [{ id: 'GHSA-p6mc-m468-83gw', source: { name: 'GitHub', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' } }],
      ratings: [{ score: 7.4, severity: 'high', method: 'CVSSv31', vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' }],
      cwes: [770, 1321],
      description: 'Prototype Pollution in lodash',
      published: '2020-07-15T19:15:48Z',
    });
    expect(entry('CVE-2020-8203')?.advisories).toContainEqual({ title: 'GHSA-p6mc-m468-83gw', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' });
    expect(entry('CVE-2023-5363')).toMatchObject({ references: [{ id: 'DSA-5532-1', source: { name: 'OSV', url: 'https://osv.dev/vulnerability/DSA-5532-1' } }], cwes: [325], published: '2023-10-24T00:00:00Z', updated: '2023-11-01T00:00:00Z' });
    // A database's own label: a rating with no score, method other.
    expect(entry('CVE-2023-45857')?.ratings).toEqual([{ severity: 'medium', method: 'other' }]);
    expect(entry('DEBIAN-CVE-2099-0001')).toMatchObject({ source: { name: 'OSV', url: 'https://osv.dev/vulnerability/DEBIAN-CVE-2099-0001' }, recommendation: 'No fixed version of libssl3 is known (installed 3.0.11-1~deb12u1).' });
    expect(entry('DEBIAN-CVE-2099-0001')).not.toHaveProperty('ratings');
  });

  it('records KEV and EPSS as sextant properties, and a VEX note as an in-triage analysis', () => {
    const minimist = entry('CVE-2021-44906');
    expect(prop(minimist, 'sextant:kev:dateAdded')).toEqual(['2024-01-02']);
    expect(prop(minimist, 'sextant:kev:dueDate')).toEqual(['2024-01-23']);
    expect(prop(minimist, 'sextant:kev:knownRansomware')).toEqual(['false']);
    expect(prop(minimist, 'sextant:epss:score')).toEqual(['0.01234']);
    expect(prop(minimist, 'sextant:epss:percentile')).toEqual(['0.87']);
    expect(minimist?.analysis).toEqual({ state: 'in_triage', detail: 'VEX: under investigation: checking whether argv reaches it [vex/app.openvex.json]' });
    expect(entry('CVE-2020-8203')).not.toHaveProperty('properties');
    expect(entry('CVE-2020-8203')).not.toHaveProperty('analysis');
  });

  it('writes VEX suppressions as analyses with CycloneDX justifications, apart from the same id still affecting others', () => {
    const [affected, notAffected] = entries('CVE-2021-23337');
    expect(affected).toMatchObject({ 'bom-ref': 'sextant:vulnerability:CVE-2021-23337', affects: [{ ref: 'pkg:npm/lodash@4.17.15', versions: [{ version: '4.17.15', status: 'affected' }] }] });
    expect(affected).not.toHaveProperty('analysis');
    expect(notAffected).toMatchObject({
      'bom-ref': 'sextant:vulnerability:CVE-2021-23337:2',
      analysis: { state: 'not_affected', justification: 'code_not_reachable', detail: 'VEX: not affected (vulnerable_code_not_in_execute_path): the tool never calls _.template [vex/app.openvex.json]', lastUpdated: '2024-05-30T08:00:00Z' },
      affects: [{ ref: 'pkg:npm/lodash@4.17.19', versions: [{ version: '4.17.19', status: 'unaffected' }] }],
    });
    expect(prop(notAffected, 'sextant:suppressed')).toEqual(['vex']);
    expect(entry('DEBIAN-CVE-2099-0001')?.analysis).toEqual({ state: 'resolved', detail: 'VEX: fixed: patched in our build [vex/base.openvex.json]' });
  });

  it('writes an ignore entry as the reason only, claiming no impact state', () => {
    const ignored = entry('CVE-2020-28168');
    expect(ignored?.analysis).toEqual({ detail: 'ignored: SSRF needs a proxy | none is configured (until 2099-12-31) [.sextant-ignore.yaml]' });
    expect(ignored?.affects).toEqual([{ ref: 'pkg:npm/axios@0.21.0', versions: [{ version: '0.21.0', status: 'affected' }] }]);
    expect(prop(ignored, 'sextant:suppressed')).toEqual(['ignore']);
  });

  it('maps OpenVEX justifications only where CycloneDX has the same one', () => {
    const finding = report.findings.find((f) => f.id === 'CVE-2020-8203') as FindingsReport['findings'][number];
    const withJustification = (justification: string) =>
      toCycloneDxWithVulnerabilities({ ...report, findings: [], suppressed: [{ finding, reason: { kind: 'vex', vulnerability: 'CVE-2020-8203', status: 'not_affected', justification, statement: null, document: 'v.json', documentId: null, timestamp: null } }] }).vulnerabilities[0]?.analysis;
    expect(withJustification('component_not_present')?.justification).toBe('code_not_present');
    expect(withJustification('vulnerable_code_not_present')?.justification).toBe('code_not_present');
    expect(withJustification('inline_mitigations_already_exist')?.justification).toBe('protected_by_mitigating_control');
    expect(withJustification('vulnerable_code_cannot_be_controlled_by_adversary')).toEqual({ state: 'not_affected', detail: 'VEX: not affected (vulnerable_code_cannot_be_controlled_by_adversary) [v.json]' });
  });

  it('stays valid with no findings, and without the advisories at hand', async () => {
    const empty = toCycloneDxWithVulnerabilities({ ...report, findings: [], suppressed: [] });
    expect(empty.vulnerabilities).toEqual([]);
    expect(validate(empty)).toEqual([]);
    const bare = toCycloneDxWithVulnerabilities({ ...(await sampleFindingsReport({ suppress: false })), advisories: undefined });
    expect(validate(bare)).toEqual([]);
    expect(bare.vulnerabilities.find((v) => v.id === 'CVE-2020-8203')).not.toHaveProperty('cwes');
    expect(bare.vulnerabilities.find((v) => v.id === 'CVE-2020-8203')?.advisories).toEqual([{ title: 'GHSA-p6mc-m468-83gw', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw' }]);
  });
});
