// OpenVEX documents written to real files, read back, and asked which statement speaks for a finding.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectSextantError } from '../../test/support/sextant-error.ts';
import type { Finding } from './matcher.ts';
import { parsePurl, type ParsedPurl } from './purl-match.ts';
import { applicableVexStatement, indexVex, readVexDocument, statementApplies, type VexDocument } from './vex.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-vex-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IMAGE_DIGEST = `sha256:${'d'.repeat(64)}`;
const IMAGE = purl(`pkg:oci/app@${IMAGE_DIGEST}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0`);
const OPENSSL = 'pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12';

function purl(text: string): ParsedPurl {
  const p = parsePurl(text);
  if (!p) throw new Error(`bad purl in test: ${text}`);
  return p;
}

let counter = 0;
function write(content: unknown): string {
  const path = join(dir, `doc-${++counter}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

function openvex(statements: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { '@context': 'https://openvex.dev/ns/v0.2.0', '@id': 'https://openvex.dev/docs/example/vex-1', author: 'Security Team', timestamp: '2024-03-01T10:00:00Z', version: 1, statements, ...extra };
}

function finding(ids: string[], packagePurl: string): Finding {
  return { id: ids.find((i) => i.startsWith('CVE-')) ?? ids[0] ?? '', ids, advisoryIds: ids, purl: packagePurl, packageName: 'openssl', packageType: 'deb', installedVersion: '3.0.11-1', fixedIn: [], severity: null, summary: null, layers: [], explanations: [], kev: null, epss: null, vex: null };
}

const expectError = (path: string, code: string, message: RegExp) => expectSextantError(readVexDocument(path), code, message);

describe('readVexDocument', () => {
  it('reads a v0.2.0 document: vulnerability with aliases, products by @id and identifiers, subcomponents, inherited timestamps', async () => {
    const doc = await readVexDocument(
      write(
        openvex([
          {
            vulnerability: { '@id': 'https://nvd.nist.gov/vuln/detail/CVE-2023-5363', name: 'CVE-2023-5363', aliases: ['DSA-5532-1'] },
            products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}`, subcomponents: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1' }] }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
            impact_statement: 'the service never negotiates the affected cipher modes',
          },
          {
            vulnerability: { name: 'GHSA-p6mc-m468-83gw' },
            timestamp: '2024-03-02T08:00:00.123456789-06:00',
            products: [{ '@id': 'https://example.com/products/shop', identifiers: { purl: 'pkg:npm/lodash' } }],
            status: 'affected',
            action_statement: 'upgrade lodash to 4.17.21',
          },
        ]),
      ),
    );
    expect(doc.id).toBe('https://openvex.dev/docs/example/vex-1');
    expect(doc.statements).toHaveLength(2);
    const [first, second] = doc.statements;
    expect(first).toMatchObject({ position: 1, vulnerability: 'CVE-2023-5363', aliases: ['DSA-5532-1'], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', timestamp: '2024-03-01T10:00:00Z' });
    expect(first?.products[0]?.purls[0]).toMatchObject({ type: 'oci', version: IMAGE_DIGEST });
    expect(first?.products[0]?.subcomponents?.[0]).toMatchObject({ type: 'deb', namespace: 'debian', name: 'openssl', version: '3.0.11-1' });
    // A product's @id that is not a purl is kept out; its identifiers.purl counts.
    expect(second?.products[0]?.purls.map((p) => p.name)).toEqual(['lodash']);
    expect(second).toMatchObject({ status: 'affected', actionStatement: 'upgrade lodash to 4.17.21', timestamp: '2024-03-02T08:00:00.123456789-06:00' });
  });

  it('reads the older shape: @context …/ns, the vulnerability as a string, products and subcomponents as strings', async () => {
    const doc = await readVexDocument(
      write({
        '@context': 'https://openvex.dev/ns',
        '@id': 'https://openvex.dev/docs/public/vex-old',
        author: 'Wolfi J Inkinson',
        timestamp: '2023-01-08T18:02:03-06:00',
        version: 1,
        statements: [{ vulnerability: 'CVE-2023-12345', products: ['pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64'], subcomponents: ['pkg:apk/wolfi/libcurl@8.0.0-r0'], status: 'fixed' }],
      }),
    );
    expect(doc.statements[0]).toMatchObject({ vulnerability: 'CVE-2023-12345', aliases: [], status: 'fixed' });
    expect(doc.statements[0]?.products[0]?.purls[0]).toMatchObject({ type: 'apk', name: 'git', qualifiers: { arch: 'x86_64' } });
    expect(doc.statements[0]?.products[0]?.subcomponents?.[0]).toMatchObject({ name: 'libcurl' });
  });

  it('unwraps an in-toto statement whose predicate is an OpenVEX document', async () => {
    const doc = await readVexDocument(
      write({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app', digest: { sha256: 'd'.repeat(64) } }], predicateType: 'https://openvex.dev/ns/v0.2.0', predicate: openvex([{ vulnerability: { name: 'CVE-2024-0001' }, products: [{ '@id': 'pkg:npm/lodash' }], status: 'under_investigation' }]) }),
    );
    expect(doc.statements[0]).toMatchObject({ vulnerability: 'CVE-2024-0001', status: 'under_investigation' });
  });

  it('rejects malformed documents with one line naming the file and the statement', async () => {
    await expectError(write('{"@context": "https://openvex.dev/ns/v0.2.0", "statements": ['), 'CORRUPT', /doc-\d+\.json: not valid JSON/);
    await expectError(write([1, 2]), 'CORRUPT', /doc-\d+\.json: an OpenVEX document is a JSON object/);
    await expectError(write({ '@context': 'https://example.com/ns', statements: [] }), 'CORRUPT', /doc-\d+\.json: not an OpenVEX document \(--vex reads OpenVEX/);
    await expectError(write({ bomFormat: 'CycloneDX', specVersion: '1.5', vulnerabilities: [] }), 'UNSUPPORTED', /doc-\d+\.json: a CycloneDX document/);
    await expectError(write(openvex({} as unknown as unknown[])), 'CORRUPT', /"statements" must be a list/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }], status: 'not_vulnerable' }])), 'CORRUPT', /doc-\d+\.json: statement 1: status "not_vulnerable" is not one \(use not_affected, affected, fixed, under_investigation\)/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }] }])), 'CORRUPT', /statement 1: status is missing/);
    await expectError(write(openvex([{ vulnerability: { aliases: ['GHSA-x'] }, products: [], status: 'fixed' }])), 'CORRUPT', /statement 1: the vulnerability has no name/);
    await expectError(write(openvex([{ products: [], status: 'fixed' }])), 'CORRUPT', /statement 1: "vulnerability" must be an object/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }], status: 'not_affected' }])), 'CORRUPT', /statement 1: a not_affected statement needs a justification or an impact_statement/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }], status: 'not_affected', justification: 'trust_me' }])), 'CORRUPT', /unknown justification "trust_me"/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ identifiers: { purl: 'npm/lodash' } }], status: 'fixed' }])), 'CORRUPT', /statement 1: product 1: "npm\/lodash" is not a package URL/);
    await expectError(write(openvex([{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/x' }], status: 'fixed', timestamp: 'last tuesday' }])), 'CORRUPT', /statement 1: timestamp "last tuesday" is not an RFC 3339 date and time/);
    await expectError(write(openvex([], { timestamp: '2024-13-45T00:00:00Z' })), 'CORRUPT', /document timestamp "2024-13-45T00:00:00Z"/);
    await expectError(join(dir, 'missing.json'), 'NOT_FOUND', /VEX document .*missing\.json does not exist/);
  });
});

describe('statementApplies and applicableVexStatement', () => {
  async function docOf(statements: unknown[], extra: Record<string, unknown> = {}): Promise<VexDocument> {
    return readVexDocument(write(openvex(statements, extra)));
  }

  it('matches the package by purl: statement qualifiers a subset of the package\u2019s, a versionless purl any version', async () => {
    const doc = await docOf([
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1' }], status: 'fixed' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.11-1?arch=arm64' }], status: 'fixed' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'fixed' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl@3.0.9-1' }], status: 'fixed' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:rpm/redhat/openssl@3.0.11-1' }], status: 'fixed' },
    ]);
    const verdicts = doc.statements.map((s) => statementApplies(s, purl(OPENSSL), [IMAGE]));
    expect(verdicts).toEqual([true, false, true, false, false]);
  });

  it('matches the image: by digest whatever its name and location, or by name without a digest; subcomponents narrow it to those packages', async () => {
    const doc = await docOf([
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': `pkg:oci/renamed@${IMAGE_DIGEST}?repository_url=ghcr.io/acme/renamed` }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': `pkg:oci/app@sha256:${'e'.repeat(64)}` }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:oci/app?repository_url=docker.io/library/app' }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}`, subcomponents: [{ '@id': 'pkg:deb/debian/openssl' }] }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}`, subcomponents: [{ '@id': 'pkg:deb/debian/libssl3' }] }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
      // An image of another platform under the same index digest is not this image.
      { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': `pkg:oci/app@${IMAGE_DIGEST}?arch=arm64` }], status: 'not_affected', justification: 'vulnerable_code_not_present' },
    ]);
    expect(doc.statements.map((s) => statementApplies(s, purl(OPENSSL), [IMAGE]))).toEqual([true, false, true, true, false, false]);
    // Without a known image (a root filesystem), image-level statements never apply.
    expect(statementApplies(doc.statements[0]!, purl(OPENSSL), [])).toBe(false);
  });

  it('finds statements by name or alias, and lets the latest win (statement timestamp, else document\u2019s, else order)', async () => {
    const early = await docOf(
      [
        { vulnerability: { name: 'GHSA-xxxx-yyyy-zzzz', aliases: ['CVE-2023-5363'] }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'under_investigation' },
        { vulnerability: { name: 'CVE-2023-5363' }, timestamp: '2024-05-01T00:00:00Z', products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'not_affected', justification: 'inline_mitigations_already_exist' },
      ],
      { timestamp: '2024-04-01T00:00:00Z' },
    );
    const later = await docOf([{ vulnerability: 'DSA-5532-1', products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'affected' }], { timestamp: '2024-04-15T00:00:00Z' });
    const f = finding(['CVE-2023-5363', 'DSA-5532-1'], OPENSSL);
    // The second statement of the first document is dated 1 May, after the later document's 15 April.
    expect(applicableVexStatement(indexVex([early, later]), f, purl(OPENSSL), [IMAGE])?.statement.status).toBe('not_affected');
    expect(applicableVexStatement(indexVex([later, early]), f, purl(OPENSSL), [IMAGE])?.statement.status).toBe('not_affected');
    // Found by alias alone.
    const byAlias = applicableVexStatement(indexVex([early]), finding(['DSA-5532-1', 'GHSA-xxxx-yyyy-zzzz'], OPENSSL), purl(OPENSSL), [IMAGE]);
    expect(byAlias?.statement.status).toBe('under_investigation');
    // Undated statements: the later in document order wins.
    const undated = await docOf(
      [
        { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'affected' },
        { vulnerability: { name: 'CVE-2023-5363' }, products: [{ '@id': 'pkg:deb/debian/openssl' }], status: 'fixed' },
      ],
      { timestamp: undefined },
    );
    expect(applicableVexStatement(indexVex([undated]), f, purl(OPENSSL), [IMAGE])?.statement.status).toBe('fixed');
    expect(applicableVexStatement(indexVex([undated]), finding(['CVE-2099-0001'], OPENSSL), purl(OPENSSL), [IMAGE])).toBeNull();
  });
});
