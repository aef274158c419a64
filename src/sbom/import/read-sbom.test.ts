import { describe, expect, it } from 'vitest';
import { readSbomDocument } from './read-sbom.ts';

const cyclonedx = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  metadata: { component: { type: 'container', name: 'ghcr.io/acme/app', version: 'sha256:abc' } },
  components: [
    {
      type: 'library',
      name: 'zlib1g',
      version: '1:1.2.13.dfsg-1',
      purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
      licenses: [{ license: { id: 'Zlib' } }],
      author: 'Mark Brown <broonie@debian.org>',
      evidence: { occurrences: [{ location: '/var/lib/dpkg/status' }] },
      properties: [{ name: 'syft:location:0:layerID', value: 'sha256:layer0' }],
    },
    {
      type: 'library',
      name: 'core',
      group: '@babel',
      version: '7.24.0',
      purl: 'pkg:npm/%40babel/core@7.24.0',
      licenses: [{ expression: 'MIT OR Apache-2.0' }],
      components: [{ type: 'library', name: 'ms', version: '2.1.3', purl: 'pkg:npm/ms@2.1.3' }],
    },
    { type: 'operating-system', name: 'debian', version: '12' },
    { type: 'library', name: 'no-purl', version: '1' },
  ],
};

const spdx = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app',
  packages: [
    { SPDXID: 'SPDXRef-image', name: 'acme/app', versionInfo: '1.0' },
    {
      SPDXID: 'SPDXRef-pkg-1',
      name: 'requests',
      versionInfo: '2.31.0',
      supplier: 'Person: Kenneth Reitz',
      licenseDeclared: 'Apache-2.0',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/requests@2.31.0' }],
    },
  ],
  relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-image' }],
};

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('readSbomDocument', () => {
  it('reads CycloneDX components (nested too) with purl parts, licences, authors, locations and layers', () => {
    const sbom = readSbomDocument(json(cyclonedx), 'a.cdx.json');
    expect(sbom.format).toBe('CycloneDX 1.5');
    expect(sbom.subject).toEqual({ name: 'ghcr.io/acme/app', version: 'sha256:abc' });
    expect(sbom.distro).toEqual({ id: 'debian', versionId: '12' });
    expect(sbom.packages.map((p) => p.purl)).toEqual([
      'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
      'pkg:npm/%40babel/core@7.24.0',
      'pkg:npm/ms@2.1.3',
    ]);
    expect(sbom.packages[0]).toMatchObject({
      type: 'deb',
      namespace: 'debian',
      name: 'zlib1g',
      version: '1:1.2.13.dfsg-1',
      arch: 'amd64',
      source: { name: 'zlib', version: '1:1.2.13.dfsg-1' },
      licenses: 'Zlib',
      authors: ['Mark Brown <broonie@debian.org>'],
      locations: [{ path: '/var/lib/dpkg/status', layerDigest: 'sha256:layer0' }],
    });
    expect(sbom.packages[1]).toMatchObject({ namespace: '@babel', name: 'core', licenses: 'MIT OR Apache-2.0' });
  });

  it('reads SPDX packages by their purl references, leaving out the described subject', () => {
    const sbom = readSbomDocument(json(spdx), 'a.spdx.json');
    expect(sbom.subject).toEqual({ name: 'acme/app', version: '1.0' });
    expect(sbom.packages).toEqual([expect.objectContaining({ type: 'pypi', name: 'requests', version: '2.31.0', licenses: 'Apache-2.0', authors: ['Kenneth Reitz'] })]);
  });

  it('reads an in-toto statement with an SPDX predicate, bare or in a DSSE envelope', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document', subject: [], predicate: spdx };
    expect(readSbomDocument(json(statement), 's.json').packages).toHaveLength(1);
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: json(statement).toString('base64'), signatures: [] };
    expect(readSbomDocument(json(envelope), 'e.json').packages[0]?.name).toBe('requests');
  });

  it('refuses malformed JSON and JSON that is no SBOM with one-line errors', () => {
    expect(() => readSbomDocument(Buffer.from('{"bomFormat": '), 'bad.json')).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(/^bad\.json is not valid JSON/) }));
    expect(() => readSbomDocument(json({ hello: 'world' }), 'other.json')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => readSbomDocument(json([1, 2]), 'arr.json')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});
