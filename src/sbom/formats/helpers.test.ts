// The shared pieces of the standard formats: image identity, licence classification, people, artifact hashes.
import { describe, expect, it } from 'vitest';
import { packageHashes } from './hashes.ts';
import { imageIdentity } from './image-identity.ts';
import { readLicense } from './licenses.ts';
import { looksLikeOrganization, parsePerson } from './people.ts';
import { samplePackages, sampleImage } from './testdata/sample-sbom.ts';

describe('imageIdentity', () => {
  it('uses the repository and tag of a registry image, with an oci purl', () => {
    expect(imageIdentity(sampleImage())).toEqual({
      name: 'library/app',
      version: '1.0',
      purl: `pkg:oci/app@sha256:${'d'.repeat(64)}?arch=amd64&repository_url=docker.io%2Flibrary%2Fapp&tag=1.0`,
    });
  });

  it('names a registry other than Docker Hub by its host, port included', () => {
    const image = sampleImage({ registry: { url: 'https://127.0.0.1:5000', type: 'other', repository: 'team/Svc', tag: null }, reference: 'registry://127.0.0.1:5000/team/Svc' });
    expect(imageIdentity(image)).toMatchObject({ name: 'team/Svc', version: `sha256:${'d'.repeat(64)}` });
    expect(imageIdentity(image).purl).toBe(`pkg:oci/svc@sha256:${'d'.repeat(64)}?arch=amd64&repository_url=127.0.0.1%3A5000%2Fteam%2FSvc`);
  });

  it('falls back to the reference, taking a tag from it but not a port', () => {
    const layout = sampleImage({ registry: null, reference: 'oci-dir:///srv/images/app:v2' });
    expect(imageIdentity(layout)).toMatchObject({ name: 'oci-dir:///srv/images/app:v2', version: 'v2' });
    expect(imageIdentity(layout).purl).toBe(`pkg:oci/app@sha256:${'d'.repeat(64)}?arch=amd64&tag=v2`);
    expect(imageIdentity(sampleImage({ registry: null, reference: 'archive:///tmp/app.tar' })).version).toBe(`sha256:${'d'.repeat(64)}`);
    expect(imageIdentity(sampleImage({ registry: null, reference: 'fs:///srv/root', digest: null }))).toEqual({ name: 'fs:///srv/root', version: null, purl: null });
  });
});

describe('readLicense', () => {
  it.each([
    ['NOASSERTION', { kind: 'unknown' }],
    ['', { kind: 'unknown' }],
    ['NONE', { kind: 'none' }],
    ['MIT', { kind: 'id', id: 'MIT' }],
    ['GPL-2.0+', { kind: 'expression', expression: 'GPL-2.0+', refs: [] }],
    ['Apache-2.0 WITH LLVM-exception', { kind: 'expression', expression: 'Apache-2.0 WITH LLVM-exception', refs: [] }],
    ['MIT OR (LicenseRef-a AND LicenseRef-b)', { kind: 'expression', expression: 'MIT OR (LicenseRef-a AND LicenseRef-b)', refs: ['LicenseRef-a', 'LicenseRef-b'] }],
    ['LicenseRef-x', { kind: 'expression', expression: 'LicenseRef-x', refs: ['LicenseRef-x'] }],
    ['DocumentRef-other:LicenseRef-x', { kind: 'text', text: 'DocumentRef-other:LicenseRef-x' }],
    ['the usual terms', { kind: 'text', text: 'the usual terms' }],
  ])('%j', (value, expected) => {
    expect(readLicense(value)).toEqual(expected);
  });
});

describe('people', () => {
  it('splits names and emails as packages write them', () => {
    expect(parsePerson('Mark Brown <broonie@debian.org>')).toEqual({ name: 'Mark Brown', email: 'broonie@debian.org' });
    expect(parsePerson('"Jane Doe" (jane@example.com)')).toEqual({ name: 'Jane Doe', email: 'jane@example.com' });
    expect(parsePerson('dev@example.org')).toEqual({ name: null, email: 'dev@example.org' });
    expect(parsePerson('The Babel Team (https://babel.dev/team)')).toEqual({ name: 'The Babel Team (https://babel.dev/team)', email: null });
  });

  it('tells teams from people by the words they use', () => {
    expect(looksLikeOrganization('Debian Python Team')).toBe(true);
    expect(looksLikeOrganization('GNU Libc Maintainers')).toBe(true);
    expect(looksLikeOrganization('Benjamin Peterson')).toBe(false);
  });
});

describe('packageHashes', () => {
  it('reads SRI integrity, archive SHA-1 and Cargo checksums, and ignores malformed ones', () => {
    const [serde] = samplePackages();
    expect(packageHashes({ ...serde!, metadata: { checksum: 'F'.repeat(64) } })).toEqual([{ algorithm: 'SHA-256', hex: 'f'.repeat(64) }]);
    expect(packageHashes({ ...serde!, type: 'npm', metadata: { integrity: `sha1-${Buffer.alloc(20, 1).toString('base64')} sha512-${Buffer.alloc(64, 2).toString('base64')}` } })).toEqual([
      { algorithm: 'SHA-1', hex: '01'.repeat(20) },
      { algorithm: 'SHA-512', hex: '02'.repeat(64) },
    ]);
    expect(packageHashes({ ...serde!, type: 'npm', metadata: { integrity: 'sha512-xyz', sha1: 'abc' } })).toEqual([]);
    // A checksum means something else outside Cargo (a Composer dist shasum, say) and is not guessed at.
    expect(packageHashes({ ...serde!, type: 'composer', metadata: { checksum: 'f'.repeat(64) } })).toEqual([]);
  });
});
