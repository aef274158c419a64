// The facts the report formats share: advisory pages by id, the introducing layer, suppression reasons in one line.
import { describe, expect, it } from 'vitest';
import { advisorySource, describeSuppression, introducingLayer, layerIndexOf, packagesByPurl } from './findings-report.ts';
import { sampleFindingsReport } from './testdata/sample-findings.ts';

describe('findings report helpers', () => {
  it('sends CVEs to NVD, GHSAs to GitHub and every other OSV id to osv.dev', () => {
    expect(advisorySource('CVE-2021-44906')).toEqual({ name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44906' });
    expect(advisorySource('GHSA-xvch-5gv4-984h')).toEqual({ name: 'GitHub', url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h' });
    expect(advisorySource('DSA-5532-1')).toEqual({ name: 'OSV', url: 'https://osv.dev/vulnerability/DSA-5532-1' });
  });

  it('finds the lowest image layer of a finding, and its package by purl', async () => {
    const report = await sampleFindingsReport();
    const layers = layerIndexOf(report);
    const lodash = report.findings.find((f) => f.purl === 'pkg:npm/lodash@4.17.19');
    const axios = report.findings.find((f) => f.packageName === 'axios');
    expect(lodash && introducingLayer(lodash, layers)).toBe(0);
    expect(axios && introducingLayer(axios, layers)).toBeNull();
    expect(packagesByPurl(report).get('pkg:npm/lodash@4.17.19')?.locations[0]?.path).toBe('/opt/my tool/node_modules/lodash/package.json');
  });

  it('says in one line what suppressed a finding and where that was written', () => {
    expect(describeSuppression({ kind: 'vex', vulnerability: 'CVE-1', status: 'not_affected', justification: 'vulnerable_code_not_present', statement: 'not built in', document: 'a.json', documentId: null, timestamp: null })).toBe('VEX: not affected (vulnerable_code_not_present): not built in [a.json]');
    expect(describeSuppression({ kind: 'vex', vulnerability: 'CVE-1', status: 'fixed', justification: null, statement: null, document: 'a.json', documentId: null, timestamp: null })).toBe('VEX: fixed [a.json]');
    expect(describeSuppression({ kind: 'ignore', id: 'CVE-1', purl: null, reason: 'accepted', expires: '2099-01-01', file: '.sextant-ignore.yaml' })).toBe('ignored: accepted (until 2099-01-01) [.sextant-ignore.yaml]');
    expect(describeSuppression({ kind: 'ignore', id: 'CVE-1', purl: null, reason: null, expires: null, file: 'x.yaml' })).toBe('ignored [x.yaml]');
  });
});
