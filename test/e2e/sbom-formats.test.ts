// End-to-end: `sextant sbom --format cyclonedx|spdx` on a real layered image; both documents validate against the
// official schemas and carry the packages, their locations and layers, and the dependency edges.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CdxBom } from '../../src/sbom/formats/cyclonedx/cyclonedx.ts';
import type { SpdxDocument } from '../../src/sbom/formats/spdx/spdx.ts';
import { cycloneDxValidator, spdxValidator } from '../../src/sbom/formats/testdata/validate.ts';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let layout: string;
let diffIds: string[];
let manifestDigest: string;

const STATUS = `Package: libc6
Status: install ok installed
Installed-Size: 12000
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries

Package: zlib1g
Status: install ok installed
Installed-Size: 160
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
Depends: libc6 (>= 2.14)
Description: compression library - runtime
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-sbom-formats-'));
  const os = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', content: STATUS },
  ]);
  const app = await buildTar([
    { name: 'app/package.json', content: JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { '@scope/util': '^1.0.0' } }) },
    { name: 'app/node_modules/@scope/util/package.json', content: JSON.stringify({ name: '@scope/util', version: '1.0.2', license: 'MIT', author: 'Ada Lovelace <ada@example.com>', dependencies: { ms: '^2.1.3' } }) },
    { name: 'app/node_modules/ms/package.json', content: JSON.stringify({ name: 'ms', version: '2.1.3', license: 'Some Custom Licence' }) },
    { name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', content: 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n' },
  ]);
  const image = buildImage({ layers: [{ tar: os, createdBy: 'debootstrap' }, { tar: app, createdBy: 'COPY app' }], config: { Env: ['PATH=/usr/bin', 'DB_PASSWORD=s3cr3t-value'] } });
  diffIds = [sha256(os), sha256(app)];
  manifestDigest = image.manifest.digest;
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sextant sbom --format cyclonedx|spdx', () => {
  it('writes CycloneDX 1.6 JSON that validates against the official schema', async () => {
    const r = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'cyclonedx', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cr3t-value');
    const bom = JSON.parse(r.stdout) as CdxBom;
    expect(cycloneDxValidator()(bom)).toEqual([]);
    expect(bom.metadata.component).toMatchObject({ type: 'container', version: manifestDigest });
    expect(bom.metadata.component.properties).toContainEqual({ name: 'sextant:image:env', value: 'DB_PASSWORD' });
    const byName = new Map(bom.components.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['debian', 'libc6', 'ms', 'six', 'util', 'zlib1g']);
    expect(byName.get('util')).toMatchObject({ group: '@scope', purl: 'pkg:npm/%40scope/util@1.0.2', evidence: { occurrences: [{ location: '/app/node_modules/@scope/util/package.json' }] } });
    expect(byName.get('util')?.properties).toContainEqual({ name: 'sextant:location:0:layerDigest', value: diffIds[1] });
    expect(byName.get('zlib1g')?.properties).toContainEqual({ name: 'sextant:location:0:layerDigest', value: diffIds[0] });
    expect(bom.dependencies).toContainEqual({ ref: byName.get('zlib1g')?.['bom-ref'], dependsOn: [byName.get('libc6')?.['bom-ref']] });
    expect(bom.dependencies).toContainEqual({ ref: byName.get('util')?.['bom-ref'], dependsOn: [byName.get('ms')?.['bom-ref']] });
  });

  it('writes SPDX 2.3 JSON that validates against the schema from the SPDX repository, to a file with -o', async () => {
    const out = join(dir, 'sbom.spdx.json');
    const r = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'spdx', '-q', '-o', out]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const text = await readFile(out, 'utf8');
    expect(text).not.toContain('s3cr3t-value');
    const doc = JSON.parse(text) as SpdxDocument;
    expect(spdxValidator()(doc)).toEqual([]);
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT' });
    const byName = new Map(doc.packages.map((p) => [p.name, p]));
    expect(doc.packages[0]).toMatchObject({ SPDXID: 'SPDXRef-Image', primaryPackagePurpose: 'CONTAINER' });
    expect(byName.get('@scope/util')).toMatchObject({ versionInfo: '1.0.2', licenseDeclared: 'MIT', originator: 'Person: Ada Lovelace (ada@example.com)' });
    expect(byName.get('zlib1g')?.sourceInfo).toContain(`/var/lib/dpkg/status (layer ${diffIds[0]})`);
    // The npm cataloger names an unknown licence as a LicenseRef; the document declares it.
    const msLicence = byName.get('ms')?.licenseDeclared as string;
    expect(msLicence).toMatch(/^LicenseRef-/);
    expect(doc.hasExtractedLicensingInfos?.map((l) => l.licenseId)).toContain(msLicence);
    expect(doc.relationships).toContainEqual({ spdxElementId: byName.get('zlib1g')?.SPDXID, relationshipType: 'DEPENDS_ON', relatedSpdxElement: byName.get('libc6')?.SPDXID });
    expect(doc.relationships.filter((x) => x.relationshipType === 'CONTAINS')).toHaveLength(doc.packages.length - 1);
  });
});
