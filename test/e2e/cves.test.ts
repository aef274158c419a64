// `sextant cves` on an image built here, against the real npm advisories of ../shared/vectors/osv/npm.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const osvNpm = fileURLToPath(new URL('../../../shared/vectors/osv/npm/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-cves-'));
const home = join(dir, 'home');
let layout: string;

beforeAll(async () => {
  const json = (v: unknown) => JSON.stringify(v);
  const tar = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'app/package.json', content: json({ name: 'shop', version: '1.0.0', dependencies: { lodash: '^4.17.0', qs: '~6.5.0', ms: '^2.1.0' } }) },
    { name: 'app/node_modules/lodash/package.json', content: json({ name: 'lodash', version: '4.17.15', license: 'MIT' }) },
    { name: 'app/node_modules/qs/package.json', content: json({ name: 'qs', version: '6.5.2', license: 'BSD-3-Clause' }) },
    { name: 'app/node_modules/ms/package.json', content: json({ name: 'ms', version: '2.1.3', license: 'MIT' }) },
  ]);
  const image = buildImage({ layers: [{ tar }] });
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
  const imported = await runCli(['db', 'import', osvNpm], { SEXTANT_HOME: home });
  expect(imported.code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  findings: { id: string; ids: string[]; packageName: string; installedVersion: string; fixedIn: string[]; severity: { rating: string } | null; explanations: { range: string; database: string }[] }[];
  database: string;
}

describe('sextant cves', () => {
  it('lists each vulnerable package once per vulnerability, with every id, the fix and why', async () => {
    const r = await runCli(['cves', `oci-dir://${layout}`, '--format', 'json', '-q'], { SEXTANT_HOME: home });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    const rows = report.findings.map((f) => `${f.packageName}@${f.installedVersion} ${f.id} -> ${f.fixedIn.join('|')}`).sort();
    expect(rows).toEqual([
      'lodash@4.17.15 CVE-2020-28500 -> 4.17.21',
      'lodash@4.17.15 CVE-2020-8203 -> 4.17.20',
      'lodash@4.17.15 CVE-2021-23337 -> 4.17.21',
      'qs@6.5.2 CVE-2022-24999 -> 6.5.3',
    ]);
    const qs = report.findings.find((f) => f.packageName === 'qs');
    expect(qs?.ids).toEqual(['CVE-2022-24999', 'GHSA-hrpp-h998-j3pp']);
    expect(qs?.explanations[0]?.range).toBe('>=6.5.0, <6.5.3');
    expect(qs?.explanations[0]?.database).toBe(report.database);
  });

  it('filters, prints a table for people, and exits 1 with --exit-code when findings remain', async () => {
    const table = await runCli(['cves', `oci-dir://${layout}`, '-q'], { SEXTANT_HOME: home });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('CVE-2022-24999');
    expect(table.stdout).toMatch(/4 vulnerabilities \(/);
    const high = await runCli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json', '--only-severity', 'high'], { SEXTANT_HOME: home });
    const highFindings = (JSON.parse(high.stdout) as Report).findings;
    expect(highFindings.length).toBeGreaterThan(0);
    expect(highFindings.every((f) => f.severity?.rating === 'high')).toBe(true);
    const failing = await runCli(['cves', `oci-dir://${layout}`, '-q', '--exit-code'], { SEXTANT_HOME: home });
    expect(failing.code).toBe(1);
    const none = await runCli(['cves', `oci-dir://${layout}`, '-q', '--exit-code', '--only-package-type', 'deb'], { SEXTANT_HOME: home });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no vulnerabilities found');
    const bad = await runCli(['cves', `oci-dir://${layout}`, '--only-severity', 'severe'], { SEXTANT_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sextant: unknown severity "severe"/);
  });

  it('explains a match by any of its ids, and says so when an id does not match', async () => {
    const r = await runCli(['cves', `oci-dir://${layout}`, '-q', '--explain', 'GHSA-hrpp-h998-j3pp'], { SEXTANT_HOME: home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('CVE-2022-24999 affects qs 6.5.2');
    expect(r.stdout).toMatch(/GHSA-hrpp-h998-j3pp: npm qs 6\.5\.2 \(looked up by package\) is in >=6\.5\.0, <6\.5\.3, ordered as semver versions; osv-range, database sha256:[0-9a-f]{64}/);
    expect(r.stdout).toContain('fixed in: 6.5.3');
    const none = await runCli(['cves', `oci-dir://${layout}`, '-q', '--explain', 'CVE-2017-20162'], { SEXTANT_HOME: home });
    expect(none.stdout).toBe('CVE-2017-20162 does not affect any package of this image (no advisory with that id or alias matched)\n');
  });

  it('warns when the advisory database is empty', async () => {
    const r = await runCli(['cves', `oci-dir://${layout}`, '-q'], { SEXTANT_HOME: join(dir, 'empty-home') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the advisory database is empty/);
  });

  it('quickview counts the vulnerabilities by severity beside the package count and OS', async () => {
    const r = await runCli(['quickview', `oci-dir://${layout}`, '-q', '--format', 'json'], { SEXTANT_HOME: home });
    expect(r.stderr).toBe('');
    const q = JSON.parse(r.stdout) as { packages: number; os: string | null; vulnerabilities: Record<string, number> };
    const cves = JSON.parse((await runCli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json'], { SEXTANT_HOME: home })).stdout) as Report;
    expect(q.vulnerabilities.total).toBe(cves.findings.length);
    expect(q.vulnerabilities.fixable).toBe(cves.findings.filter((f) => f.fixedIn.length > 0).length);
    expect(['critical', 'high', 'medium', 'low', 'unknown'].reduce((n, k) => n + (q.vulnerabilities[k] ?? 0), 0)).toBe(q.vulnerabilities.total);
    expect(q.packages).toBeGreaterThanOrEqual(3);
    expect(q.os).toBe('debian');
    const table = await runCli(['quickview', `oci-dir://${layout}`, '-q'], { SEXTANT_HOME: home });
    expect(table.stdout).toMatch(/Vulns\s+4 \(4 fixable\)/);
  });
});
