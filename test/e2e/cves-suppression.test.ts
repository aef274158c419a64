// `sextant cves --vex / --ignore-file / --show-suppressed` and `quickview` on an image built here, against the
// real npm advisories of ../shared/vectors/osv/npm.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const osvNpm = fileURLToPath(new URL('../../../shared/vectors/osv/npm/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-cves-suppression-'));
const home = join(dir, 'home');
let layout: string;
let manifestDigest: string;

beforeAll(async () => {
  const json = (v: unknown) => JSON.stringify(v);
  const tar = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'app/package.json', content: json({ name: 'shop', version: '1.0.0', dependencies: { lodash: '^4.17.0', qs: '~6.5.0' } }) },
    { name: 'app/node_modules/lodash/package.json', content: json({ name: 'lodash', version: '4.17.15', license: 'MIT' }) },
    { name: 'app/node_modules/qs/package.json', content: json({ name: 'qs', version: '6.5.2', license: 'BSD-3-Clause' }) },
  ]);
  const image = buildImage({ layers: [{ tar }] });
  manifestDigest = image.manifest.digest;
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
  const imported = await runCli(['db', 'import', osvNpm], { SEXTANT_HOME: home });
  expect(imported.code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

interface Report {
  findings: { id: string; vex: { status: string } | null }[];
  suppressedCount: number;
  suppressed: { finding: { id: string }; reason: { kind: string; status?: string; file?: string } }[];
}

describe('sextant cves with VEX and an ignore file', () => {
  it('suppresses by VEX (about the image, naming the GHSA) and by ignore entry, counts them, lists them on request, and exits 0 when nothing remains', async () => {
    const vex = writeFile(
      'app.openvex.json',
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/shop-1',
        author: 'Shop Security',
        timestamp: '2026-01-10T09:00:00Z',
        version: 1,
        statements: [
          { vulnerability: { name: 'GHSA-p6mc-m468-83gw' }, products: [{ '@id': `pkg:oci/shop@${manifestDigest}`, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
          { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'fixed', action_statement: 'template() patched in our copy' },
          { vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'under_investigation' },
        ],
      }),
    );
    const ignore = writeFile('accepted.yaml', 'ignore:\n  - id: CVE-2022-24999\n    purl: pkg:npm/qs\n    reason: qs only parses our own query strings\n  - id: CVE-2020-28500\n    expires: 2020-01-01\n');

    const json = await runCli(['cves', `oci-dir://${layout}`, '-q', '--format', 'json', '--vex', vex, '--ignore-file', ignore], { SEXTANT_HOME: home });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(`sextant: warning: ignore entry CVE-2020-28500 expired on 2020-01-01 (${ignore}:5); it no longer suppresses anything\n`);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.findings.map((f) => [f.id, f.vex?.status ?? null])).toEqual([['CVE-2020-28500', 'under_investigation']]);
    expect(report.suppressedCount).toBe(3);
    expect(report.suppressed.map((s) => [s.finding.id, s.reason.kind, s.reason.status ?? s.reason.file]).sort()).toEqual([
      ['CVE-2020-8203', 'vex', 'not_affected'],
      ['CVE-2021-23337', 'vex', 'fixed'],
      ['CVE-2022-24999', 'ignore', ignore],
    ]);

    const table = await runCli(['cves', `oci-dir://${layout}`, '-q', '--vex', vex, '--ignore-file', ignore], { SEXTANT_HOME: home });
    expect(table.stdout).toContain('1 vulnerabilities (');
    expect(table.stdout).toContain(`3 suppressed (2 by VEX, 1 by ${ignore}); --show-suppressed lists them`);
    const listed = await runCli(['cves', `oci-dir://${layout}`, '-q', '--vex', vex, '--ignore-file', ignore, '--show-suppressed'], { SEXTANT_HOME: home });
    expect(listed.stdout).toContain('vulnerable_code_not_in_execute_path');
    expect(listed.stdout).toContain('qs only parses our own query strings');
    expect(listed.stdout).not.toContain('--show-suppressed lists them');

    // --exit-code counts what remains: with the last one ignored too, nothing does.
    const all = writeFile('all.yaml', 'ignore:\n  - id: CVE-2020-28500\n  - id: CVE-2022-24999\n');
    const quiet = await runCli(['cves', `oci-dir://${layout}`, '-q', '--exit-code', '--vex', vex, '--ignore-file', all], { SEXTANT_HOME: home });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('no vulnerabilities found');
    expect(quiet.stdout).toContain('4 suppressed (2 by VEX, 2 by');

    const summary = await runCli(['quickview', `oci-dir://${layout}`, '-q', '--format', 'json', '--vex', vex, '--ignore-file', all], { SEXTANT_HOME: home });
    expect((JSON.parse(summary.stdout) as { vulnerabilities: { total: number; suppressed: number } }).vulnerabilities).toMatchObject({ total: 0, suppressed: 4 });
  });

  it('fails with one line for a missing or malformed VEX document or ignore file', async () => {
    const missing = await runCli(['cves', `oci-dir://${layout}`, '-q', '--ignore-file', join(dir, 'nope.yaml')], { SEXTANT_HOME: home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`sextant: ignore file ${join(dir, 'nope.yaml')} does not exist\n`);
    const typo = writeFile('typo.yaml', 'ignore:\n  - id: CVE-2022-24999\n    expire: 2026-12-31\n');
    const badIgnore = await runCli(['cves', `oci-dir://${layout}`, '-q', '--ignore-file', typo], { SEXTANT_HOME: home });
    expect(badIgnore.code).toBe(2);
    expect(badIgnore.stderr).toBe(`sextant: ${typo}:2: ignore entry 1 (CVE-2022-24999): unknown key "expire" (use id, purl, expires, reason)\n`);
    const broken = writeFile('broken.json', '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [}');
    const badVex = await runCli(['cves', `oci-dir://${layout}`, '-q', '--vex', broken], { SEXTANT_HOME: home });
    expect(badVex.code).toBe(2);
    expect(badVex.stderr).toMatch(new RegExp(`^sextant: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(.*\\)\\n$`));
  });
});
