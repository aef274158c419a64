// SARIF output: validity against the SARIF 2.1.0 schema, one rule per vulnerability with GitHub's
// security-severity, one result per finding (levels, locations in the image, fingerprints), suppressions.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderFindingsSarif } from './findings-sarif.ts';
import type { FindingsReport } from './findings-report.ts';
import { SAMPLE_DATABASE, sampleFindingsReport } from './testdata/sample-findings.ts';

const addFormats = addFormatsModule.default;

/**
 * The SARIF 2.1.0 schema (rtm.5, the SchemaStore copy) as @microsoft/jest-sarif ships it. It is written as draft-04,
 * which ajv 8 no longer reads; it uses no keyword whose meaning changed after draft-04 (checked below), so only its
 * `id` becomes `$id` and the draft-04 `$schema` is dropped. Its `language` pattern has a stray `]`, which only
 * a regular expression without the `u` flag reads (as a literal), so patterns are compiled that way.
 */
const schemaText = readFileSync(join(dirname(createRequire(import.meta.url).resolve('@microsoft/jest-sarif/package.json')), 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8');
const validateSarif = (() => {
  const { $schema: _draft, id, ...schema } = JSON.parse(schemaText) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, $id: id as string });
  return (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []));
})();

let report: FindingsReport;
let log: Log;
let results: Result[];
const resultFor = (ruleId: string, purl: string) => results.find((r) => r.ruleId === ruleId && r.properties?.['purl'] === purl);

beforeAll(async () => {
  report = await sampleFindingsReport();
  log = JSON.parse(renderFindingsSarif(report)) as Log;
  results = log.runs[0]?.results ?? [];
});

describe('renderFindingsSarif', () => {
  it('is valid SARIF 2.1.0, and the check is not vacuous', () => {
    expect(schemaText).not.toMatch(/"exclusive(Minimum|Maximum)"|"dependencies"/);
    expect(validateSarif(log)).toEqual([]);
    const broken = structuredClone(log);
    (broken.runs[0]?.results?.[0] as { level: string }).level = 'fatal';
    expect(validateSarif(broken)).not.toEqual([]);
    expect(validateSarif({ ...log, version: '2.0.0' })).not.toEqual([]);
  });

  it('names the tool and the image in one run', () => {
    expect(log).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { name: 'sextant', version: '0.1.0', informationUri: 'https://sextant.dev' } } }] });
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0]?.properties).toEqual({ image: 'docker.io/library/app:1.0', digest: `sha256:${'d'.repeat(64)}`, database: SAMPLE_DATABASE });
  });

  it('writes one rule per vulnerability id, worst first, with CVSS as security-severity and the fixes as help', () => {
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    const ids = [...new Set([...report.findings, ...report.suppressed.map((s) => s.finding)].map((f) => f.id))];
    expect(rules.map((r) => r.id).sort()).toEqual(ids.sort());
    expect(rules[0]).toMatchObject({
      id: 'CVE-2021-44906',
      shortDescription: { text: 'Prototype Pollution in minimist' },
      helpUri: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44906',
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.8', tags: ['security', 'vulnerability', 'critical', 'npm', 'external/cwe/cwe-1321'] },
    });
    const redos = rules.find((r) => r.id === 'CVE-2020-28500');
    expect(redos?.help?.text).toContain('- lodash 4.17.15: upgrade to 4.17.21\n- lodash 4.17.19: upgrade to 4.17.21');
    expect(redos?.help?.markdown).toContain('| lodash | 4.17.19 | 4.17.21 |');
    expect(redos?.properties?.['security-severity']).toBe('5.3');
    // A severity from a database label has no score: no security-severity is made up for it.
    const csrf = rules.find((r) => r.id === 'CVE-2023-45857');
    expect(csrf?.defaultConfiguration?.level).toBe('warning');
    expect(csrf?.properties).not.toHaveProperty('security-severity');
    expect(rules.find((r) => r.id === 'DEBIAN-CVE-2099-0001')?.help?.text).toContain('- libssl3 3.0.11-1~deb12u1: no fixed version is known');
    // Every result points at its rule by index.
    for (const r of results) expect(rules[r.ruleIndex as number]?.id).toBe(r.ruleId);
  });

  it('writes one result per finding and suppressed finding, with levels from severity', () => {
    expect(results).toHaveLength(report.findings.length + report.suppressed.length);
    expect(resultFor('CVE-2021-44906', 'pkg:npm/minimist@1.2.5')?.level).toBe('error');
    expect(resultFor('CVE-2020-8203', 'pkg:npm/lodash@4.17.15')?.level).toBe('error');
    expect(resultFor('CVE-2020-28500', 'pkg:npm/lodash@4.17.15')?.level).toBe('warning');
    expect(resultFor('DEBIAN-CVE-2099-0001', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12')?.level).toBe('note');
    expect(resultFor('CVE-2020-8203', 'pkg:npm/lodash@4.17.15')?.message.text).toBe('lodash 4.17.15 is affected by CVE-2020-8203: Prototype Pollution in lodash. Fixed in 4.17.20.');
  });

  it('locates a finding at its package file in the image, as a relative URI, or at the image when it has none', () => {
    const uri = (r: Result | undefined) => r?.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
    expect(uri(resultFor('CVE-2020-8203', 'pkg:npm/lodash@4.17.15'))).toBe('app/node_modules/lodash/package.json');
    expect(uri(resultFor('CVE-2020-8203', 'pkg:npm/lodash@4.17.19'))).toBe('opt/my%20tool/node_modules/lodash/package.json');
    expect(uri(resultFor('CVE-2023-5363', 'pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12'))).toBe('var/lib/dpkg/status');
    expect(uri(resultFor('CVE-2021-3749', 'pkg:npm/axios@0.21.0'))).toBe('docker.io/library/app:1.0');
  });

  it('fingerprints a finding by vulnerability and purl, the same in every rendering', () => {
    const again = JSON.parse(renderFindingsSarif(report)) as Log;
    const prints = results.map((r) => r.partialFingerprints?.['sextantVulnerability/v1']);
    expect(again.runs[0]?.results?.map((r) => r.partialFingerprints?.['sextantVulnerability/v1'])).toEqual(prints);
    expect(new Set(prints).size).toBe(results.length);
    expect(prints.every((p) => /^[0-9a-f]{64}$/.test(p ?? ''))).toBe(true);
  });

  it('carries purl, KEV, EPSS, VEX notes and layer diffIDs as properties', () => {
    expect(resultFor('CVE-2021-44906', 'pkg:npm/minimist@1.2.5')?.properties).toMatchObject({
      purl: 'pkg:npm/minimist@1.2.5',
      installedVersion: '1.2.5',
      fixedIn: ['1.2.6'],
      ids: ['CVE-2021-44906', 'GHSA-xvch-5gv4-984h'],
      cvssScore: 9.8,
      kev: { cve: 'CVE-2021-44906', dateAdded: '2024-01-02' },
      epss: { score: 0.01234, percentile: 0.87 },
      vex: { status: 'under_investigation' },
      layers: [{ diffId: `sha256:${'b'.repeat(64)}`, index: 1 }],
    });
    expect(resultFor('CVE-2020-8203', 'pkg:npm/lodash@4.17.15')?.properties).toMatchObject({ kev: null, epss: null });
  });

  it('keeps suppressed findings as results with an accepted external suppression and its justification', () => {
    const vex = resultFor('CVE-2021-23337', 'pkg:npm/lodash@4.17.19');
    expect(vex?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'VEX: not affected (vulnerable_code_not_in_execute_path): the tool never calls _.template [vex/app.openvex.json]',
        properties: { source: 'vex', vulnerability: 'GHSA-35jh-r3h4-6jhm', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'the tool never calls _.template', document: 'vex/app.openvex.json', documentId: 'https://example.com/vex/app-1', timestamp: '2024-05-30T08:00:00Z' },
      },
    ]);
    expect(resultFor('CVE-2020-28168', 'pkg:npm/axios@0.21.0')?.suppressions?.[0]).toMatchObject({ kind: 'external', status: 'accepted', justification: 'ignored: SSRF needs a proxy | none is configured (until 2099-12-31) [.sextant-ignore.yaml]' });
    // The same vulnerability in a package nothing suppressed stays unsuppressed.
    expect(resultFor('CVE-2021-23337', 'pkg:npm/lodash@4.17.15')).not.toHaveProperty('suppressions');
    expect(results.filter((r) => r.suppressions).length).toBe(report.suppressed.length);
  });

  it('is valid with no findings at all', () => {
    const empty = JSON.parse(renderFindingsSarif({ ...report, findings: [], suppressed: [] })) as Log;
    expect(validateSarif(empty)).toEqual([]);
    expect(empty.runs[0]?.results).toEqual([]);
    expect(empty.runs[0]?.tool.driver.rules).toEqual([]);
  });
});
