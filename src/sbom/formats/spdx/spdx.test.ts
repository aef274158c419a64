// SPDX writer: required document fields, the image as a CONTAINER package, package fields and ids, LicenseRef
// declarations, relationships, and validity against the SPDX 2.3 JSON schema from the spdx-spec repository.
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import { LAYERS, SECRET_ENV_VALUE, sampleImage, samplePackages, sampleSbom } from '../testdata/sample-sbom.ts';
import { spdxValidator } from '../testdata/validate.ts';
import { spdxFormat, toSpdx, type SpdxPackage } from './spdx.ts';

const validate = spdxValidator();

describe('spdx format', () => {
  const doc = toSpdx(sampleSbom());
  const byName = new Map(doc.packages.map((p) => [p.name, p]));
  const idOf = (name: string) => byName.get(name)?.SPDXID;

  it('validates against the SPDX 2.3 JSON schema', () => {
    expect(validate(JSON.parse(spdxFormat.render(sampleSbom())))).toEqual([]);
    // The validator is not vacuous: a relationship type SPDX does not define fails.
    const broken = toSpdx(sampleSbom());
    broken.relationships.push({ spdxElementId: 'SPDXRef-Image', relationshipType: 'LIKES', relatedSpdxElement: 'SPDXRef-DOCUMENT' });
    expect(validate(broken)).not.toEqual([]);
  });

  it('writes the required document fields', () => {
    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: 'library/app:1.0',
      creationInfo: { created: '2024-06-01T12:34:56Z', creators: ['Tool: sextant-0.1.0'] },
    });
    expect(doc.documentNamespace).toMatch(/^https:\/\/sextant\.dev\/spdx\/library-app-[0-9a-f-]{36}$/);
    expect(toSpdx(sampleSbom()).documentNamespace).not.toBe(doc.documentNamespace);
  });

  it('describes the image as a CONTAINER package with its purl and sextant:image annotations', () => {
    const image = doc.packages[0] as SpdxPackage;
    expect(image).toMatchObject({
      SPDXID: 'SPDXRef-Image', name: 'library/app', versionInfo: '1.0', primaryPackagePurpose: 'CONTAINER', downloadLocation: 'NOASSERTION', filesAnalyzed: false,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:oci/app@sha256:${'d'.repeat(64)}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0` }],
    });
    const notes = image.annotations?.map((a) => a.comment);
    expect(notes).toContain(`sextant:image:digest=sha256:${'d'.repeat(64)}`);
    expect(notes).toContain('sextant:image:env=API_TOKEN');
    expect(spdxFormat.render(sampleSbom())).not.toContain(SECRET_ENV_VALUE);
    expect(byName.get('debian')).toMatchObject({ primaryPackagePurpose: 'OPERATING_SYSTEM', versionInfo: '12' });
  });

  it('gives each package a unique SPDX id of allowed characters, and its purl, licences, people and checksums', () => {
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    const core = byName.get('@babel/core');
    expect(core?.SPDXID).toMatch(/^SPDXRef-Package-npm-core-[0-9a-f]{16}$/);
    expect(core).toMatchObject({
      versionInfo: '7.24.0', licenseDeclared: 'MIT', licenseConcluded: 'NOASSERTION', copyrightText: 'NOASSERTION', downloadLocation: 'NOASSERTION', filesAnalyzed: false,
      supplier: 'NOASSERTION', originator: 'Organization: The Babel Team (https://babel.dev/team)', description: 'Babel compiler core.', comment: 'direct dependency',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/%40babel/core@7.24.0' }],
      checksums: [{ algorithm: 'SHA512', checksumValue: '07'.repeat(64) }],
    });
    expect(core?.sourceInfo).toBe(`found by npm@1 in /app/node_modules/@babel/core/package.json (layer ${LAYERS[1]}), /app/package-lock.json (layer ${LAYERS[0]})`);
    // OS packages: the maintainer supplies the package.
    expect(byName.get('libc6')).toMatchObject({
      supplier: 'Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)', licenseDeclared: 'LGPL-2.1-or-later AND GPL-2.0-or-later',
      summary: 'GNU C Library: Shared libraries', sourceInfo: expect.stringContaining('built from source package glibc 2.36-9+deb12u4'),
    });
    expect(byName.get('libc6')).not.toHaveProperty('originator');
    expect(byName.get('six')).toMatchObject({ originator: 'Person: Benjamin Peterson (benjamin@python.org)', sourceInfo: 'found by pypi@1 in /usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA' });
    expect(byName.get('org.apache.commons/commons-lang3')).toMatchObject({ checksums: [{ algorithm: 'SHA1', checksumValue: '1'.repeat(40) }] });
    expect(byName.get('github.com/acme/tool')).toMatchObject({ licenseDeclared: 'NOASSERTION' });
  });

  it('declares every LicenseRef it uses in hasExtractedLicensingInfos', () => {
    expect(byName.get('inhouse')?.licenseDeclared).toBe('LicenseRef-Some-Custom-Licence-v1');
    expect(doc.hasExtractedLicensingInfos).toEqual([expect.objectContaining({ licenseId: 'LicenseRef-Some-Custom-Licence-v1', extractedText: expect.stringContaining('Some Custom Licence v1') })]);
    // Text that is no SPDX expression (say, from an imported SBOM) becomes a LicenseRef carrying that text.
    const odd: Package = { ...(samplePackages()[0] as Package), licenses: 'see LICENSE.txt (custom terms)' };
    const withText = toSpdx(sampleSbom({ packages: [odd], relationships: [], packageCount: 1 }));
    const declared = withText.packages.find((p) => p.name === 'serde')?.licenseDeclared;
    expect(declared).toMatch(/^LicenseRef-see-LICENSE.txt-custom-terms-[0-9a-f]{8}$/);
    expect(withText.hasExtractedLicensingInfos).toEqual([{ licenseId: declared, name: 'see LICENSE.txt (custom terms)', extractedText: 'see LICENSE.txt (custom terms)' }]);
    expect(validate(withText)).toEqual([]);
  });

  it('relates the document to the image, the image to each package, and packages to their dependencies', () => {
    expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
    for (const p of doc.packages.slice(1)) expect(doc.relationships).toContainEqual({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID });
    expect(doc.relationships).toContainEqual({ spdxElementId: idOf('zlib1g'), relationshipType: 'DEPENDS_ON', relatedSpdxElement: idOf('libc6') });
    expect(doc.relationships).toContainEqual({ spdxElementId: idOf('@babel/core'), relationshipType: 'DEPENDS_ON', relatedSpdxElement: idOf('ms') });
    const known = new Set(['SPDXRef-DOCUMENT', ...doc.packages.map((p) => p.SPDXID)]);
    for (const r of doc.relationships) expect(known.has(r.spdxElementId) && known.has(r.relatedSpdxElement)).toBe(true);
  });

  it('handles an image with no registry, digest or distribution', () => {
    const image = sampleImage({ reference: 'fs:///srv/root', source: 'fs', id: null, digest: null, indexDigest: null, registry: null, layers: [], osRelease: null });
    const bare = toSpdx(sampleSbom({ image, distro: null }));
    expect(bare.name).toBe('fs:///srv/root');
    expect(bare.packages[0]).not.toHaveProperty('externalRefs');
    expect(bare.documentNamespace).toMatch(/^https:\/\/sextant\.dev\/spdx\/fs-srv-root-/);
    expect(validate(bare)).toEqual([]);
  });
});
