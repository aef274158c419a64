// CycloneDX writer: the image as root component, package components with evidence and layers, the dependency
// graph, and validity against the official CycloneDX 1.6 schema.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listedLicenseIds } from '../licenses.ts';
import { LAYERS, SECRET_ENV_VALUE, sampleImage, sampleSbom } from '../testdata/sample-sbom.ts';
import { cycloneDxValidator } from '../testdata/validate.ts';
import { cyclonedxFormat, toCycloneDx, type CdxComponent } from './cyclonedx.ts';

const validate = cycloneDxValidator();
const prop = (c: CdxComponent | undefined, name: string) => c?.properties?.filter((p) => p.name === name).map((p) => p.value);

describe('cyclonedx format', () => {
  const bom = toCycloneDx(sampleSbom());
  const byName = new Map(bom.components.map((c) => [c.name, c]));

  it('validates against the CycloneDX 1.6 JSON schema', () => {
    expect(validate(JSON.parse(cyclonedxFormat.render(sampleSbom())))).toEqual([]);
    // The validator is not vacuous: a component type the schema does not know, or a licence id it does not list, fails.
    const broken = toCycloneDx(sampleSbom());
    broken.components[1] = { ...(broken.components[1] as CdxComponent), type: 'gadget' as CdxComponent['type'] };
    expect(validate(broken)).not.toEqual([]);
    const badId = toCycloneDx(sampleSbom());
    badId.components[1] = { ...(badId.components[1] as CdxComponent), licenses: [{ license: { id: 'Not-A-Licence' } }] };
    expect(validate(badId)).not.toEqual([]);
  });

  it('describes the image as the root container component, its metadata as sextant:image properties', () => {
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { timestamp: '2024-06-01T12:34:56.789Z' } });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.metadata.tools.components).toEqual([expect.objectContaining({ type: 'application', name: 'sextant', version: '0.1.0' })]);
    const root = bom.metadata.component;
    const purl = `pkg:oci/app@sha256:${'d'.repeat(64)}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0`;
    expect(root).toMatchObject({ type: 'container', name: 'library/app', version: '1.0', purl, 'bom-ref': purl });
    expect(prop(root, 'sextant:image:id')).toEqual([`sha256:${'c'.repeat(64)}`]);
    expect(prop(root, 'sextant:image:indexDigest')).toEqual([`sha256:${'e'.repeat(64)}`]);
    expect(prop(root, 'sextant:image:osRelease')).toEqual(['Debian GNU/Linux 12 (bookworm)']);
    expect(prop(root, 'sextant:image:port')).toEqual(['8080/tcp']);
    expect(prop(root, 'sextant:image:env')).toEqual(['PATH', 'API_TOKEN']);
    expect(prop(root, 'sextant:image:label:org.opencontainers.image.source')).toEqual(['https://example.com/app']);
    expect(prop(root, 'sextant:image:layer:1:diffId')).toEqual([LAYERS[1]]);
    expect(prop(root, 'sextant:image:registry:type')).toEqual(['dockerhub']);
  });

  it('never writes environment values or build commands, which may hold secrets', () => {
    expect(cyclonedxFormat.render(sampleSbom())).not.toContain(SECRET_ENV_VALUE);
  });

  it('adds the distribution as an operating-system component', () => {
    expect(byName.get('debian')).toMatchObject({ type: 'operating-system', version: '12', description: 'Debian GNU/Linux 12 (bookworm)' });
  });

  it('writes one library component per package, keyed by purl, with group, authors, licences and hashes', () => {
    expect(bom.components).toHaveLength(1 + sampleSbom().packages.length);
    expect(new Set(bom.components.map((c) => c['bom-ref'])).size).toBe(bom.components.length);
    expect(byName.get('core')).toMatchObject({
      type: 'library', 'bom-ref': 'pkg:npm/%40babel/core@7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0', group: '@babel', version: '7.24.0',
      licenses: [{ license: { id: 'MIT' } }], hashes: [{ alg: 'SHA-512', content: '07'.repeat(64) }], authors: [{ name: 'The Babel Team (https://babel.dev/team)' }],
    });
    expect(byName.get('commons-lang3')).toMatchObject({ group: 'org.apache.commons', hashes: [{ alg: 'SHA-1', content: '1'.repeat(40) }] });
    expect(byName.get('libc6')).toMatchObject({ authors: [{ name: 'GNU Libc Maintainers', email: 'debian-glibc@lists.debian.org' }], licenses: [{ expression: 'LGPL-2.1-or-later AND GPL-2.0-or-later' }] });
    expect(byName.get('libc6')).not.toHaveProperty('group');
    expect(byName.get('serde')).toMatchObject({ licenses: [{ expression: 'MIT OR Apache-2.0' }], hashes: [{ alg: 'SHA-256', content: 'f'.repeat(64) }] });
    expect(byName.get('inhouse')).toMatchObject({ licenses: [{ expression: 'LicenseRef-Some-Custom-Licence-v1' }] });
    expect(byName.get('tool')).not.toHaveProperty('licenses');
    expect(byName.get('tool')).toMatchObject({ group: 'github.com/acme' });
  });

  it('records every location as an occurrence, with its layer and the package facts as sextant properties', () => {
    const core = byName.get('core');
    expect(core?.evidence?.occurrences).toEqual([{ location: '/app/node_modules/@babel/core/package.json' }, { location: '/app/package-lock.json' }]);
    expect(prop(core, 'sextant:location:0:layerDigest')).toEqual([LAYERS[1]]);
    expect(prop(core, 'sextant:location:1:path')).toEqual(['/app/package-lock.json']);
    expect(prop(core, 'sextant:location:1:layerDigest')).toEqual([LAYERS[0]]);
    expect(prop(core, 'sextant:direct')).toEqual(['true']);
    expect(prop(core, 'sextant:foundBy')).toEqual(['npm@1']);
    const libc = byName.get('libc6');
    expect(prop(libc, 'sextant:source:name')).toEqual(['glibc']);
    expect(prop(libc, 'sextant:arch')).toEqual(['amd64']);
    expect(prop(libc, 'sextant:size')).toEqual(['12288000']);
    // A location outside any layer (a root filesystem) has a path and no layer.
    expect(prop(byName.get('six'), 'sextant:location:0:layerDigest')).toEqual([]);
    expect(prop(byName.get('tool'), 'sextant:direct')).toEqual([]);
  });

  it('makes the root depend on direct packages and on unparented packages of unknown directness', () => {
    const root = bom.dependencies.find((d) => d.ref === bom.metadata.component['bom-ref']);
    const refOf = (name: string) => byName.get(name)?.['bom-ref'];
    expect(root?.dependsOn).toEqual(expect.arrayContaining(['debian', 'core', 'inhouse', 'zlib1g', 'six', 'tool', 'serde', 'commons-lang3'].map(refOf)));
    // ms is transitive; libc6's directness is unknown, but zlib1g depends on it, so it is reached from there.
    expect(root?.dependsOn).not.toContain(refOf('ms'));
    expect(root?.dependsOn).not.toContain(refOf('libc6'));
    expect(bom.dependencies).toContainEqual({ ref: refOf('core'), dependsOn: [refOf('ms')] });
    expect(bom.dependencies).toContainEqual({ ref: refOf('zlib1g'), dependsOn: [refOf('libc6')] });
    // Every dependsOn names a component in the BOM.
    const refs = new Set([bom.metadata.component['bom-ref'], ...bom.components.map((c) => c['bom-ref'])]);
    for (const d of bom.dependencies) for (const r of [d.ref, ...d.dependsOn]) expect(refs.has(r as string)).toBe(true);
  });

  it('names an image without registry or digest by its reference, with no purl, and stays valid', () => {
    const image = sampleImage({ reference: 'fs:///srv/root', source: 'fs', id: null, digest: null, indexDigest: null, registry: null, layers: [], osRelease: null });
    const doc = toCycloneDx(sampleSbom({ image, distro: null, packages: [], relationships: [], packageCount: 0 }));
    expect(doc.metadata.component).toMatchObject({ name: 'fs:///srv/root', 'bom-ref': 'sextant:image:fs:///srv/root' });
    expect(doc.metadata.component).not.toHaveProperty('purl');
    expect(doc.metadata.component).not.toHaveProperty('version');
    expect(validate(doc)).toEqual([]);
  });

  it('uses license.id only for ids the CycloneDX schema lists', () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
    const known = new Set((JSON.parse(readFileSync(join(dir, 'spdx.SNAPSHOT.schema.json'), 'utf8')) as { enum: string[] }).enum);
    expect([...listedLicenseIds].filter((id) => !known.has(id))).toEqual([]);
  });
});
