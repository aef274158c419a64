// VEX documents and ignore files written to real files, applied to findings: what remains, what is suppressed
// and why, what is only annotated, and which ignore entries have expired.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type IgnoreFile, loadIgnoreFile } from './ignore.ts';
import type { Finding } from './matcher.ts';
import { applySuppressions } from './suppress.ts';
import { readVexDocument, type VexDocument } from './vex.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-suppress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IMAGE_DIGEST = `sha256:${'d'.repeat(64)}`;
const INDEX_DIGEST = `sha256:${'f'.repeat(64)}`;
const IMAGE_PURLS = [`pkg:oci/app@${IMAGE_DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0`, `pkg:oci/app@${INDEX_DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0`];
const NOW = new Date('2026-03-15T12:00:00Z');

const LODASH = 'pkg:npm/lodash@4.17.15';
const OPENSSL = 'pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12';

function finding(ids: string[], purl: string, fields: Partial<Finding> = {}): Finding {
  const deb = purl.startsWith('pkg:deb/');
  return {
    id: ids.find((i) => i.startsWith('CVE-')) ?? ids[0] ?? '',
    ids: [...ids].sort(),
    advisoryIds: ids.filter((i) => !i.startsWith('CVE-')),
    purl,
    packageName: deb ? 'openssl' : 'lodash',
    packageType: deb ? 'deb' : 'npm',
    installedVersion: deb ? '3.0.11-1' : '4.17.15',
    fixedIn: deb ? ['3.0.11-1~deb12u2'] : ['4.17.21'],
    severity: { rating: 'high', score: 7.5, source: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
    summary: null,
    layers: ['sha256:layer'],
    explanations: [],
    kev: null,
    epss: null,
    vex: null,
    ...fields,
  };
}

// The lodash findings of 4.17.15 (GitHub advisories with their CVE aliases) and two of Debian's openssl.
const prototypePollution = finding(['CVE-2020-8203', 'GHSA-p6mc-m468-83gw'], LODASH);
const commandInjection = finding(['CVE-2021-23337', 'GHSA-35jh-r3h4-6jhm'], LODASH);
const redos = finding(['CVE-2020-28500', 'GHSA-29mw-wpgm-hmr9'], LODASH);
const opensslPolicy = finding(['CVE-2023-5363', 'DSA-5532-1', 'DEBIAN-CVE-2023-5363'], OPENSSL);
const opensslTiming = finding(['CVE-2024-0727', 'DEBIAN-CVE-2024-0727'], OPENSSL);
const ALL = [prototypePollution, commandInjection, redos, opensslPolicy, opensslTiming];

let counter = 0;
async function vex(statements: unknown[], timestamp = '2026-01-10T09:00:00Z'): Promise<VexDocument> {
  const path = join(dir, `vex-${++counter}.openvex.json`);
  writeFileSync(path, JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', '@id': `https://example.com/vex/${counter}`, author: 'Shop Security', timestamp, version: 1, statements }));
  return readVexDocument(path);
}

async function ignore(yaml: string): Promise<IgnoreFile> {
  const path = join(dir, `ignore-${++counter}.yaml`);
  writeFileSync(path, yaml);
  const file = await loadIgnoreFile(path);
  if (!file) throw new Error('no ignore file');
  return file;
}

const ids = (fs: readonly Finding[]) => fs.map((f) => f.id);

describe('applySuppressions', () => {
  it('suppresses on not_affected and fixed, annotates on affected and under_investigation, and leaves the rest', async () => {
    const doc = await vex([
      { vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impact_statement: 'zipObjectDeep is never called' },
      { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'fixed', action_statement: 'template() patched in our vendored copy' },
      { vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'affected', action_statement: 'upgrade to 4.17.21' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'under_investigation', status_notes: 'checking whether the service sets key lengths' },
    ]);
    const result = applySuppressions(ALL, { vex: [doc], ignore: null, imagePurls: IMAGE_PURLS, now: NOW });
    expect(ids(result.findings)).toEqual(['CVE-2020-28500', 'CVE-2023-5363', 'CVE-2024-0727']);
    expect(result.findings[0]?.vex).toEqual({ status: 'affected', document: doc.source, statement: 'upgrade to 4.17.21' });
    expect(result.findings[1]?.vex).toEqual({ status: 'under_investigation', document: doc.source, statement: 'checking whether the service sets key lengths' });
    expect(result.findings[2]?.vex).toBeNull();
    expect(result.suppressed).toEqual([
      { finding: prototypePollution, reason: { kind: 'vex', vulnerability: 'CVE-2020-8203', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', statement: 'zipObjectDeep is never called', document: doc.source, documentId: 'https://example.com/vex/1', timestamp: '2026-01-10T09:00:00Z' } },
      { finding: commandInjection, reason: { kind: 'vex', vulnerability: 'CVE-2021-23337', status: 'fixed', justification: null, statement: 'template() patched in our vendored copy', document: doc.source, documentId: 'https://example.com/vex/1', timestamp: '2026-01-10T09:00:00Z' } },
    ]);
    // The inputs are left as they were.
    expect(redos.vex).toBeNull();
    expect(result.expired).toEqual([]);
  });

  it('matches a statement naming the GHSA to the finding whose id is the CVE, and one naming an alias of the finding', async () => {
    const doc = await vex([
      { vulnerability: { name: 'GHSA-p6mc-m468-83gw' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'GHSA-0000-0000-0000', aliases: ['DSA-5532-1'] }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1' }], status: 'fixed' },
    ]);
    const result = applySuppressions(ALL, { vex: [doc], ignore: null, imagePurls: IMAGE_PURLS, now: NOW });
    expect(ids(result.suppressed.map((s) => s.finding))).toEqual(['CVE-2020-8203', 'CVE-2023-5363']);
  });

  it('compares package URLs by type, namespace, name and version, with the statement\u2019s qualifiers a subset', async () => {
    const doc = await vex([
      // Without arch and distro, the Debian package still matches; another version or architecture does not.
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1' }], status: 'fixed' },
      { vulnerability: { name: 'CVE-2024-0727' }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1?arch=arm64' }, { '@id': 'pkg:deb/debian/openssl@3.0.13-1' }], status: 'fixed' },
      // The same CVE for a package of another type.
      { vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:pypi/lodash@4.17.15' }], status: 'fixed' },
    ]);
    const result = applySuppressions(ALL, { vex: [doc], ignore: null, imagePurls: IMAGE_PURLS, now: NOW });
    expect(ids(result.suppressed.map((s) => s.finding))).toEqual(['CVE-2023-5363']);
  });

  it('applies a statement about the image to all its packages, or with subcomponents to those only; by manifest or index digest', async () => {
    const doc = await vex([
      { vulnerability: { name: 'CVE-2024-0727' }, products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}` }], status: 'not_affected', justification: 'vulnerable_code_cannot_be_controlled_by_adversary' },
      { vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': `pkg:oci/app@${INDEX_DIGEST}?repository_url=docker.io/library/app`, subcomponents: [{ '@id': 'pkg:npm/lodash' }] }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2021-23337' }, products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}`, subcomponents: [{ '@id': 'pkg:npm/underscore' }] }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': `pkg:oci/other@sha256:${'0'.repeat(64)}` }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
    ]);
    const result = applySuppressions(ALL, { vex: [doc], ignore: null, imagePurls: IMAGE_PURLS, now: NOW });
    expect(ids(result.suppressed.map((s) => s.finding))).toEqual(['CVE-2020-8203', 'CVE-2024-0727']);
    // Scanned without a digest (a root filesystem), no statement about an image applies.
    expect(applySuppressions(ALL, { vex: [doc], ignore: null, imagePurls: [], now: NOW }).suppressed).toEqual([]);
  });

  it('lets the latest applicable statement win, across documents', async () => {
    const january = await vex([{ vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }], '2026-01-10T09:00:00Z');
    const february = await vex([{ vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'affected', action_statement: 'the new endpoint reaches it: upgrade' }], '2026-02-10T09:00:00Z');
    for (const order of [[january, february], [february, january]]) {
      const result = applySuppressions([opensslPolicy], { vex: order, ignore: null, imagePurls: IMAGE_PURLS, now: NOW });
      expect(result.suppressed).toEqual([]);
      expect(result.findings[0]?.vex).toMatchObject({ status: 'affected', document: february.source });
    }
    // A statement's own timestamp overrides its document's.
    const backdated = await vex([{ vulnerability: { name: 'CVE-2023-5363' }, timestamp: '2025-12-01T00:00:00Z', products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'fixed' }], '2026-03-01T00:00:00Z');
    expect(applySuppressions([opensslPolicy], { vex: [backdated, january], ignore: null, imagePurls: IMAGE_PURLS, now: NOW }).suppressed[0]?.reason).toMatchObject({ status: 'not_affected', document: january.source });
  });

  it('applies ignore entries after VEX: by any id, optionally for one package or the image; expired entries suppress nothing and are returned', async () => {
    const doc = await vex([{ vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'under_investigation' }]);
    const file = await ignore(
      [
        'ignore:',
        '  - id: ghsa-29mw-wpgm-hmr9', // lower case, and the GHSA of a finding shown by its CVE
        '    reason: ReDoS needs attacker-controlled input; ours is a fixed config',
        '    expires: 2026-03-15', // still valid all of today
        '  - id: CVE-2024-0727',
        '    purl: pkg:deb/debian/openssl@3.0.11-1',
        '  - id: CVE-2023-5363',
        '    purl: pkg:deb/debian/libssl3', // another package: no effect
        '  - id: CVE-2021-23337',
        '    expires: 2026-03-14', // ended yesterday
        '    reason: waiting for the upgrade',
        `  - id: CVE-2020-8203`,
        `    purl: pkg:oci/app@${IMAGE_DIGEST}`,
      ].join('\n'),
    );
    const result = applySuppressions(ALL, { vex: [doc], ignore: file, imagePurls: IMAGE_PURLS, now: NOW });
    expect(ids(result.findings)).toEqual(['CVE-2021-23337', 'CVE-2023-5363']);
    expect(result.suppressed.map((s) => [s.finding.id, s.reason])).toEqual([
      ['CVE-2020-8203', { kind: 'ignore', id: 'CVE-2020-8203', purl: `pkg:oci/app@${IMAGE_DIGEST}`, reason: null, expires: null, file: file.path }],
      ['CVE-2020-28500', { kind: 'ignore', id: 'ghsa-29mw-wpgm-hmr9', purl: null, reason: 'ReDoS needs attacker-controlled input; ours is a fixed config', expires: '2026-03-15', file: file.path }],
      ['CVE-2024-0727', { kind: 'ignore', id: 'CVE-2024-0727', purl: 'pkg:deb/debian/openssl@3.0.11-1', reason: null, expires: null, file: file.path }],
    ]);
    // The VEX note stays on the finding the ignore file then suppressed.
    expect(result.suppressed[1]?.finding.vex).toMatchObject({ status: 'under_investigation' });
    expect(result.expired.map((e) => [e.id, e.expires])).toEqual([['CVE-2021-23337', '2026-03-14']]);
    // A day later the first entry has expired too.
    const later = applySuppressions(ALL, { vex: [doc], ignore: file, imagePurls: IMAGE_PURLS, now: new Date('2026-03-16T00:00:00Z') });
    expect(later.expired.map((e) => e.id)).toEqual(['ghsa-29mw-wpgm-hmr9', 'CVE-2021-23337']);
    expect(ids(later.findings)).toContain('CVE-2020-28500');
  });

  it('gives VEX precedence over the ignore file', async () => {
    const doc = await vex([{ vulnerability: { name: 'CVE-2024-0727' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'fixed' }]);
    const file = await ignore('ignore:\n  - id: CVE-2024-0727\n');
    const result = applySuppressions(ALL, { vex: [doc], ignore: file, imagePurls: IMAGE_PURLS, now: NOW });
    expect(result.suppressed.map((s) => s.reason.kind)).toEqual(['vex']);
  });
});
